// `check --deactivate` end to end: the sample stack export against the local IAM endpoint.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { checkStack } from "../../tools/check/checked-stack";
import { StackExport, stackFromExport } from "../../tools/check/stack-export";
import { AuditRecord, planFixes, runFixes } from "../../tools/check/fix";
import { Accounts, settingsFrom } from "../../rules/api";
import { runCheck } from "../helpers/check-cli";
import { REPO, sampleAccount } from "../helpers/samples";

const EXPORT = path.join(REPO, "samples", "demo-stack.json");
const CREDS = { AWS_ACCESS_KEY_ID: "AKIDFIXTESTS00000000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1" };

const check = (args: string[], env: NodeJS.ProcessEnv = {}) => runCheck(args, { ...CREDS, ...env });

const statusOf = (iam: LocalIam, userName: string, keyId: string) =>
    iam.users.get(userName)!.accessKeys.find(k => k.accessKeyId === keyId)!.status;

describe("check --deactivate: fixing what the pack found", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    let dir: string;
    beforeEach(async () => {
        iam = await startLocalIam(sampleAccount());
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "fix-"));
    });
    afterEach(() => iam.close());

    it("--dry-run prints what would be done and changes nothing", async () => {
        const r = await check([
            "--stack-export",
            EXPORT,
            "--endpoint",
            iam.url,
            "--dry-run",
            "--delete-unused-passwords",
            "--audit-log",
            path.join(dir, "audit.jsonl"),
        ]);
        assert.equal(r.code, 5, "a managed credential still needs a code change (1), and grace was not judged (4)");
        assert.match(r.stdout, /Fixes \(dry run: nothing is changed\):/);
        assert.match(
            r.stdout,
            /would do +bob-never-used-key: access key AKIABOBNEVERUSED0001: would deactivate \(never used, idle 200 days\)/,
        );
        assert.match(r.stdout, /would do +ivan-stale-password: console password: would delete/);
        assert.equal(iam.calls.get("UpdateAccessKey"), undefined);
        assert.equal(iam.calls.get("DeleteLoginProfile"), undefined);
        assert.equal(statusOf(iam, "bob-never-used-key", "AKIABOBNEVERUSED0001"), "Active");
        assert.ok(!fs.existsSync(path.join(dir, "audit.jsonl")));
    });

    it("deactivates unmanaged unused keys, prints code changes for managed ones, leaves fresh keys and passwords alone", async () => {
        const log = path.join(dir, "audit.jsonl");
        const r = await check(["--stack-export", EXPORT, "--endpoint", iam.url, "--deactivate", "--yes", "--audit-log", log]);
        assert.equal(r.code, 5, "alice's managed key and nina's managed password need code changes (1); grace was not judged (4)");
        // Managed by the stack: fixed in code, not out of band.
        assert.match(
            r.stdout,
            /fix in code +alice-stale-key: access key AKIAALICESTALE000001 is managed by urn:pulumi:demo::iam-team::aws:iam\/accessKey:AccessKey::alice-key: set status: "Inactive" on aws.iam.AccessKey "alice-key"/,
        );
        assert.match(r.stdout, /fix in code +native-nina: console password is managed by .*aws-native:iam:User::nina: remove loginProfile/);
        assert.equal(statusOf(iam, "alice-stale-key", "AKIAALICESTALE000001"), "Active");
        // Unmanaged: deactivated, never deleted.
        // quinn's exempt-until 2099 reaches further than maxExemptionDays: no exemption, so its key is deactivated too.
        for (const [user, key] of [
            ["bob-never-used-key", "AKIABOBNEVERUSED0001"],
            ["dave-inactive-then-stale", "AKIADAVESTALE0000002"],
            ["erin-two-stale-keys", "AKIAERINSTALEKEY0001"],
            ["erin-two-stale-keys", "AKIAERINSTALEKEY0002"],
            ["heidi-exactly-90-days", "AKIAHEIDIEXACTLY9001"],
            ["svc+deploy=ci,eu@corp.example", "AKIASVCDEPLOYCIEU001"],
            ["quinn-exempt-until-2099", "AKIAQUINNEXEMPT00001"],
        ]) {
            assert.equal(statusOf(iam, user, key), "Inactive", key);
        }
        assert.equal(iam.users.get("erin-two-stale-keys")!.accessKeys.length, 2, "never deletes a key");
        // Fresh keys, keys near their threshold and (without --delete-unused-passwords) passwords are untouched.
        assert.equal(statusOf(iam, "alice-stale-key", "AKIAALICEFRESH000002"), "Active");
        assert.equal(statusOf(iam, "paul-idle-80-days", "AKIAPAULIDLE80DAYS01"), "Active");
        assert.ok(iam.users.get("ivan-stale-password")!.loginProfile);
        assert.match(r.stdout, /left alone +ivan-stale-password: console password: pass --delete-unused-passwords/);
        // The audit log: one line per action, with the command that undoes it, naming the right key.
        const records: AuditRecord[] = fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map(l => JSON.parse(l) as AuditRecord);
        assert.equal(records.length, 7);
        const bob = records.find(x => x.user === "bob-never-used-key")!;
        assert.equal(bob.result, "done");
        assert.equal(bob.account, "account 111122223333 (provider default_7_10_0)");
        assert.equal(bob.accountId, "111122223333", "the verified account, in every audit line");
        assert.equal(bob.credential, "access key AKIABOBNEVERUSED0001");
        assert.equal(bob.lastUsed, null);
        assert.equal(bob.idleDays, 200);
        assert.equal(
            bob.undo,
            "aws iam update-access-key --user-name bob-never-used-key --access-key-id AKIABOBNEVERUSED0001 --status Active",
        );
        for (const x of records) assert.ok(x.undo!.includes(x.credential.replace("access key ", "")), x.undo!);
    });

    it("records an action that IAM denies, reports it, and goes on with the others", async () => {
        iam.setFaults({
            accessDenied: [
                { action: "UpdateAccessKey", userName: "bob-never-used-key" },
                { action: "DeleteLoginProfile", userName: "judy-never-used-password" },
            ],
        });
        const log = path.join(dir, "audit.jsonl");
        const r = await check([
            "--stack-export",
            EXPORT,
            "--endpoint",
            iam.url,
            "--deactivate",
            "--delete-unused-passwords",
            "--yes",
            "--audit-log",
            log,
        ]);
        // These faults replace the sample's (grace's denied read), so every user is judged: exit 1 for what is left.
        assert.equal(r.code, 1, "failed actions leave mandatory findings");
        assert.match(r.stdout, /FAILED +bob-never-used-key: access key AKIABOBNEVERUSED0001: access denied to iam:UpdateAccessKey/);
        assert.equal(statusOf(iam, "bob-never-used-key", "AKIABOBNEVERUSED0001"), "Active");
        assert.equal(statusOf(iam, "dave-inactive-then-stale", "AKIADAVESTALE0000002"), "Inactive");
        assert.equal(iam.users.get("ivan-stale-password")!.loginProfile, undefined, "deleted with --delete-unused-passwords");
        assert.ok(iam.users.get("judy-never-used-password")!.loginProfile, "the denied deletion left the profile");
        const records: AuditRecord[] = fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map(l => JSON.parse(l) as AuditRecord);
        assert.deepEqual(
            records
                .filter(x => x.result === "failed")
                .map(x => x.user)
                .sort(),
            ["bob-never-used-key", "judy-never-used-password"],
        );
        const ivan = records.find(x => x.user === "ivan-stale-password")!;
        assert.equal(ivan.action, "delete-login-profile");
        assert.match(ivan.undo!, /aws iam create-login-profile --user-name ivan-stale-password --password-reset-required/);
    });

    it("respects exemptUsers from the policy-pack config", async () => {
        const config = path.join(dir, "config.json");
        fs.writeFileSync(config, JSON.stringify({ "iam-user-unused-access-key": { exemptUsers: ["dave-*"] } }));
        await check([
            "--stack-export",
            EXPORT,
            "--endpoint",
            iam.url,
            "--policy-pack-config",
            config,
            "--deactivate",
            "--yes",
            "--audit-log",
            path.join(dir, "a.jsonl"),
        ]);
        assert.equal(statusOf(iam, "dave-inactive-then-stale", "AKIADAVESTALE0000002"), "Active");
        assert.equal(statusOf(iam, "bob-never-used-key", "AKIABOBNEVERUSED0001"), "Inactive");
    });

    it("refuses to change IAM in CI without --yes", async () => {
        const r = await check(["--stack-export", EXPORT, "--endpoint", iam.url, "--deactivate"], { CI: "true" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /refusing to change 7 credential\(s\) without --yes/);
        assert.equal(iam.calls.get("UpdateAccessKey"), undefined);
    });

    it("leaves alone a key used between the finding and the action", async () => {
        const stack = stackFromExport(JSON.parse(fs.readFileSync(EXPORT, "utf8")) as StackExport);
        const checked = await checkStack("iam-team/demo", stack, {
            packDir: REPO,
            stack: stack.identity,
            env: { PATH: process.env.PATH, ...CREDS, AWS_ENDPOINT_URL_IAM: iam.url, AWS_ENDPOINT_URL_STS: iam.url },
            resources: stack.resources,
        });
        const steps = planFixes([checked], { deletePasswords: false });
        // Minutes later, bob's key is used.
        iam.users.get("bob-never-used-key")!.accessKeys[0].lastUsed = { date: new Date(), service: "s3", region: "us-east-1" };
        // The same environment check gives its accounts: the fix acts in the account the finding was judged in.
        const env = { PATH: process.env.PATH, ...CREDS, AWS_ENDPOINT_URL_IAM: iam.url, AWS_ENDPOINT_URL_STS: iam.url };
        const outcome = await runFixes(steps, new Accounts(settingsFrom(env), env), { dryRun: false });
        const bob = outcome.records.find(x => x.user === "bob-never-used-key")!;
        assert.equal(bob.result, "skipped");
        assert.match(bob.detail, /used since the finding: idle 0 days now, threshold 90/);
        assert.equal(statusOf(iam, "bob-never-used-key", "AKIABOBNEVERUSED0001"), "Active");
        assert.equal(statusOf(iam, "erin-two-stale-keys", "AKIAERINSTALEKEY0001"), "Inactive");
    });
});
