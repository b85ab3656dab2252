// `check` for platform teams: several stacks at once, every user of the account with its owner, the exemptions
// a security team reviews, exit codes a CI job can trust, and no credentials invented for real endpoints.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { reportOf, runCheck } from "../helpers/check-cli";
import { sampleAccount, sampleExport } from "../helpers/samples";

const CREDS = { AWS_ACCESS_KEY_ID: "AKIDPLATFORMTEST0000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1" };
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAAencrypted" };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const check = (args: string[], env: NodeJS.ProcessEnv = CREDS) => runCheck(args, env);

interface ExportResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
}

/** The sample export, its resources filtered and renamed to another stack, written to a file. */
function writeExport(
    dir: string,
    name: string,
    keep: (r: ExportResource) => boolean,
    edit: (r: ExportResource) => void = () => {},
): string {
    const exported = sampleExport();
    exported.deployment.resources = exported.deployment.resources.filter((r: ExportResource) => r.type.startsWith("pulumi:") || keep(r));
    for (const r of exported.deployment.resources) edit(r);
    const text = JSON.stringify(exported).replaceAll("urn:pulumi:demo::", `urn:pulumi:${name}::`);
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, text);
    return file;
}

/** A user's resources: the user, and what names it as its `user` (access keys, login profiles). */
const isUserOf = (names: string[]) => (r: ExportResource) => names.some(n => r.urn.endsWith(`::${n}`) || r.inputs?.user === n);

describe("check for platform teams", function () {
    this.timeout(180_000);
    let iam: LocalIam;
    let dir: string;
    beforeEach(async () => {
        iam = await startLocalIam(sampleAccount());
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-"));
    });
    afterEach(() => iam.close());

    it("takes several stack exports and, account-wide, lists every credential with its owner (stack and URN) or unmanaged", async () => {
        const prod = writeExport(dir, "prod", isUserOf(["alice-stale-key", "bob-never-used-key"]));
        const staging = writeExport(dir, "staging", isUserOf(["ivan-stale-password", "erin-two-stale-keys"]));
        const r = await check(["--stack-export", prod, "--stack-export", staging, "--account-wide", "--endpoint", iam.url, "--json"]);
        const report = reportOf(r);
        assert.deepEqual(
            report.stacks.map((s: { name: string }) => s.name),
            ["iam-team/prod", "iam-team/staging", "unmanaged"],
        );
        const owners = Object.fromEntries(
            report.credentials
                .filter((c: { kind: string }) => c.kind === "unused")
                .map((c: { user: string; accessKeyId?: string; owner: unknown; userOwner: unknown; stack: string }) => [
                    `${c.user} ${c.accessKeyId ?? "password"}`,
                    [c.stack, c.owner, c.userOwner],
                ]),
        );
        assert.deepEqual(owners["alice-stale-key AKIAALICESTALE000001"], [
            "iam-team/prod",
            { stack: "iam-team/prod", urn: "urn:pulumi:prod::iam-team::aws:iam/accessKey:AccessKey::alice-key" },
            { stack: "iam-team/prod", urn: "urn:pulumi:prod::iam-team::aws:iam/user:User::alice-stale-key" },
        ]);
        assert.deepEqual(owners["ivan-stale-password password"], [
            "iam-team/staging",
            "unmanaged",
            { stack: "iam-team/staging", urn: "urn:pulumi:staging::iam-team::aws:iam/user:User::ivan-stale-password" },
        ]);
        // Users no given stack manages: judged in the account their ARN names, owned by nobody.
        assert.deepEqual(owners["zed-not-in-stack AKIAZEDUNMANAGED0001"], ["unmanaged", "unmanaged", "unmanaged"]);
        assert.deepEqual(owners["dave-inactive-then-stale AKIADAVESTALE0000002"], ["unmanaged", "unmanaged", "unmanaged"]);
        assert.equal(
            owners["erin-two-stale-keys AKIAERINSTALEKEY0001"][0],
            "iam-team/staging",
            "a managed user is never listed again as unmanaged",
        );
        assert.equal(
            report.credentials.filter((c: { user: string; kind: string }) => c.user === "erin-two-stale-keys" && c.kind === "unused")
                .length,
            2,
        );
        assert.equal(iam.calls.get("ListUsers"), 1, "one listing per account, however many stacks reach it");
        assert.equal(r.code, 5, "mandatory violations and grace (denied) not judged");

        const text = await check(["--stack-export", prod, "--stack-export", staging, "--account-wide", "--endpoint", iam.url]);
        assert.match(
            text.stdout,
            /    - zed-not-in-stack \(account 111122223333 .*\): access key AKIAZEDUNMANAGED0001, idle 900 days: unmanaged \(user: unmanaged\)/,
        );
        assert.match(
            text.stdout,
            /- \[mandatory\] \[severity: high\]  iam-user-unused-access-key  \(iam-team\/prod: aws:iam:User: alice-stale-key\)/,
        );
    });

    it("--account-wide without an export covers the account this shell's credentials reach, and --deactivate acts only on what was judged", async () => {
        const r = await check([
            "--account-wide",
            "--endpoint",
            iam.url,
            "--deactivate",
            "--yes",
            "--audit-log",
            path.join(dir, "audit.jsonl"),
        ]);
        assert.match(r.stdout, /^Accounts:\n    the environment's AWS configuration: account 111122223333/);
        assert.equal(iam.users.get("zed-not-in-stack")!.accessKeys[0].status, "Inactive", "an unmanaged stale key is deactivated");
        assert.equal(
            iam.users.get("grace-access-denied")!.accessKeys.every(k => k.status === "Active"),
            true,
            "a user not judged is never changed",
        );
        assert.equal(iam.users.get("paul-idle-80-days")!.accessKeys[0].status, "Active", "a key only near its threshold is left");
        assert.equal(r.code, 5, "passwords left alone (1) and grace not judged (4)");
    });

    it("lists every exemption in force for review: user, account, until, days left, reason (and patterns)", async () => {
        const file = writeExport(dir, "prod", isUserOf(["quinn-exempt-until-2099", "alice-stale-key", "olivia-in-use"]), r => {
            if (r.urn.endsWith("::quinn-exempt-until-2099"))
                (r.inputs!.tags as Record<string, string>)["unused-credentials:exempt-until"] = day(30);
        });
        const config = path.join(dir, "config.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                "iam-user-unused-password": { exemptUsers: ["olivia-*"] },
                "iam-user-unused-access-key": { exemptUsers: ["olivia-*"] },
            }),
        );
        const r = await check(["--stack-export", file, "--endpoint", iam.url, "--policy-pack-config", config, "--json"]);
        const report = reportOf(r);
        assert.deepEqual(report.exemptions, [
            {
                stack: "iam-team/prod",
                user: "olivia-in-use",
                urn: "urn:pulumi:prod::iam-team::aws:iam/user:User::olivia-in-use",
                account: "account 111122223333 (provider default_7_10_0)",
                accountId: "111122223333",
                policies: ["iam-user-unused-password", "iam-user-unused-access-key"],
                by: "pattern",
                pattern: "olivia-*",
            },
            {
                stack: "iam-team/prod",
                user: "quinn-exempt-until-2099",
                urn: "urn:pulumi:prod::iam-team::aws:iam/user:User::quinn-exempt-until-2099",
                account: "account 111122223333 (provider default_7_10_0)",
                accountId: "111122223333",
                policies: ["iam-user-unused-password", "iam-user-unused-access-key"],
                by: "tag",
                until: day(30),
                daysLeft: 30,
                reason: "vendor batch job runs yearly, see SEC-42",
            },
        ]);
        assert.equal(r.code, 1);
    });

    it("exits 4, not 0, when IAM cannot be reached: nothing was judged", async () => {
        const file = writeExport(dir, "prod", isUserOf(["alice-stale-key", "bob-never-used-key"]));
        await iam.close();
        const r = await check(["--stack-export", file, "--endpoint", "http://127.0.0.1:9"], {
            ...CREDS,
            UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "2",
            UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "1",
        });
        assert.match(r.stdout, /0 mandatory and \d+ advisory violations, 2 users not judged\./);
        assert.equal(r.code, 4);
        iam = await startLocalIam(sampleAccount());
    });

    it("gives placeholder credentials only to a loopback endpoint: elsewhere the shell's own chain decides", async () => {
        const file = writeExport(dir, "prod", isUserOf(["bob-never-used-key"]));
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "home-"));
        const noCreds = {
            AWS_REGION: "us-east-1",
            AWS_EC2_METADATA_DISABLED: "true",
            HOME: home,
            UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "3",
            UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "1",
        };
        const remote = await check(["--stack-export", file, "--endpoint", "https://iam.example.invalid"], noCreds);
        assert.doesNotMatch(remote.stdout + remote.stderr, /AKIDLOCALENDPOINT/);
        assert.match(remote.stdout, /NOT VERIFIED, its users are not judged: .*credentials/i);
        assert.equal(remote.code, 4);
        const local = await check(["--stack-export", file, "--endpoint", iam.url], noCreds);
        assert.match(
            local.stdout,
            /provider default_7_10_0: account 111122223333/,
            "a loopback endpoint gets placeholders: it checks no signature",
        );
        assert.equal(local.code, 1);
    });

    it("an aws-native user's loginProfile that is a secret as a whole is managed, so it is fixed in code, never deleted", async () => {
        const file = writeExport(dir, "prod", isUserOf(["nina"]), r => {
            if (r.type === "aws-native:iam:User") r.inputs!.loginProfile = SECRET;
        });
        const r = await check(["--stack-export", file, "--endpoint", iam.url, "--dry-run", "--delete-unused-passwords"]);
        assert.match(
            r.stdout,
            /fix in code +native-nina: console password is managed by urn:pulumi:prod::iam-team::aws-native:iam:User::nina: remove loginProfile/,
        );
        assert.doesNotMatch(r.stdout, /would do +native-nina/);
        assert.equal(r.code, 1);
    });
});
