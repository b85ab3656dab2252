// The gate does not block the deployment of its own fix. `pulumi up` analyzes the user before its key (the
// user is registered first), and each resource's step runs only after its Analyze passes: the fixing
// deployment (key set Inactive, user tagged as retiring it) must pass while the key is still active in IAM,
// and a deployment without that change must be blocked again.
import { strict as assert } from "node:assert";
import { AnalyzedResource } from "../../tools/driver/analyzer-client";
import { drivePack, DriveResult, ResourceResult } from "../../tools/driver/drive-pack";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { packEnv, REPO } from "../helpers/samples";

const KEY = "AKIADEPLOYERSTALE001";
const STACK = { stack: "prod", project: "platform", organization: "acme", config: { "aws:region": "us-east-1" }, dryRun: false };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function user(tags: Record<string, string> = {}): AnalyzedResource {
    return {
        type: "aws:iam/user:User",
        name: "deployer",
        urn: "urn:pulumi:prod::platform::aws:iam/user:User::deployer",
        props: { name: "deployer", tags },
    };
}

function accessKey(status: "Active" | "Inactive"): AnalyzedResource {
    return {
        type: "aws:iam/accessKey:AccessKey",
        name: "deployer-key",
        urn: "urn:pulumi:prod::platform::aws:iam/accessKey:AccessKey::deployer-key",
        props: { user: "deployer", status },
    };
}

const blocking = (r: ResourceResult) => r.diagnostics.filter(d => d.enforcementLevel === "mandatory");

describe("a fix deployed in code passes the gate in the same pulumi up", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    beforeEach(async () => {
        iam = await startLocalIam({
            users: [
                {
                    userName: "deployer",
                    accessKeys: [
                        { accessKeyId: KEY, created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "s3", region: "us-east-1" } },
                    ],
                },
            ],
        });
    });
    afterEach(() => iam.close());
    const keyStatus = () => iam.users.get("deployer")!.accessKeys[0].status;

    /**
     * One `pulumi up` as the engine runs it: for each resource in registration order, Analyze, and only if no
     * mandatory violation came back, the resource's step (here: the key's status is written to IAM).
     */
    async function up(resources: AnalyzedResource[]): Promise<{ run: DriveResult; stoppedAt?: string }> {
        let stoppedAt: string | undefined;
        const run = await drivePack({
            packDir: REPO,
            stack: STACK,
            env: packEnv(iam),
            resources,
            // The engine applies a resource's step before it analyzes the next one.
            onResult: result => {
                if (stoppedAt) return;
                if (blocking(result).length > 0) {
                    stoppedAt = result.resource.name;
                    return;
                }
                if (result.resource.type === "aws:iam/accessKey:AccessKey")
                    iam.users.get("deployer")!.accessKeys[0].status = result.resource.props.status as "Active" | "Inactive";
            },
        });
        return { run, stoppedAt };
    }

    it("the fixing deployment passes, deactivates the key, and leaves an advisory record naming the key and the tag", async () => {
        const before = await up([user(), accessKey("Active")]);
        assert.equal(before.stoppedAt, "deployer", "the stale key blocks the unchanged stack");
        assert.match(
            blocking(before.run.results[0])[0].message,
            new RegExp(`add "unused-credentials:retiring": "${KEY} until ${day(7)}" to its tags`),
        );

        const fixing = await up([user({ "unused-credentials:retiring": `${KEY} until ${day(7)}` }), accessKey("Inactive")]);
        assert.equal(fixing.stoppedAt, undefined, "the user passes, so the key's step runs");
        assert.equal(keyStatus(), "Inactive");
        const record = fixing.run.results[0].diagnostics.find(d => d.policyName === "iam-user-credential-unused-soon");
        assert.equal(record?.enforcementLevel, "advisory");
        assert.match(
            record?.message ?? "",
            new RegExp(
                `active access key ${KEY} is unused .* and is being retired: the tag unused-credentials:retiring names it until ${day(7)}`,
            ),
        );

        const after = await up([user(), accessKey("Inactive")]);
        assert.equal(after.stoppedAt, undefined, "once deployed, the tag can go: the key is inactive");
        assert.deepEqual(
            after.run.results.flatMap(r => r.diagnostics),
            [],
        );
    });

    it("the next deployment without the change is blocked again", async () => {
        const fixing = await up([user({ "unused-credentials:retiring": `${KEY} until ${day(7)}` }), accessKey("Inactive")]);
        assert.equal(fixing.stoppedAt, undefined);
        // The change is reverted: the key is active again in IAM, and the tag is gone from the code.
        iam.users.get("deployer")!.accessKeys[0].status = "Active";
        const reverted = await up([user(), accessKey("Active")]);
        assert.equal(reverted.stoppedAt, "deployer");
        assert.match(blocking(reverted.run.results[0])[0].message, new RegExp(`active access key ${KEY} is unused`));
    });

    it("a tag without the fix holds only until its date; after it the key blocks again, saying why", async () => {
        const lapsed = await up([user({ "unused-credentials:retiring": `${KEY} until ${day(-1)}` }), accessKey("Active")]);
        assert.equal(lapsed.stoppedAt, "deployer");
        assert.match(blocking(lapsed.run.results[0])[0].message, new RegExp(`ended on ${day(-1)} while the credential is still active`));
        assert.equal(keyStatus(), "Active");
    });

    it("a tag naming another key retires nothing of this one", async () => {
        const wrong = await up([user({ "unused-credentials:retiring": `AKIASOMEOTHERKEY0001 until ${day(7)}` }), accessKey("Inactive")]);
        assert.equal(wrong.stoppedAt, "deployer");
        assert.equal(keyStatus(), "Active");
    });
});
