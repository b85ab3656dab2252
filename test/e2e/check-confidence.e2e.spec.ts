// `check` never gives a confident answer it cannot back: a stack of another account is not judged in this one, lost
// records are an error, a typo in the config is refused, nothing checked is never a green tick, a fix acts only in
// the account its finding was judged in, and no error prints a secret.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { AccountFile } from "../../tools/local-iam/account-file";
import { checkStack } from "../../tools/check/checked-stack";
import { stackFromExport } from "../../tools/check/stack-export";
import { planFixes, runFixes } from "../../tools/check/fix";
import { Accounts, settingsFrom } from "../../rules/api";
import { reportOf, runCheck } from "../helpers/check-cli";
import { REPO, sampleAccount, sampleExport } from "../helpers/samples";

const CREDS = { AWS_ACCESS_KEY_ID: "AKIDCONFIDENCE000000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1" };
const OTHER = "999988887777";

interface ExportResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** An export of two deployed users of account 999988887777, its provider with only a region. */
function otherAccountExport(dir: string): string {
    const users = ["prod-deployer", "prod-ci"];
    const exported = sampleExport();
    const provider = exported.deployment.resources.find(r => r.type === "pulumi:providers:aws")!;
    exported.deployment.resources = [
        ...exported.deployment.resources.filter(
            (r: ExportResource) => r.type === "pulumi:pulumi:Stack" || r.type === "pulumi:providers:aws",
        ),
        ...users.map(name => ({
            urn: `urn:pulumi:demo::iam-team::aws:iam/user:User::${name}`,
            type: "aws:iam/user:User",
            inputs: { name, path: "/" },
            outputs: { name, arn: `arn:aws:iam::${OTHER}:user/${name}` },
            provider: `${provider.urn}::${provider.id ?? "0"}`,
        })),
    ];
    const file = path.join(dir, "other-account.json");
    fs.writeFileSync(file, JSON.stringify(exported));
    return file;
}

/** Account 111122223333 (the credentials') has same-named users with fresh keys; 999988887777's are stale. */
function twoAccounts(): AccountFile {
    const fresh = (name: string, id: string) => ({
        userName: name,
        accessKeys: [{ accessKeyId: id, created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } }],
    });
    const stale = (name: string, id: string) => ({
        userName: name,
        accessKeys: [{ accessKeyId: id, created: { daysAgo: 400 }, lastUsed: { daysAgo: 200 } }],
    });
    return {
        accountId: "111122223333",
        users: [fresh("prod-deployer", "AKIAHEREPRODDEPLOY01"), fresh("prod-ci", "AKIAHEREPRODCI000001")],
        otherAccounts: [
            { accountId: OTHER, users: [stale("prod-deployer", "AKIATHEREPRODDEPLOY1"), stale("prod-ci", "AKIATHEREPRODCI00001")] },
        ],
        roles: [{ roleArn: `arn:aws:iam::${OTHER}:role/auditor` }],
    };
}

describe("check: never confidently wrong", function () {
    this.timeout(180_000);
    let iam: LocalIam;
    let dir: string;
    afterEach(() => iam?.close());
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "confidence-"))));

    describe("a stack export of another account", () => {
        it("is judged in the account its users' ARNs name: not judged, naming both accounts, exit 4, never a clean pass", async () => {
            iam = await startLocalIam(twoAccounts());
            const file = otherAccountExport(dir);
            for (const extra of [[], ["--use-ambient-credentials"]]) {
                const r = await runCheck(["--stack-export", file, "--endpoint", iam.url, "--json", ...extra], CREDS);
                const report = reportOf(r);
                assert.equal(r.code, 4, r.stderr);
                assert.deepEqual(report.unjudged.map((u: { user: string }) => u.user).sort(), ["prod-ci", "prod-deployer"]);
                for (const u of report.unjudged)
                    assert.match(
                        u.reason,
                        /the user's ARN names account 999988887777, but the credentials of provider default_7_10_0 reach account 111122223333/,
                    );
                assert.deepEqual(
                    report.violations.filter((v: { policy: string }) => v.policy !== "iam-user-usage-data-unavailable"),
                    [],
                );
            }
            // Not one call read a same-named user of the credentials' account.
            assert.equal(iam.calls.get("ListAccessKeys"), undefined);
        });

        it("with the account mapped to a role (as in audit mode), each user is judged there", async () => {
            iam = await startLocalIam(twoAccounts());
            const config = path.join(dir, "config.json");
            fs.writeFileSync(
                config,
                JSON.stringify({ "iam-user-unused-access-key": { accountRoles: { [OTHER]: `arn:aws:iam::${OTHER}:role/auditor` } } }),
            );
            const r = await runCheck(
                ["--stack-export", otherAccountExport(dir), "--endpoint", iam.url, "--policy-pack-config", config, "--json"],
                CREDS,
            );
            const report = reportOf(r);
            const unused = report.credentials
                .filter((c: { kind: string }) => c.kind === "unused")
                .map(c => `${c.accessKeyId} ${c.accountId}`)
                .sort();
            assert.deepEqual(unused, [`AKIATHEREPRODCI00001 ${OTHER}`, `AKIATHEREPRODDEPLOY1 ${OTHER}`]);
            assert.equal(r.code, 1 | 4, "the password policy, without the mapping, could not judge them: 5");
        });
    });

    it("lost records are a run error (exit 2), never a clean report", async () => {
        iam = await startLocalIam(sampleAccount());
        const stack = stackFromExport(sampleExport());
        // A pack that writes no findings file at all (an old or broken pack).
        const silent = path.join(REPO, "test", "fixtures", "packs", "silent");
        await assert.rejects(
            checkStack("iam-team/demo", stack, {
                packDir: silent,
                stack: stack.identity,
                env: { PATH: process.env.PATH, ...CREDS },
                resources: stack.resources.slice(0, 2),
            }),
            /the pack wrote no findings file for iam-team\/demo: its records were lost/,
        );
    });

    describe("refuses what it cannot honour, naming it", () => {
        it("a policy name the pack does not have, naming the closest one (exit 2)", async () => {
            const config = path.join(dir, "typo.json");
            fs.writeFileSync(config, JSON.stringify({ "iam-user-unused-acces-key": { maxUnusedDays: 45 } }));
            const r = await runCheck(["--demo", "--policy-pack-config", config]);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /"iam-user-unused-acces-key" is not a policy of this pack; did you mean "iam-user-unused-access-key"\?/);
        });

        it("a setting a policy does not have, naming the closest one (exit 2)", async () => {
            const config = path.join(dir, "field.json");
            fs.writeFileSync(config, JSON.stringify({ "iam-user-unused-password": { maxUnusedDay: 45 } }));
            const r = await runCheck(["--demo", "--policy-pack-config", config]);
            assert.equal(r.code, 2);
            assert.match(
                r.stderr,
                /iam-user-unused-password\.maxUnusedDay is not a setting of iam-user-unused-password; did you mean "maxUnusedDays"\?/,
            );
        });

        it("an endpoint that is not http(s) (exit 2)", async () => {
            const r = await runCheck(["--account-wide", "--endpoint", "ftp://x"], CREDS);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /--endpoint ftp:\/\/x is not an http\(s\) URL/);
        });

        it("a file that is not JSON: its name and where, never a quote of its content", async () => {
            const config = path.join(dir, "secret.json");
            fs.writeFileSync(config, "S3CR3T-PLAIN-TEXT");
            const r = await runCheck(["--demo", "--policy-pack-config", config]);
            assert.equal(r.code, 2);
            assert.match(
                r.stderr,
                new RegExp(`policy pack config ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not JSON \\(line 1, column 1\\)`),
            );
            assert.doesNotMatch(r.stderr, /S3CR3T/);
        });
    });

    it("nothing checked is no green tick, and each unverified provider gives its own reason", async () => {
        iam = await startLocalIam({ users: [] });
        const url = iam.url;
        await iam.close();
        const wide = await runCheck(["--account-wide", "--endpoint", url], { ...CREDS, UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "1" });
        assert.equal(wide.code, 4);
        assert.doesNotMatch(wide.stdout, /✅/);
        assert.match(wide.stdout, /⚠️ unused-iam-credentials@v0\.1\.0/);
        assert.match(wide.stdout, /Nothing was analyzed: no user was judged, 1 account not listed\./);
        const both = await runCheck(["--stack-export", path.join(REPO, "samples", "demo-stack.json"), "--endpoint", url], {
            ...CREDS,
            UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "1",
        });
        assert.match(
            both.stdout,
            /provider default_7_10_0: NOT VERIFIED, its users are not judged: the account of provider default_7_10_0 could not be verified/,
        );
        assert.match(
            both.stdout,
            /provider default_1_30_0: NOT VERIFIED, its users are not judged: the account of provider default_1_30_0 could not be verified/,
        );
        iam = await startLocalIam({ users: [] }); // for afterEach
    });

    it("a fix's code change names the configured retiring tag and the limit it must keep", async () => {
        iam = await startLocalIam(sampleAccount());
        const config = path.join(dir, "tag.json");
        fs.writeFileSync(config, JSON.stringify({ "iam-user-unused-access-key": { retiringTag: "team:retiring" } }));
        const r = await runCheck(
            [
                "--stack-export",
                path.join(REPO, "samples", "demo-stack.json"),
                "--endpoint",
                iam.url,
                "--policy-pack-config",
                config,
                "--dry-run",
            ],
            CREDS,
        );
        assert.match(
            r.stdout,
            /fix in code   alice-stale-key: access key AKIAALICESTALE000001 is managed by .*tag the user "team:retiring": "AKIAALICESTALE000001 until <a date within 14 days>"/,
        );
        assert.doesNotMatch(r.stdout, /"unused-credentials:retiring": "AKIAALICESTALE000001/);
    });

    it("a fix acts only in the account its finding was judged in; in another it is refused, naming both", async () => {
        iam = await startLocalIam({ ...sampleAccount(), identities: [{ accessKeyId: "AKIDELSEWHERE0000000", accountId: OTHER }] });
        const stack = stackFromExport(sampleExport());
        const env = { PATH: process.env.PATH, ...CREDS, AWS_ENDPOINT_URL_IAM: iam.url, AWS_ENDPOINT_URL_STS: iam.url };
        const checked = await checkStack("iam-team/demo", stack, { packDir: REPO, stack: stack.identity, env, resources: stack.resources });
        // By the time of the fix, the shell's credentials reach another account.
        const later = { ...env, AWS_ACCESS_KEY_ID: "AKIDELSEWHERE0000000" };
        const outcome = await runFixes(planFixes([checked], { deletePasswords: false }), new Accounts(settingsFrom(later), later), {
            dryRun: false,
        });
        const erin = outcome.records.find(r => r.credential === "access key AKIAERINSTALEKEY0001")!;
        assert.equal(erin.result, "refused");
        // The user's ARN names 111122223333, which the credentials no longer reach: refused, naming both.
        assert.match(
            erin.detail,
            /the finding was judged in account 111122223333, which cannot be reached now: the user's ARN names account 111122223333, but the credentials of provider default_7_10_0 reach account 999988887777/,
        );
        assert.ok(outcome.records.every(r => r.result === "refused"));
        // Without ARNs in the export, the provider's account is the finding's: reached now, it is another.
        const withoutArns = sampleExport();
        for (const r of withoutArns.deployment.resources) delete r.outputs?.arn;
        const plain = stackFromExport(withoutArns);
        const judgedPlain = await checkStack("iam-team/demo", plain, {
            packDir: REPO,
            stack: plain.identity,
            env,
            resources: plain.resources,
        });
        const again = await runFixes(planFixes([judgedPlain], { deletePasswords: false }), new Accounts(settingsFrom(later), later), {
            dryRun: false,
        });
        const erinAgain = again.records.find(r => r.credential === "access key AKIAERINSTALEKEY0001")!;
        assert.deepEqual([erinAgain.result, erinAgain.accountId], ["refused", OTHER]);
        assert.match(
            erinAgain.detail,
            /the finding was judged in account 111122223333, but provider default_7_10_0 now reaches account 999988887777/,
        );
        assert.equal(iam.calls.get("UpdateAccessKey"), undefined, "nothing was changed");
    });
});
