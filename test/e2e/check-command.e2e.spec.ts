// `check` as a user runs it: preview-style output, --json, exit codes.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalIam } from "../../tools/local-iam/server";
import { REPO } from "./demo-stack.e2e.spec";

const CHECK = path.join(REPO, "bin", "tools", "check.js");
const SAMPLE_ACCOUNT = JSON.parse(fs.readFileSync(path.join(REPO, "samples", "demo-account.json"), "utf8"));

// Asynchronous, so that a local IAM endpoint in this process can answer the pack.
function check(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CHECK, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", c => (stdout += c));
    child.stderr.on("data", c => (stderr += c));
    return new Promise(resolve => child.on("close", code => resolve({ code, stdout, stderr })));
}

describe("the check command", function () {
    this.timeout(120_000);

    it("--demo shows every kind of finding in preview's format and exits 0", async () => {
        const r = await check(["--demo"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Policies:\n    ❌ unused-iam-credentials@v\d+\.\d+\.\d+/);
        assert.match(r.stdout, /- \[mandatory\]  iam-user-unused-access-key  \(aws:iam\/user:User: alice-stale-key\)/);
        assert.match(r.stdout, /- \[mandatory\]  iam-user-unused-password  \(aws:iam\/user:User: judy-never-used-password\)/);
        assert.match(r.stdout, /- \[advisory\]  iam-user-usage-data-unavailable  \(aws:iam\/user:User: grace-access-denied\)/);
        assert.match(r.stdout, /Exempt \(not judged\):\n    - iam-user-unused-password  \(quinn-exempt-until-2099\): IAM user 'quinn-exempt-until-2099' is exempt until 2099-12-31 by tag unused-credentials:exempt-until, reason: "vendor batch job runs yearly, see SEC-42"/);
        assert.match(r.stdout, /19 resources analyzed: 11 mandatory and 1 advisory violations, 1 exempt users\./);
    });

    it("on a real stack export it exits 1 on a mandatory violation, like a failed preview, and --json is machine-readable", async () => {
        const iam = await startLocalIam(SAMPLE_ACCOUNT);
        try {
            const creds = { AWS_ACCESS_KEY_ID: "AKIDCHECKTEST0000000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1" };
            const r = await check(["--stack-export", path.join(REPO, "samples", "demo-stack.json"), "--endpoint", iam.url, "--json"], creds);
            assert.equal(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout);
            assert.deepEqual(report.summary, { mandatory: 11, advisory: 1, exempt: 1 });
            assert.equal(report.exemptions.length, 2, "exempt from both unused-credential policies");
            const keyFinding = report.violations.find((v: { resource: string }) => v.resource === "bob-never-used-key");
            assert.equal(keyFinding.policy, "iam-user-unused-access-key");
            assert.match(keyFinding.message, /^IAM user 'bob-never-used-key' .*AKIABOBNEVERUSED0001 is unused: never used/);

            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
            const advisoryOnly = path.join(dir, "advisory.json");
            fs.writeFileSync(advisoryOnly, JSON.stringify({ all: "advisory" }));
            const advisory = await check(["--stack-export", path.join(REPO, "samples", "demo-stack.json"), "--endpoint", iam.url, "--policy-pack-config", advisoryOnly], creds);
            assert.equal(advisory.code, 0, "advisory findings do not fail the run");
        } finally {
            await iam.close();
        }
    });

    it("rejects an invalid config file naming the policy and the field, with exit 2", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
        const bad = path.join(dir, "bad.json");
        fs.writeFileSync(bad, JSON.stringify({ "iam-user-unused-access-key": { maxUnusedDays: 0 } }));
        const r = await check(["--demo", "--policy-pack-config", bad]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /iam-user-unused-access-key\.maxUnusedDays must be >= 1/);
    });

    it("explains its usage on bad arguments", async () => {
        const r = await check([]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /give --stack-export FILE \(or --demo\)/);
    });
});
