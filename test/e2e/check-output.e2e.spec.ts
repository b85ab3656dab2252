// `check` as a person reads it: no SDK warning about the Node version, counts in the right number, and no temporary
// files left behind when it is interrupted.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCheck } from "../helpers/check-cli";
import { counted } from "../../tools/check/format-report";
import { REPO, sampleAccount } from "../helpers/samples";
import { startLocalIam } from "../../tools/local-iam/server";

const CHECK = path.resolve(__dirname, "..", "..", "..", "bin", "tools", "check.js");

describe("check's output for people", function () {
    this.timeout(120_000);

    it("prints no AWS SDK warning about the Node version (the pack silences it too), and counts in the right number", async () => {
        const run = await runCheck(["--demo"]);
        assert.doesNotMatch(run.stderr, /NodeVersionSupportWarning|will require node/);
        assert.match(run.stdout, /20 resources analyzed: 12 mandatory and 2 advisory violations, 1 user not judged\./);
        assert.deepEqual([counted(0, "user"), counted(1, "user"), counted(2, "account")], ["0 users", "1 user", "2 accounts"]);
        // The demo lists what it judged and did not flag, and why.
        const passed = run.stdout.slice(run.stdout.indexOf("Judged and not flagged:"));
        assert.match(passed, /- carol-new-key: no console password; access key AKIACAROLNEWKEY00001 never used: idle 0 days, threshold 90/);
        assert.match(
            passed,
            /- ken-recreated-password: console password last used \d{4}-\d\d-\d\d, created since: idle 3 days, threshold 90/,
        );
        assert.match(passed, /- new-hire-not-yet-created: not in IAM yet \(a preview that creates it\)\n/);
        assert.match(passed, /- frank-deleted-password: no console password; no access key/);
    });

    it("findings that share a cause are told once, with the resources they concern", async () => {
        // No IAM to reach: every user of a provider is not judged for the same reason.
        const run = await runCheck(["--stack-export", path.join(REPO, "samples", "demo-stack.json"), "--endpoint", "http://127.0.0.1:1"]);
        assert.equal(run.code, 4);
        assert.match(
            run.stdout,
            /iam-user-usage-data-unavailable {2}\(18 resources\)\n.*\n {10}IAM user 'alice-stale-key' .*\n {10}The same for aws:iam:User: bob-never-used-key, /,
        );
        assert.equal(
            run.stdout.match(/could not be verified/g)?.length,
            6,
            "each of the two causes once in the accounts, the findings and what was not judged",
        );
        assert.match(
            run.stdout,
            /Not judged \(never a pass\):\n {4}- native-nina: .*\n {4}- 18 users \(alice-stale-key, bob-never-used-key, /,
        );
    });

    it("--account-wide shows its progress on a terminal, and none with --json or in CI", async () => {
        const iam = await startLocalIam(sampleAccount());
        // `script` gives check a terminal (util-linux, on every machine of this project's kind).
        const onTerminal = (args: string, env: NodeJS.ProcessEnv = {}) =>
            new Promise<string>(resolve => {
                const command = `${process.execPath} ${CHECK} --endpoint ${iam.url} --account-wide ${args}`;
                const child = spawn("script", ["-qec", command, "/dev/null"], {
                    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
                });
                let output = "";
                child.stdout.on("data", (c: Buffer) => (output += c.toString()));
                child.on("close", () => resolve(output));
            });
        try {
            const text = await onTerminal("");
            assert.match(text, /account-wide: 19 users no given stack manages/);
            assert.match(text, /account-wide: analyzed 19\/19 resources/);
            assert.doesNotMatch(await onTerminal("--json"), /analyzed \d+\/\d+ resources|no given stack manages/);
            assert.doesNotMatch(await onTerminal("", { CI: "true" }), /analyzed \d+\/\d+ resources|no given stack manages/);
        } finally {
            await iam.close();
        }
    });

    it("an interrupt removes its temporary findings folder and exits 130", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-interrupt-"));
        const child = spawn(process.execPath, [CHECK, "--demo"], { env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp } });
        const folders = () => fs.readdirSync(tmp).filter(name => name.startsWith("unused-credentials-findings-"));
        // Interrupt once the pack is running (its findings folder exists).
        const started = Date.now();
        while (folders().length === 0 && Date.now() - started < 60_000) await new Promise(resolve => setTimeout(resolve, 20));
        assert.equal(folders().length, 1, "the run made its findings folder");
        const exited = new Promise<number | null>(resolve => child.on("exit", code => resolve(code)));
        child.kill("SIGINT");
        assert.equal(await exited, 130);
        assert.deepEqual(folders(), [], "nothing left in the temporary directory");
        fs.rmSync(tmp, { recursive: true, force: true });
    });
});

describe("check's exits: every usage error ends, with its code", function () {
    this.timeout(60_000);
    const cases: [string, string[], RegExp][] = [
        [
            "an unknown format, with --demo (the demo's endpoint is never started)",
            ["--demo", "--format", "xml"],
            /--format xml is not text, json or sarif/,
        ],
        ["--json beside another format", ["--demo", "--json", "--format", "sarif"], /--json is --format json/],
        ["no input", [], /give --stack-export FILE/],
        ["an unknown flag", ["--demo", "--frobnicate"], /Unknown option '--frobnicate'/],
        ["a file that is not a stack export", ["--stack-export", path.join(REPO, "package.json")], /not a `pulumi stack export` file/],
        ["a bad concurrency", ["--demo", "--concurrency", "0"], /--concurrency must be a whole number/],
        ["an endpoint that is not http(s)", ["--demo", "--endpoint", "ftp://example.com"], /is not an http\(s\) URL/],
        ["an endpoint that is not a URL", ["--demo", "--endpoint", "not a url"], /--endpoint not a url is not a URL/],
        [
            "--delete-unused-passwords without --deactivate",
            ["--demo", "--delete-unused-passwords"],
            /--delete-unused-passwords goes with --deactivate/,
        ],
        ["a stack export that does not exist", ["--demo", "--stack-export", "/nonexistent/stack.json"], /cannot read stack export/],
        [
            "a policy pack config naming a policy the pack does not have",
            ["--demo", "--policy-pack-config", path.join(REPO, "test", "fixtures", "config-unknown-policy.json")],
            /"iam-user-unused-passwrd" is not a policy of this pack; did you mean "iam-user-unused-password"/,
        ],
        [
            "a policy pack config that is not JSON",
            ["--demo", "--policy-pack-config", path.join(REPO, "README.md")],
            /policy pack config .*README\.md/,
        ],
        [
            "an audit log that cannot be written",
            ["--demo", "--deactivate", "--yes", "--audit-log", "/"],
            /--audit-log \/ cannot be written: EISDIR/,
        ],
        ["a value missing after a flag", ["--demo", "--format"], /argument missing|Option '--format <value>'/],
    ];
    for (const [what, args, message] of cases) {
        it(`${what}: exit 2 with one message`, async () => {
            const started = Date.now();
            const run = await runCheck(args);
            assert.equal(run.code, 2, run.stderr);
            assert.match(run.stderr, message);
            assert.ok(Date.now() - started < 30_000, "it ended");
        });
    }
});
