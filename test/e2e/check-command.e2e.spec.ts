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
        assert.match(r.stdout, /^Accounts:\n    provider default_7_10_0: account 111122223333 \(arn:aws:iam::111122223333:user\/policy-pack\)\n    provider default_1_30_0: account 111122223333 .*\n\nPolicies:\n    ❌ unused-iam-credentials@v\d+\.\d+\.\d+/);
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

    describe("a stack export whose provider credentials are secrets", () => {
        const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAAencrypted" };
        /** The sample export with its default provider's keys stored as secrets, as `pulumi stack export` writes them. */
        function exportWithSecretKeys(dir: string, extraInputs: Record<string, unknown> = {}): string {
            const exported = JSON.parse(fs.readFileSync(path.join(REPO, "samples", "demo-stack.json"), "utf8"));
            for (const r of exported.deployment.resources) {
                if (r.type === "pulumi:providers:aws") Object.assign(r.inputs, { accessKey: SECRET, secretKey: SECRET });
                if (r.type.startsWith("pulumi:providers:")) Object.assign(r.inputs, extraInputs);
            }
            const file = path.join(dir, "secret-keys.json");
            fs.writeFileSync(file, JSON.stringify(exported));
            return file;
        }

        it("says so and stops with exit 2, naming the provider and the inputs, and reads nothing", async () => {
            const iam = await startLocalIam(SAMPLE_ACCOUNT);
            try {
                const file = exportWithSecretKeys(fs.mkdtempSync(path.join(os.tmpdir(), "check-")));
                const r = await check(["--stack-export", file, "--endpoint", iam.url], { AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000", AWS_SECRET_ACCESS_KEY: "x" });
                assert.equal(r.code, 2);
                assert.match(r.stderr, /the stack export holds provider settings as secrets, which check cannot decrypt: default_7_10_0 \(accessKey, secretKey\)/);
                assert.match(r.stderr, /--use-ambient-credentials/);
                assert.equal(iam.totalCalls(), 0);
            } finally {
                await iam.close();
            }
        });

        it("with --use-ambient-credentials it reads with this shell's credentials and prints the account it verified", async () => {
            const iam = await startLocalIam(SAMPLE_ACCOUNT);
            try {
                const file = exportWithSecretKeys(fs.mkdtempSync(path.join(os.tmpdir(), "check-")));
                const r = await check(["--stack-export", file, "--endpoint", iam.url, "--use-ambient-credentials"], { AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000", AWS_SECRET_ACCESS_KEY: "x" });
                assert.equal(r.code, 1, r.stderr);
                assert.match(r.stdout, /^Accounts:\n    provider default_7_10_0: account 111122223333 \(arn:aws:iam::111122223333:user\/policy-pack\)\n/);
                assert.match(r.stdout, /11 mandatory and 1 advisory violations/);
            } finally {
                await iam.close();
            }
        });

        it("refuses to read, and --deactivate to change, an account the provider does not allow", async () => {
            const iam = await startLocalIam(SAMPLE_ACCOUNT);
            try {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
                const file = exportWithSecretKeys(dir, { allowedAccountIds: ["999988887777"] });
                const log = path.join(dir, "audit.jsonl");
                const r = await check(["--stack-export", file, "--endpoint", iam.url, "--use-ambient-credentials", "--deactivate", "--yes", "--audit-log", log],
                    { AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000", AWS_SECRET_ACCESS_KEY: "x" });
                assert.match(r.stdout, /provider default_7_10_0: NOT VERIFIED, its users are not judged: the credentials of provider default_7_10_0 reach account 111122223333, but its allowedAccountIds allow only 999988887777/);
                assert.equal(iam.calls.get("UpdateAccessKey"), undefined);
                assert.equal(iam.calls.get("ListAccessKeys"), undefined, "no user of the wrong account was read");
            } finally {
                await iam.close();
            }
        });
    });
});
