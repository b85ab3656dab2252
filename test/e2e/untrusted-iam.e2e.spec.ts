// End to end: the pack, started as the CLI starts it, against a local IAM endpoint that answers as real IAM
// does in the wild: untidy or broken credential reports, answers missing what the pack reads, endless pages,
// impossible dates, and a bad setting. Every outcome is a verdict, an unavailable report, or one clear error:
// never a silent pass, a crash of every Analyze, or a hang.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { AccountFile, resolveUser, UserFile } from "../../tools/local-iam/account-file";
import { credentialReportCsv } from "../../tools/local-iam/credential-report-csv";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { PackStartError } from "../../tools/driver/pack-process";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const userResource = (name: string) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
});
const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };

const STALE_PASSWORD: UserFile = {
    userName: "stale-password",
    loginProfile: { created: { daysAgo: 400 } },
    passwordLastUsed: { daysAgo: 200 },
};
const FRESH_KEY: UserFile = {
    userName: "fresh-key",
    accessKeys: [{ accessKeyId: "AKIAFRESHKEY00000001", created: { daysAgo: 300 }, lastUsed: { daysAgo: 2, service: "s3" } }],
};
const STALE_KEY: UserFile = {
    userName: "stale-key",
    accessKeys: [{ accessKeyId: "AKIASTALEKEY00000001", created: { daysAgo: 300 }, lastUsed: { daysAgo: 150, service: "ec2" } }],
};
const USERS = [STALE_PASSWORD, FRESH_KEY, STALE_KEY];
const EXPECTED = [
    "mandatory iam-user-unused-access-key stale-key AKIASTALEKEY00000001",
    "mandatory iam-user-unused-password stale-password password",
];

/** The report IAM would write for these users an hour ago, as text to mangle. */
function reportOf(users: UserFile[]): string {
    const at = new Date(Date.now() - 3600_000);
    return credentialReportCsv(
        users.map(u => resolveUser(u, at)),
        "123456789012",
        new Date("2015-01-01T00:00:00Z"),
    );
}

describe("end to end: untrusted IAM answers", function () {
    this.timeout(120_000);
    let iam: LocalIam | undefined;
    afterEach(() => iam?.close());

    const run = async (account: AccountFile, names: string[], env: NodeJS.ProcessEnv = {}) => {
        iam = await startLocalIam(account);
        return drivePack({ packDir: REPO, stack, env: packEnv(iam, env), resources: names.map(userResource), concurrency: 1 });
    };
    const names = USERS.map(u => u.userName);

    describe("the credential report can only save calls, never change a verdict", () => {
        it("a report that is not CSV is set aside with one line on stderr, and every user is judged live", async () => {
            const result = await run(
                { users: USERS, credentialReport: { generatedHoursAgo: 1, csv: "<html><body>503 Service Unavailable</body></html>" } },
                names,
            );
            assert.deepEqual(verdictLines(result), EXPECTED);
            const lines = result.output.trim().split("\n");
            assert.equal(lines.length, 1, result.output);
            assert.match(
                lines[0],
                /^unused-iam-credentials: the credential report of .* was set aside for this run because it lacks the columns user, arn, .*; every user is read from the per-user IAM APIs instead$/,
            );
            assert.equal(iam!.calls.get("GetCredentialReport"), 1, "set aside once, not fetched again per user");
            assert.equal(iam!.calls.get("ListAccessKeys"), 3);
        });

        it("a report of another account is set aside", async () => {
            const csv = reportOf(USERS).replace(/arn:aws:iam::123456789012:/g, "arn:aws:iam::999999999999:");
            const result = await run({ users: USERS, credentialReport: { generatedHoursAgo: 1, csv } }, names);
            assert.deepEqual(verdictLines(result), EXPECTED);
            assert.match(result.output, /set aside for this run because it is the report of account 999999999999, not of 123456789012/);
        });

        it("a report without GeneratedTime is set aside", async () => {
            const result = await run({ users: USERS, credentialReport: { generatedHoursAgo: 1, generatedTime: null } }, names);
            assert.deepEqual(verdictLines(result), EXPECTED);
            assert.match(result.output, /set aside for this run because it has no GeneratedTime/);
        });

        it("TRUE/FALSE booleans, a byte-order mark and CRLF: read correctly, so a stale password is confirmed and reported", async () => {
            const csv =
                "\uFEFF" +
                reportOf(USERS)
                    .replace(/\btrue\b/g, "TRUE")
                    .replace(/\bfalse\b/g, "FALSE")
                    .replace(/\n/g, "\r\n");
            const result = await run({ users: USERS, credentialReport: { generatedHoursAgo: 1, csv } }, names);
            assert.deepEqual(verdictLines(result), EXPECTED);
            assert.equal(result.output, "", "the report was usable");
            // fresh-key is cleared by the report; each stale user is confirmed live for its stale kind only.
            assert.deepEqual([iam!.calls.get("ListAccessKeys"), iam!.calls.get("GetLoginProfile")], [1, 1]);
        });

        it("a user listed twice is confirmed live, whichever row is last", async () => {
            // The report's second row for stale-key claims a fresh key: the live read decides.
            const csv =
                reportOf(USERS) +
                "\n" +
                reportOf([{ ...STALE_KEY, accessKeys: [{ ...STALE_KEY.accessKeys![0], lastUsed: { daysAgo: 1 } }] }])
                    .split("\n")
                    .slice(2)
                    .join("\n");
            const result = await run({ users: USERS, credentialReport: { generatedHoursAgo: 1, csv } }, names);
            assert.deepEqual(verdictLines(result), EXPECTED);
        });

        it("a recorded real report (guardian/security-hq): the users it clears cost no call, the others are confirmed and judged live", async () => {
            // The recording's dates are moved forward whole days so that it was generated yesterday: every
            // interval between them (and so every verdict) is the recording's own.
            const recorded = fs.readFileSync(path.join(REPO, "test", "fixtures", "credential-reports", "guardian-security-hq.csv"), "utf8");
            const generatedThen = Date.parse("2017-08-31T00:00:00Z");
            const shift = Math.floor((Date.now() - 86_400_000 - generatedThen) / 86_400_000) * 86_400_000;
            const moved = (iso: string) => new Date(Date.parse(iso) + shift).toISOString().replace(".000Z", "Z");
            const csv = recorded.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00/g, d => moved(d).replace("Z", "+00:00"));
            const key = (id: string, status: "Active" | "Inactive", created: string, used: string, service: string, region: string) => ({
                accessKeyId: id,
                status,
                created: moved(created),
                lastUsed: { at: moved(used), service, region },
            });
            const users: UserFile[] = [
                {
                    userName: "IAM-user",
                    loginProfile: { created: moved("2016-04-29T16:20:00Z") },
                    passwordLastUsed: moved("2017-03-08T19:35:01Z"),
                },
                {
                    userName: "with-disabled-key",
                    passwordLastUsed: moved("2016-11-25T11:20:00Z"),
                    accessKeys: [
                        key("AKIADISABLEDKEY00001", "Inactive", "2017-04-19T15:47:39Z", "2017-04-19T15:48:00Z", "ec2", "eu-west-1"),
                        key("AKIADISABLEDKEY00002", "Active", "2016-07-29T09:20:20Z", "2017-05-24T11:35:00Z", "sts", "us-east-1"),
                    ],
                },
                {
                    userName: "different-region",
                    accessKeys: [key("AKIADIFFERENTREGION1", "Active", "2015-05-28T15:00:00Z", "2016-04-04T11:18:00Z", "iam", "us-east-1")],
                },
                {
                    userName: "credential-user",
                    accessKeys: [key("AKIACREDENTIALUSER01", "Active", "2015-10-22T14:45:00Z", "2017-08-30T13:32:00Z", "ec2", "eu-west-1")],
                },
            ];
            const result = await run(
                { users, credentialReport: { generatedHoursAgo: 1, csv, generatedTime: moved("2017-08-31T00:00:00Z") } },
                users.map(u => u.userName),
            );
            // By hand, 90 days: IAM-user's password was last used 176 days before the report; with-disabled-key's
            // password was deleted (no login profile), its inactive key 1 is not judged, its key 2 was last used 98 days before the report;
            // different-region's key idles since 2016; credential-user's key was used the day before the report.
            assert.deepEqual(verdictLines(result), [
                "mandatory iam-user-unused-access-key different-region AKIADIFFERENTREGION1",
                "mandatory iam-user-unused-access-key with-disabled-key AKIADISABLEDKEY00002",
                "mandatory iam-user-unused-password IAM-user password",
            ]);
            assert.equal(result.output, "", "the recorded report is valid");
            // credential-user is cleared by the report alone; the others are confirmed for the stale kind only.
            assert.deepEqual([iam!.calls.get("ListAccessKeys"), iam!.calls.get("GetLoginProfile")], [2, 1]);
            const idle = result.results.find(r => r.resource.name === "with-disabled-key")!.diagnostics[0].message;
            assert.match(idle, /last used .* \(service sts, region us-east-1\); idle (99|100) days, threshold 90 days/);
        });
    });

    describe("per-user answers", () => {
        it("a proxy's HTML page instead of one user's login profile: that user is unavailable, the others are judged", async () => {
            const result = await run(
                {
                    users: USERS,
                    faults: {
                        rawBody: [
                            {
                                action: "GetLoginProfile",
                                userName: "stale-password",
                                body: "<html><body>Access to this site is blocked</body></html>",
                            },
                        ],
                    },
                },
                names,
                { UNUSED_CREDENTIALS_SOURCE: "api" },
            );
            assert.deepEqual(verdictLines(result), [
                "advisory iam-user-usage-data-unavailable stale-password -",
                "mandatory iam-user-unused-access-key stale-key AKIASTALEKEY00000001",
            ]);
            const message = result.results.find(r => r.resource.name === "stale-password")!.diagnostics[0].message;
            assert.match(
                message,
                /credentials could not be evaluated: iam:GetLoginProfile answered without a LoginProfile, which the pack cannot judge from\. Its console password was not judged; this is not a pass\./,
            );
            // The password and the keys are read apart: the keys' verdict stands on their own reads.
            assert.deepEqual(
                result.results.find(r => r.resource.name === "stale-password")!.diagnostics.map(d => d.policyName),
                ["iam-user-usage-data-unavailable"],
            );
        });

        it("a Marker that repeats ends in an unavailable report within a few calls, and the preview finishes", async () => {
            const result = await run(
                {
                    users: [
                        STALE_KEY,
                        {
                            ...FRESH_KEY,
                            accessKeys: [...FRESH_KEY.accessKeys!, { accessKeyId: "AKIAFRESHKEY00000002", created: { daysAgo: 3 } }],
                        },
                    ],
                    faults: { maxPageSize: 1, marker: "repeat" },
                },
                ["stale-key", "fresh-key"],
                { UNUSED_CREDENTIALS_SOURCE: "api" },
            );
            assert.deepEqual(verdictLines(result), [
                "advisory iam-user-usage-data-unavailable fresh-key -",
                "mandatory iam-user-unused-access-key stale-key AKIASTALEKEY00000001",
            ]);
            assert.match(result.results.find(r => r.resource.name === "fresh-key")!.diagnostics[0].message, /the same Marker twice/);
            assert.ok((iam!.calls.get("ListAccessKeys") ?? 0) <= 4);
        });

        it("impossible dates: a use before creation counts from creation, a use in the future is not judged", async () => {
            const result = await run(
                {
                    users: [
                        {
                            userName: "used-before-created",
                            accessKeys: [
                                {
                                    accessKeyId: "AKIAUSEDBEFORECREATE",
                                    created: { daysAgo: 10 },
                                    lastUsed: { daysAgo: 200, service: "s3" },
                                },
                            ],
                        },
                        {
                            userName: "used-in-future",
                            accessKeys: [
                                {
                                    accessKeyId: "AKIAUSEDINTHEFUTURE1",
                                    created: { daysAgo: 300 },
                                    lastUsed: { daysAgo: -3, service: "s3" },
                                },
                            ],
                        },
                    ],
                },
                ["used-before-created", "used-in-future"],
                { UNUSED_CREDENTIALS_SOURCE: "api" },
            );
            assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable used-in-future AKIAUSEDINTHEFUTURE1"]);
            assert.match(result.results[1].diagnostics[0].message, /LastUsedDate of key AKIAUSEDINTHEFUTURE1 that is in the future/);
        });
    });

    it("an invalid setting stops the pack at start with one message naming the variable", async () => {
        iam = await startLocalIam({ users: USERS });
        await assert.rejects(
            drivePack({
                packDir: REPO,
                stack,
                env: packEnv(iam, { UNUSED_CREDENTIALS_IAM_MAX_RPS: "fast" }),
                resources: names.map(userResource),
            }),
            (error: Error) => {
                assert.ok(error instanceof PackStartError);
                assert.match(error.message, /exited before printing its port/);
                assert.match(
                    error.message,
                    /unused-iam-credentials: UNUSED_CREDENTIALS_IAM_MAX_RPS=fast is not a number from 0.1 to 10000/,
                );
                return true;
            },
        );
    });
});
