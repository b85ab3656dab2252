// End to end: the pack as it is published and installed. `npm pack` makes the tarball `pulumi policy publish`
// uploads; the CLI unpacks it and runs `npm install` in it (no lockfile), with `--production` when
// PulumiPolicy.yaml says `production: true`; users also set NODE_ENV=production or pass --omit=dev. After each,
// the pack must start as the CLI starts it and judge. A stale or missing build is never run silently.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { drivePack } from "../../tools/driver/drive-pack";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const STALE_KEY = "AKIAINSTALLSTALE0001";
const user = {
    type: "aws:iam/user:User",
    name: "installed",
    urn: "urn:pulumi:dev::proj::aws:iam/user:User::installed",
    props: { name: "installed-user" },
};

/** The published tarball, unpacked into a new folder, as the CLI unpacks a pack it downloads. */
function unpackedTarball(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uic-install-"));
    const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
        cwd: REPO,
        encoding: "utf8",
    })
        .trim()
        .split("\n")
        .pop()!;
    execFileSync("tar", ["-xzf", path.join(dir, tarball), "-C", dir]);
    return path.join(dir, "package");
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

    it("the tarball holds the compiled pack, its build stamp and sources, and no lockfile, tests or programs", () => {
        const dir = unpackedTarball();
        for (const file of [
            "index.js",
            "bin/index.js",
            "bin/.source-hash",
            "bin/rules/verdict/verdict.js",
            "index.ts",
            "rules/verdict/verdict.ts",
            "tsconfig.json",
            "PulumiPolicy.yaml",
            "tools/build-stamp.js",
        ]) {
            assert.ok(fs.existsSync(path.join(dir, file)), file);
        }
        for (const absent of ["package-lock.json", "test", "bin/test", "node_modules"])
            assert.ok(!fs.existsSync(path.join(dir, absent)), absent);
    });

    const modes: [string, string[], NodeJS.ProcessEnv][] = [
        ["npm install, as the CLI installs a published pack (no lockfile)", [], {}],
        ["npm install --production, as the CLI does for `production: true`", ["--production"], {}],
        ["npm install --omit=dev", ["--omit=dev"], {}],
        ["npm install with NODE_ENV=production", [], { NODE_ENV: "production" }],
    ];
    for (const [what, args, env] of modes) {
        it(`${what}: starts as the CLI starts it and judges`, async () => {
            const dir = unpackedTarball();
            npmInstall(dir, args, env);
            const devOnly = args.length > 0 || env.NODE_ENV === "production";
            assert.equal(fs.existsSync(path.join(dir, "node_modules", "mocha")), !devOnly, "dev dependencies only when asked for");
            assert.ok(
                fs.existsSync(path.join(dir, "node_modules", "typescript")),
                "the CLI loader registers ts-node with the pack's own TypeScript",
            );
            const result = await judge(dir);
            assert.deepEqual(verdictLines(result), [`mandatory iam-user-unused-access-key installed ${STALE_KEY}`]);
            assert.equal(result.output, "", "nothing printed: the build matches the sources");
        });
    }

    it("a stale build runs the current sources and says so in one line; a missing one too", async () => {
        const dir = unpackedTarball();
        npmInstall(dir, ["--omit=dev"]);
        const message = path.join(dir, "rules", "verdict", "message.ts");
        fs.writeFileSync(message, fs.readFileSync(message, "utf8").replace("is unused: ", "is unused (edited after the build): "));
        const stale = await judge(dir);
        assert.equal(
            stale.output.trim(),
            "unused-iam-credentials: bin/ was built from other sources than these, so the pack runs its TypeScript sources (a slower start); run `npm run build` to fix",
        );
        assert.match(
            stale.results[0].diagnostics[0].message,
            /is unused \(edited after the build\): /,
            "the edited sources ran, not the old build",
        );
        fs.rmSync(path.join(dir, "bin"), { recursive: true });
        const missing = await judge(dir);
        assert.match(missing.output, /^unused-iam-credentials: bin\/ is missing, so the pack runs its TypeScript sources/);
        assert.deepEqual(verdictLines(missing), [`mandatory iam-user-unused-access-key installed ${STALE_KEY}`]);
    });
});
