// End to end: the credential report path and a slow, rate-limited IAM, through the CLI-faithful driver.
import { strict as assert } from "node:assert";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { AccountFile } from "../../tools/local-iam/account-file";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const userResource = (name: string) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
});
const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };

describe("end to end: credential report and a slow IAM", function () {
    this.timeout(120_000);
    let iam: LocalIam | undefined;
    afterEach(() => iam?.close());

    const run = async (account: AccountFile, names: string[], env: NodeJS.ProcessEnv = {}) => {
        iam = await startLocalIam(account);
        return drivePack({ packDir: REPO, stack, env: packEnv(iam, env), resources: names.map(userResource), concurrency: 4 });
    };

    it("10. a 3-hour-old report that shows a key as stale is confirmed live, and the key used since passes", async () => {
        const key = (lastUsedDaysAgo: number) => ({
            accessKeyId: "AKIAREPORTSTALE00001",
            created: { daysAgo: 400 },
            lastUsed: { daysAgo: lastUsedDaysAgo, service: "s3" },
        });
        const result = await run(
            {
                users: [
                    { userName: "used-since-report", accessKeys: [key(0)] },
                    { userName: "truly-stale", accessKeys: [{ ...key(150), accessKeyId: "AKIAREPORTSTALE00002" }] },
                ],
                credentialReport: {
                    generatedHoursAgo: 3,
                    users: [
                        { userName: "used-since-report", accessKeys: [key(120)] },
                        { userName: "truly-stale", accessKeys: [{ ...key(150), accessKeyId: "AKIAREPORTSTALE00002" }] },
                    ],
                },
            },
            ["used-since-report", "truly-stale"],
            { UNUSED_CREDENTIALS_SOURCE: "report" },
        );
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-access-key truly-stale AKIAREPORTSTALE00002"]);
        assert.equal(iam!.calls.get("GetCredentialReport"), 1);
        assert.equal(iam!.calls.get("GetAccessKeyLastUsed"), 2, "both stale-looking keys confirmed live");
    });

    it("9. 12. the report's root row is no user, and a name with a comma is read whole", async () => {
        const result = await run(
            {
                users: [
                    {
                        userName: "ops,eu@corp",
                        accessKeys: [{ accessKeyId: "AKIACOMMANAMEFRESH01", created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } }],
                    },
                    {
                        userName: "eu@corp",
                        accessKeys: [{ accessKeyId: "AKIACOMMANAMESTALE01", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
                    },
                ],
                credentialReport: { generatedHoursAgo: 1 },
            },
            ["ops,eu@corp", "eu@corp", "<root_account>"],
            { UNUSED_CREDENTIALS_SOURCE: "report" },
        );
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-access-key eu@corp AKIACOMMANAMESTALE01"]);
        assert.equal(iam!.calls.get("ListAccessKeys"), 2, "the stale user, and '<root_account>' (not in the report's users) read live");
    });

    it("a slow, rate-limited IAM: throttling is retried with backoff and the verdicts are unchanged", async () => {
        const result = await run(
            {
                users: [
                    { userName: "slow-stale", loginProfile: { created: { daysAgo: 300 } } },
                    {
                        userName: "slow-fresh",
                        accessKeys: [{ accessKeyId: "AKIASLOWFRESH0000001", created: { daysAgo: 300 }, lastUsed: { daysAgo: 2 } }],
                    },
                ],
                faults: { latencyMs: 30, ratePerSecond: 5, burst: 1 },
            },
            ["slow-stale", "slow-fresh"],
            { UNUSED_CREDENTIALS_SOURCE: "api", UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "10" },
        );
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-password slow-stale password"]);
        assert.ok(iam!.throttled() > 0, "the bucket did throttle the pack");
    });
});
