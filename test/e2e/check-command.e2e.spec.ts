// `check` as a user runs it: preview-style output, --json, exit codes.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalIam } from "../../tools/local-iam/server";
import { reportOf, runCheck } from "../helpers/check-cli";
import { REPO, sampleAccount, sampleExport } from "../helpers/samples";

const check = runCheck;

describe("the check command", function () {
    this.timeout(120_000);

    it("--demo shows every kind of finding in preview's format and exits 0", async () => {
        const r = await check(["--demo"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
            r.stdout,
            /^Accounts:\n    provider default_7_10_0: account 111122223333 \(arn:aws:iam::111122223333:user\/policy-pack\)\n    provider default_1_30_0: account 111122223333 .*\n\nPolicies:\n    ❌ unused-iam-credentials@v\d+\.\d+\.\d+/,
        );
        assert.match(r.stdout, /- \[mandatory\] \[severity: high\]  iam-user-unused-access-key  \(aws:iam:User: alice-stale-key\)/);
        assert.match(r.stdout, /- \[mandatory\] \[severity: high\]  iam-user-unused-password  \(aws:iam:User: judy-never-used-password\)/);
        assert.match(
            r.stdout,
            /- \[advisory\] \[severity: medium\]  iam-user-usage-data-unavailable  \(aws:iam:User: grace-access-denied\)/,
        );
        assert.match(
            r.stdout,
            /- \[advisory\] \[severity: low\]  iam-user-credential-unused-soon  \(aws:iam:User: paul-idle-80-days\)\n.*\n          IAM user 'paul-idle-80-days' .*: active access key AKIAPAULIDLE80DAYS01 will count as unused on \d{4}-\d\d-\d\d \d\d:\d\d UTC, in 10 days/,
        );
        assert.match(
            r.stdout,
            /Not exempt: the exemption unused-credentials:exempt-until=2099-12-31 reaches \d+ days ahead, further than maxExemptionDays \(90\) allows/,
        );
        assert.match(
            r.stdout,
            /Unused credentials and their owners:\n(    - .*\n)*    - alice-stale-key \(account 111122223333 \(provider default_7_10_0\)\): access key AKIAALICESTALE000001, idle 120 days: managed by iam-team\/demo urn:pulumi:demo::iam-team::aws:iam\/accessKey:AccessKey::alice-key\n/,
        );
        assert.match(
            r.stdout,
            /    - bob-never-used-key \(.*\): access key AKIABOBNEVERUSED0001, idle 200 days: unmanaged \(user: iam-team\/demo urn:pulumi:demo::iam-team::aws:iam\/user:User::bob-never-used-key\)/,
        );
        assert.match(
            r.stdout,
            /Not judged \(never a pass\):\n    - grace-access-denied: access key AKIAGRACEDENIED00001: access denied to iam:GetAccessKeyLastUsed/,
        );
        assert.match(r.stdout, /20 resources analyzed: 12 mandatory and 2 advisory violations, 1 user not judged\./);
    });

    it("on a real stack export it exits 1 on mandatory violations, 4 when a user was not judged (5 for both), and --json is machine-readable", async () => {
        const iam = await startLocalIam(sampleAccount());
        try {
            const creds = { AWS_ACCESS_KEY_ID: "AKIDCHECKTEST0000000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1" };
            const exported = path.join(REPO, "samples", "demo-stack.json");
            const r = await check(["--stack-export", exported, "--endpoint", iam.url, "--json"], creds);
            assert.equal(r.code, 5, "mandatory violations, and grace could not be judged");
            const report = reportOf(r);
            assert.deepEqual(report.summary, { mandatory: 12, advisory: 2, exempt: 0, unjudged: 1, notices: 1, retiring: 0 });
            assert.equal(report.exitCode, 5);
            const keyFinding = report.violations.find(v => v.resource === "bob-never-used-key")!;
            assert.equal(keyFinding.policy, "iam-user-unused-access-key");
            assert.match(keyFinding.message, /^IAM user 'bob-never-used-key' .*AKIABOBNEVERUSED0001 is unused: never used/);
            const bob = report.credentials.find(c => c.user === "bob-never-used-key")!;
            assert.deepEqual(
                { ...bob, lastUsed: bob.lastUsed },
                {
                    stack: "iam-team/demo",
                    kind: "unused",
                    policy: "iam-user-unused-access-key",
                    enforcementLevel: "mandatory",
                    user: "bob-never-used-key",
                    urn: "urn:pulumi:demo::iam-team::aws:iam/user:User::bob-never-used-key",
                    account: "account 111122223333 (provider default_7_10_0)",
                    accountId: "111122223333",
                    credential: "access-key",
                    credentialId: "AKIABOBNEVERUSED0001",
                    accessKeyId: "AKIABOBNEVERUSED0001",
                    lastUsed: null,
                    idleDays: 200,
                    thresholdDays: 90,
                    // One finding: the record carries the diagnostic's own text.
                    message: keyFinding.message,
                    owner: "unmanaged",
                    userOwner: { stack: "iam-team/demo", urn: "urn:pulumi:demo::iam-team::aws:iam/user:User::bob-never-used-key" },
                },
            );
            assert.deepEqual(
                report.unjudged.map((u: { user: string }) => u.user),
                ["grace-access-denied"],
            );

            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
            const advisoryOnly = path.join(dir, "advisory.json");
            fs.writeFileSync(advisoryOnly, JSON.stringify({ all: "advisory" }));
            const advisory = await check(["--stack-export", exported, "--endpoint", iam.url, "--policy-pack-config", advisoryOnly], creds);
            assert.equal(advisory.code, 4, "advisory findings do not fail the run; the user not judged does");
            const judgedAll = path.join(dir, "judged-all.json");
            fs.writeFileSync(
                judgedAll,
                JSON.stringify({
                    all: "advisory",
                    "iam-user-unused-access-key": { exemptUsers: ["grace-*"] },
                    "iam-user-unused-password": { exemptUsers: ["grace-*"] },
                }),
            );
            const clean = await check(["--stack-export", exported, "--endpoint", iam.url, "--policy-pack-config", judgedAll], creds);
            assert.equal(clean.code, 0, "every user judged, nothing mandatory: 0");
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
        assert.match(r.stderr, /give --stack-export FILE \(or --demo, or --account-wide\)/);
        const help = await check(["--help"]);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /exit: 0  every user judged and no mandatory violation left/);
        assert.match(help.stdout, /      4  some users .* could not be judged; 5 = 1 and 4 together\n      2  usage or run error/);
    });

    describe("a stack export whose provider credentials are secrets", () => {
        const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAAencrypted" };
        /** The sample export with its default provider's keys stored as secrets, as `pulumi stack export` writes them. */
        function exportWithSecretKeys(dir: string, extraInputs: Record<string, unknown> = {}): string {
            const exported = sampleExport();
            for (const r of exported.deployment.resources) {
                if (r.type === "pulumi:providers:aws") Object.assign(r.inputs ?? {}, { accessKey: SECRET, secretKey: SECRET });
                if (r.type.startsWith("pulumi:providers:")) Object.assign(r.inputs ?? {}, extraInputs);
            }
            const file = path.join(dir, "secret-keys.json");
            fs.writeFileSync(file, JSON.stringify(exported));
            return file;
        }

        it("says so and stops with exit 2, naming the provider and the inputs, and reads nothing", async () => {
            const iam = await startLocalIam(sampleAccount());
            try {
                const file = exportWithSecretKeys(fs.mkdtempSync(path.join(os.tmpdir(), "check-")));
                const r = await check(["--stack-export", file, "--endpoint", iam.url], {
                    AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000",
                    AWS_SECRET_ACCESS_KEY: "x",
                });
                assert.equal(r.code, 2);
                assert.match(
                    r.stderr,
                    /the stack export holds provider settings as secrets, which check cannot decrypt: default_7_10_0 \(accessKey, secretKey\)/,
                );
                assert.match(r.stderr, /--use-ambient-credentials/);
                assert.equal(iam.totalCalls(), 0);
            } finally {
                await iam.close();
            }
        });

        it("with --use-ambient-credentials it reads with this shell's credentials and prints the account it verified", async () => {
            const iam = await startLocalIam(sampleAccount());
            try {
                const file = exportWithSecretKeys(fs.mkdtempSync(path.join(os.tmpdir(), "check-")));
                const r = await check(["--stack-export", file, "--endpoint", iam.url, "--use-ambient-credentials"], {
                    AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000",
                    AWS_SECRET_ACCESS_KEY: "x",
                });
                assert.equal(r.code, 5, r.stderr);
                assert.match(
                    r.stdout,
                    /^Accounts:\n    provider default_7_10_0: account 111122223333 \(arn:aws:iam::111122223333:user\/policy-pack\)\n/,
                );
                assert.match(r.stdout, /12 mandatory and 2 advisory violations/);
            } finally {
                await iam.close();
            }
        });

        it("refuses to read, and --deactivate to change, an account the provider does not allow", async () => {
            const iam = await startLocalIam(sampleAccount());
            try {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
                const file = exportWithSecretKeys(dir, { allowedAccountIds: ["999988887777"] });
                const log = path.join(dir, "audit.jsonl");
                const r = await check(
                    [
                        "--stack-export",
                        file,
                        "--endpoint",
                        iam.url,
                        "--use-ambient-credentials",
                        "--deactivate",
                        "--yes",
                        "--audit-log",
                        log,
                    ],
                    { AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000", AWS_SECRET_ACCESS_KEY: "x" },
                );
                assert.match(
                    r.stdout,
                    /provider default_7_10_0: NOT VERIFIED, its users are not judged: the credentials of provider default_7_10_0 reach account 111122223333, but its allowedAccountIds allow only 999988887777/,
                );
                assert.equal(iam.calls.get("UpdateAccessKey"), undefined);
                assert.equal(iam.calls.get("ListAccessKeys"), undefined, "no user of the wrong account was read");
            } finally {
                await iam.close();
            }
        });
    });
});
