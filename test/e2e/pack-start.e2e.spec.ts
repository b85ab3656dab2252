// The engine configures the stack, then sends one resource at a time and waits for each answer: the account check and
// the credential report of the stack's default AWS configuration start as the pack starts (docs/pack-run.md), so the
// first user finds them under way instead of waiting for them.
import { strict as assert } from "node:assert";
import { drivePack } from "../../tools/driver/drive-pack";
import { startLocalIam } from "../../tools/local-iam/server";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };
const bucket = { type: "aws:s3/bucket:Bucket", name: "logs", urn: "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::logs", props: {} };

describe("end to end: what the pack reads before the first resource", function () {
    this.timeout(120_000);

    it("the account and its credential report, once, even when no resource is an IAM user", async () => {
        const iam = await startLocalIam({ users: [{ userName: "someone" }], credentialReport: { generatedHoursAgo: 1 } });
        try {
            const result = await drivePack({ packDir: REPO, stack, env: packEnv(iam), resources: [bucket] });
            assert.deepEqual(verdictLines(result), []);
            assert.deepEqual(Object.fromEntries(iam.calls), { GetCallerIdentity: 1, GetCredentialReport: 1 });
        } finally {
            await iam.close();
        }
    });

    it("a user judged later uses those two reads: no second account check or report", async () => {
        const iam = await startLocalIam({
            users: [{ userName: "stale", accessKeys: [{ accessKeyId: "AKIASTARTSTALE000001", created: { daysAgo: 300 } }] }],
            credentialReport: { generatedHoursAgo: 1 },
        });
        try {
            const user = {
                type: "aws:iam/user:User",
                name: "stale",
                urn: "urn:pulumi:dev::proj::aws:iam/user:User::stale",
                props: { name: "stale" },
            };
            const result = await drivePack({ packDir: REPO, stack, env: packEnv(iam), resources: [bucket, user] });
            assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-access-key stale AKIASTARTSTALE000001"]);
            assert.equal(iam.calls.get("GetCallerIdentity"), 1);
            assert.equal(iam.calls.get("GetCredentialReport"), 1);
        } finally {
            await iam.close();
        }
    });

    it("a stack whose AWS configuration cannot be verified still starts, and says so only for its users", async () => {
        const iam = await startLocalIam({ users: [{ userName: "someone" }], faults: { accessDenied: [{ action: "GetCallerIdentity" }] } });
        try {
            const result = await drivePack({ packDir: REPO, stack, env: packEnv(iam), resources: [bucket] });
            assert.deepEqual(verdictLines(result), []);
            assert.equal(result.output, "", "nothing printed for an account no user needed");
        } finally {
            await iam.close();
        }
    });
});
