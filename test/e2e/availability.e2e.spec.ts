// Available when IAM misbehaves: the pack falls back instead of giving up. Each spec is one case a user met on the
// pack before: a credential report stuck in progress, one user whose answers drip, doubted report rows dropped
// silently, an empty PULUMI_CONFIG, and settings whose budgets do not nest.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { AccountFile, UserFile } from "../../tools/local-iam/account-file";
import { REPORT_COLUMNS, reportTime } from "../../tools/local-iam/credential-report-csv";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { settingsFrom, SettingsError } from "../../rules/config/settings";
import { stackProviderConfig } from "../../rules/accounts/provider-settings";
import { reportOf, runCheck } from "../helpers/check-cli";
import { packEnv, REPO } from "../helpers/samples";

const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };
const userResource = (name: string) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
});
const staleKeyUser = (i: number): UserFile => ({
    userName: `user-${String(i).padStart(2, "0")}`,
    accessKeys: [{ accessKeyId: `AKIAAVAIL${String(i).padStart(11, "0")}`, created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
});
const policiesOf = (run: Awaited<ReturnType<typeof drivePack>>) => run.results.map(r => r.diagnostics.map(d => d.policyName).join(","));

describe("available when IAM misbehaves", function () {
    this.timeout(180_000);
    let iam: LocalIam | undefined;
    afterEach(async () => {
        await iam?.close();
        iam = undefined;
    });

    it("a credential report that never finishes: every user is judged from the per-user APIs, and no user waits for the report", async () => {
        const users = Array.from({ length: 40 }, (_, i) => staleKeyUser(i));
        // IAM answers ReportInProgress for an hour; the pack's defaults wait 60 s for a report, and 60 s for a user.
        iam = await startLocalIam({ users, reportGenerationMs: 3_600_000 });
        const run = await drivePack({ packDir: REPO, stack, resources: users.map(u => userResource(u.userName)), env: packEnv(iam) });
        assert.deepEqual(policiesOf(run), Array(40).fill("iam-user-unused-access-key"), "each user judged, none reported unavailable");
        // On the old main the user that started the report waited its whole minute (62 s for the stack).
        assert.ok(run.analyzeMs < 20_000, `the stack took ${run.analyzeMs / 1000} s`);
        assert.ok((iam.calls.get("GenerateCredentialReport") ?? 0) >= 1, "the report was asked for, in the background");
    });

    it("one user whose answers drip is reported when its first request times out (20 s), not after its whole deadline (60 s)", async () => {
        const slow: UserFile = { ...staleKeyUser(1), userName: "slow", loginProfile: { created: { daysAgo: 300 } } };
        iam = await startLocalIam({
            users: [slow],
            faults: {
                slowBody: ["GetLoginProfile", "GetUser", "ListAccessKeys", "GetAccessKeyLastUsed"].map(action => ({
                    action,
                    seconds: 120,
                })),
            },
        });
        const run = await drivePack({
            packDir: REPO,
            stack,
            resources: [userResource("slow")],
            env: packEnv(iam, { UNUSED_CREDENTIALS_SOURCE: "api" }),
        });
        const message = run.results[0].diagnostics.find(d => d.policyName === "iam-user-usage-data-unavailable")!.message;
        assert.match(message, /IAM did not answer iam:\w+ within 20 s/);
        // On the old main: 61 s, each read waiting out its own 20 s in turn.
        assert.ok(run.analyzeMs < 25_000, `${run.analyzeMs / 1000} s`);
    });

    describe("report rows doubted one by one are said once per account, in the pack's output and in check's text, JSON and SARIF", () => {
        const users: UserFile[] = [
            {
                userName: "clean",
                accessKeys: [{ accessKeyId: "AKIACLEANCLEANCLEAN1", created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } }],
            },
            { userName: "future-a", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 200 } },
            { userName: "future-b", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 200 } },
            {
                userName: "odd-cell",
                accessKeys: [{ accessKeyId: "AKIAODDCELLODDCELL01", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
            },
        ];
        function account(): AccountFile {
            const now = Date.now();
            const at = (daysAgo: number) => reportTime(new Date(now - daysAgo * 86_400_000));
            const row = (cells: Record<string, string>) => REPORT_COLUMNS.map(c => cells[c] ?? "N/A").join(",");
            const base = (user: string) => ({ user, arn: `arn:aws:iam::123456789012:user/${user}`, user_creation_time: at(300) });
            const noKeys = { access_key_1_active: "false", access_key_2_active: "false", password_enabled: "false", mfa_active: "false" };
            const csv = [
                REPORT_COLUMNS.join(","),
                row({
                    ...base("clean"),
                    ...noKeys,
                    access_key_1_active: "true",
                    access_key_1_last_rotated: at(300),
                    access_key_1_last_used_date: at(1),
                }),
                // Dated after the report was generated (an hour ago): doubted, so read live.
                row({ ...base("future-a"), ...noKeys, password_enabled: "true", password_last_used: at(-1) }),
                row({ ...base("future-b"), ...noKeys, password_enabled: "true", password_last_used: at(-2) }),
                // Neither a date nor N/A, as moto writes it.
                row({
                    ...base("odd-cell"),
                    ...noKeys,
                    access_key_1_active: "true",
                    access_key_1_last_rotated: at(300),
                    access_key_1_last_used_date: "not_supported",
                }),
            ].join("\n");
            return { users, credentialReport: { generatedHoursAgo: 1, csv } };
        }
        const LINE =
            /the credential report of account 123456789012: 3 of 4 rows set aside, their users read from the per-user IAM APIs instead: 2 with a date after the report's GeneratedTime \(e\.g\. future-a: password_last_used "[^"]+" is after the report was generated\); 1 with a cell that is neither a date nor N\/A \(e\.g\. odd-cell: access_key_1_last_used_date "not_supported" is not a date\)/;

        it("the pack's output says it once, and the users set aside are judged live", async () => {
            iam = await startLocalIam(account());
            const run = await drivePack({ packDir: REPO, stack, resources: users.map(u => userResource(u.userName)), env: packEnv(iam) });
            assert.match(run.output, LINE);
            assert.equal(run.output.match(/rows set aside/g)?.length, 1, "once per account, not per user");
            assert.deepEqual(policiesOf(run), ["", "iam-user-unused-password", "iam-user-unused-password", "iam-user-unused-access-key"]);
        });

        it("check --json, text and --format sarif carry it", async () => {
            iam = await startLocalIam(account());
            const env = { AWS_REGION: "us-east-1" };
            const json = reportOf(await runCheck(["--account-wide", "--endpoint", iam.url, "--json"], env));
            assert.equal(json.credentialReports.length, 1);
            assert.match(json.credentialReports[0].text, LINE);
            assert.deepEqual(
                json.credentialReports[0].rows?.causes.map(c => [c.kind, c.rows]),
                [
                    ["after-generated", 2],
                    ["not-a-date", 1],
                ],
            );
            const text = await runCheck(["--account-wide", "--endpoint", iam.url], env);
            assert.match(
                text.stdout,
                /Credential reports set aside \(the users concerned were read from the per-user IAM APIs instead\):\n {4}- the credential report of account 123456789012: 3 of 4 rows set aside/,
            );
            const sarif = JSON.parse((await runCheck(["--account-wide", "--endpoint", iam.url, "--format", "sarif"], env)).stdout) as {
                runs: { results: { ruleId: string; level: string; message: { text: string } }[] }[];
            };
            const notes = sarif.runs[0].results.filter(r => r.level === "note");
            assert.equal(notes.length, 1);
            assert.match(notes[0].message.text, LINE);
            assert.equal(notes[0].ruleId, "iam-user-usage-data-unavailable");
        });
    });

    it("PULUMI_CONFIG set to an empty string is no config, as `{}` is", () => {
        assert.deepEqual(stackProviderConfig({ PULUMI_CONFIG: "" }, "aws"), {});
        assert.deepEqual(stackProviderConfig({ PULUMI_CONFIG: "  " }, "aws"), {});
        assert.throws(() => stackProviderConfig({ PULUMI_CONFIG: "{" }, "aws"), /PULUMI_CONFIG\) is not JSON/);
    });

    describe("budgets that do not nest are refused at start, naming the settings", () => {
        it("a request timeout as long as the user's deadline", () => {
            assert.throws(
                () => settingsFrom({ UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "60" }),
                (error: Error) =>
                    error instanceof SettingsError &&
                    error.message ===
                        "UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS=60 is not shorter than UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS=60 " +
                            "(set: UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS): a user's deadline must outlast one whole IAM request",
            );
            assert.doesNotThrow(() =>
                settingsFrom({ UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "2", UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS: "3" }),
            );
        });

        it("the pack stops at start with one line naming them", () => {
            const started = spawnSync(process.execPath, [path.join(REPO, "bin", "index.js")], {
                cwd: REPO,
                env: {
                    PATH: process.env.PATH,
                    UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "30",
                    UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS: "10",
                },
                encoding: "utf8",
                timeout: 30_000,
            });
            assert.equal(started.status, 1);
            assert.equal(
                started.stderr.trim(),
                "unused-iam-credentials: UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS=30 is not shorter than UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS=10 " +
                    "(set: UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS, UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS): a user's deadline must outlast one whole IAM request",
            );
        });
    });
});
