// End to end: the pack as it is published and installed. `npm pack` makes the tarball `pulumi policy publish`
// uploads; the CLI unpacks it and runs `npm install --loglevel=error` in it (no lockfile), with `--production`
// because PulumiPolicy.yaml says `production: true` (a Pulumi Cloud policy group's install); users also pass
// --omit=dev or set NODE_ENV=production. After each, the pack must start as the CLI starts it (no TypeScript:
// PulumiPolicy.yaml turns the loader's ts-node off) and judge, and `check` must run. A source checkout whose
// bundle is stale or missing runs its sources and says so; an installed package never has sources to run.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { drivePack } from "../../tools/driver/drive-pack";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { unpackedRelease } from "../helpers/release";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const STALE_KEY = "AKIAINSTALLSTALE0001";
const user = {
    type: "aws:iam/user:User",
    name: "installed",
    urn: "urn:pulumi:dev::proj::aws:iam/user:User::installed",
    props: { name: "installed-user" },
};

/** The published tarball unpacked into a new folder, as the CLI unpacks a pack. */
function unpackedTarball(): string {
    return unpackedRelease(fs.mkdtempSync(path.join(os.tmpdir(), "uic-install-")));
}

function npmInstall(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...args], {
        cwd: dir,
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
    });
}

describe("end to end: the pack as published and installed", function () {
    this.timeout(600_000);
    let iam: LocalIam;
    before(async () => {
        iam = await startLocalIam({
            users: [
                {
                    userName: "installed-user",
                    accessKeys: [{ accessKeyId: STALE_KEY, created: { daysAgo: 300 }, lastUsed: { daysAgo: 200, service: "s3" } }],
                },
            ],
        });
    });
    after(() => iam.close());

    const judge = (packDir: string) =>
        drivePack({
            packDir,
            stack: { stack: "dev", project: "proj", organization: "org", config: {}, dryRun: true },
            env: packEnv(iam),
            resources: [user],
            startTimeoutMs: 120_000,
        });

    it("the tarball holds the bundled pack, check and its build stamp, and no sources, lockfile, tests or programs", () => {
        const dir = unpackedTarball();
        for (const file of [
            "index.js",
            "dist/pack.js",
            "dist/check.js",
            "dist/local-iam.js",
            "dist/.source-hash",
            "PulumiPolicy.yaml",
            "tools/build-stamp.js",
            "samples/demo-account.json",
        ]) {
            assert.ok(fs.existsSync(path.join(dir, file)), file);
        }
        for (const absent of ["index.ts", "rules", "tsconfig.json", "bin", "package-lock.json", "test", "node_modules"])
            assert.ok(!fs.existsSync(path.join(dir, absent)), absent);
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
            devDependencies?: unknown;
            scripts?: unknown;
        };
        assert.equal(
            manifest.devDependencies,
            undefined,
            "no dev dependencies: npm would install TypeScript, an optional peer of @pulumi/pulumi",
        );
        assert.equal(manifest.scripts, undefined, "an install runs nothing");
        assert.deepEqual(
            Object.keys(manifest.dependencies).sort(),
            ["@grpc/grpc-js", "@pulumi/policy", "@pulumi/pulumi", "google-protobuf"],
            "what the bundle leaves outside: the SDKs the CLI starts the pack with (gRPC and protobuf are theirs too)",
        );
    });

    const modes: [string, string[], NodeJS.ProcessEnv][] = [
        ["npm install (no lockfile)", [], {}],
        ["npm install --production, as the CLI installs a policy group's pack (PulumiPolicy.yaml: production)", ["--production"], {}],
        ["npm install --omit=dev", ["--omit=dev"], {}],
        ["npm install with NODE_ENV=production", [], { NODE_ENV: "production" }],
    ];
    for (const [what, args, env] of modes) {
        it(`${what}: starts as the CLI starts it and judges, and check runs`, async () => {
            const dir = unpackedTarball();
            npmInstall(dir, args, env);
            for (const absent of ["mocha", "typescript", "ts-node", "@aws-sdk", "esbuild"])
                assert.ok(
                    !fs.existsSync(path.join(dir, "node_modules", absent)),
                    `${absent} is not installed: bundled, or a dev dependency`,
                );
            const result = await judge(dir);
            assert.deepEqual(verdictLines(result), [`mandatory iam-user-unused-access-key installed ${STALE_KEY}`]);
            assert.equal(result.output, "", "nothing printed: the bundle is complete");
            const demo = spawnSync(process.execPath, [path.join(dir, "dist", "check.js"), "--demo"], {
                cwd: os.tmpdir(),
                encoding: "utf8",
            });
            assert.match(demo.stdout, /\d+ resources analyzed: \d+ mandatory and \d+ advisory violations/, demo.stderr);
        });
    }

    /** A copy of the source checkout (its sources, bundle and node_modules), as a developer's clone. */
    function checkoutCopy(): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uic-checkout-"));
        for (const entry of ["index.js", "index.ts", "rules", "tools", "dist", "tsconfig.json", "package.json", "PulumiPolicy.yaml"])
            fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
        return dir;
    }

    it("in a source checkout, a stale bundle runs the current sources and says so in one line; a missing one too", async () => {
        const dir = checkoutCopy();
        const message = path.join(dir, "rules", "verdict", "message.ts");
        fs.writeFileSync(message, fs.readFileSync(message, "utf8").replace("is unused: ", "is unused (edited after the build): "));
        const stale = await judge(dir);
        assert.equal(
            stale.output.trim(),
            "unused-iam-credentials: dist/ was built from other sources than these, so the pack runs its TypeScript sources (a slower start); run `npm run build` to fix",
        );
        assert.match(
            stale.results[0].diagnostics[0].message,
            /is unused \(edited after the build\): /,
            "the edited sources ran, not the old bundle",
        );
        fs.rmSync(path.join(dir, "dist"), { recursive: true });
        const missing = await judge(dir);
        assert.match(missing.output, /^unused-iam-credentials: dist\/ is missing, so the pack runs its TypeScript sources/);
        assert.deepEqual(verdictLines(missing), [`mandatory iam-user-unused-access-key installed ${STALE_KEY}`]);
    });

    it("a tarball packed from the checkout with plain npm pack (scripts kept, no sources): npm install --omit=dev succeeds, starts and judges", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uic-plain-pack-"));
        const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: REPO, encoding: "utf8" })
            .trim()
            .split("\n")
            .pop()!;
        execFileSync("tar", ["-xzf", path.join(dir, tarball), "-C", dir]);
        const unpacked = path.join(dir, "package");
        // Its prepare script runs here and must do nothing: there is nothing to bundle from. npm install fails if it fails.
        npmInstall(unpacked, ["--omit=dev"]);
        const result = await judge(unpacked);
        assert.deepEqual(verdictLines(result), [`mandatory iam-user-unused-access-key installed ${STALE_KEY}`]);
        assert.equal(result.output, "");
    });

    it("an installed package without its bundle says to reinstall it, and does not start", async () => {
        const dir = unpackedTarball();
        npmInstall(dir, ["--omit=dev"]);
        fs.rmSync(path.join(dir, "dist", "pack.js"));
        await assert.rejects(judge(dir), /dist\/ is missing: this installed package is incomplete; reinstall it/);
    });
});
