// iam-user-unused-access-key: each active access key of a managed user idle ≥ maxUnusedDays is a violation.
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { freshPack, FreshPack } from "./helpers/pack";
import { providerFor, withLocalIam } from "./helpers/local-account";
import { UNKNOWN, userArgs, validate } from "./helpers/policy-args";

const STALE = "AKIASTALESTALESTALE1";
const NEVER = "AKIANEVERUSEDNEVER01";
const FRESH = "AKIAFRESHFRESHFRESH1";
const OFF = "AKIAINACTIVEINACTIV1";
const EDGE = "AKIAEXACTLY90DAYS001";

describe("policy iam-user-unused-access-key", () => {
    const local = withLocalIam(() => ({
        users: [
            {
                userName: "alice",
                accessKeys: [
                    { accessKeyId: STALE, created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "s3", region: "eu-west-1" } },
                    { accessKeyId: NEVER, created: { daysAgo: 200 } },
                ],
            },
            {
                userName: "bob",
                accessKeys: [
                    { accessKeyId: OFF, status: "Inactive", created: { daysAgo: 900 } },
                    { accessKeyId: FRESH, created: { daysAgo: 400 }, lastUsed: { daysAgo: 2, service: "sts", region: "us-east-1" } },
                ],
            },
            { userName: "edge", accessKeys: [{ accessKeyId: EDGE, created: { daysAgo: 300 }, lastUsed: { daysAgo: 90, minutesAgo: 1 } }] },
            { userName: "break-glass-1", accessKeys: [{ accessKeyId: "AKIABREAKGLASS000001", created: { daysAgo: 900 } }] },
        ],
    }));
    let pack: FreshPack;
    let policy: ResourceValidationPolicy;
    /** A new pack process: nothing read, nothing cached. */
    const resetPackRun = () => {
        pack = freshPack();
        policy = pack.byName["iam-user-unused-access-key"];
    };
    beforeEach(resetPackRun);

    const check = (name: string, config?: Record<string, unknown>, props: Record<string, unknown> = { name }) =>
        validate(policy, userArgs({ name, props, provider: providerFor(local.iam()), config }));

    it("reports each unused active key separately, by key ID, with last use, idle days, threshold and fix", async () => {
        const { violations } = await check("alice");
        assert.equal(violations.length, 2);
        assert.match(
            violations[0],
            new RegExp(
                `IAM user 'alice' in account 123456789012 \\(provider default_7_0_0\\): active access key ${STALE} is unused: last used \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(service s3, region eu-west-1\\); idle 120 days, threshold 90 days`,
            ),
        );
        assert.match(violations[0], new RegExp(`aws iam update-access-key --user-name alice --access-key-id ${STALE} --status Inactive`));
        assert.match(
            violations[1],
            new RegExp(
                `active access key ${NEVER} is unused: never used, created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; idle 200 days, threshold 90 days`,
            ),
        );
    });

    it("prints the fix in code with the retiring tag that lets the fixing deployment through", async () => {
        const { violations } = await check("alice");
        const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
        assert.match(
            violations[0],
            new RegExp(
                `Fix in code: set status "Inactive" on its aws\\.iam\\.AccessKey \\(or remove that resource\\) and, in the same change, add "unused-credentials:retiring": "${STALE} until ${until}" to its tags`,
            ),
        );
    });

    it("a retiring tag in force lets exactly the named key through; the other stale key still blocks", async () => {
        const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
        const { violations } = await check("alice", undefined, {
            name: "alice",
            tags: { "unused-credentials:retiring": `${STALE} until ${until}` },
        });
        assert.equal(violations.length, 1);
        assert.match(violations[0], new RegExp(`active access key ${NEVER} is unused`));
    });

    it("a retiring tag past its date, or too far ahead, retires nothing, and the violation says why", async () => {
        const ended = await check("alice", undefined, {
            name: "alice",
            tags: { "unused-credentials:retiring": `${STALE} until 2020-01-01` },
        });
        assert.equal(ended.violations.length, 2);
        assert.match(
            ended.violations[0],
            /Not exempt: the retirement unused-credentials:retiring=".*" ended on 2020-01-01 while the credential is still active/,
        );
        resetPackRun();
        const far = await check("alice", undefined, {
            name: "alice",
            tags: { "unused-credentials:retiring": `${STALE} until 2099-01-01` },
        });
        assert.match(far.violations[0], /more than the 14 a retirement may, so it retires nothing/);
    });

    it("an exempt-until tag further ahead than maxExemptionDays is no exemption, and the violation says why", async () => {
        const props = {
            name: "alice",
            tags: { "unused-credentials:exempt-until": "9999-12-31", "unused-credentials:exempt-reason": "forever" },
        };
        const { violations } = await check("alice", undefined, props);
        assert.equal(violations.length, 2);
        assert.match(
            violations[0],
            /Not exempt: the exemption unused-credentials:exempt-until=9999-12-31 reaches \d+ days ahead, further than maxExemptionDays \(90\) allows/,
        );
        resetPackRun();
        assert.match((await check("alice", { maxExemptionDays: 3650000 }, props)).notApplicable ?? "", /is exempt until 9999-12-31/);
    });

    it("an aws-native user's key: the message says aws-native has no key resource and names the tag as aws-native writes it", async () => {
        const { violations } = await validate(
            policy,
            userArgs({ type: "aws-native:iam:User", name: "n", props: { userName: "alice" }, provider: providerFor(local.iam()) }),
        );
        assert.match(
            violations[0],
            /If an aws\.iam\.AccessKey manages it \(aws-native has no access key resource\), set status "Inactive" on it .* add \{key: "unused-credentials:retiring", value: "AKIA\w+ until \d{4}-\d\d-\d\d"\} to its tags/,
        );
    });

    it("does not report inactive keys or keys used recently", async () => {
        assert.deepEqual((await check("bob")).violations, []);
    });

    it("is inclusive at the threshold", async () => {
        const { violations } = await check("edge");
        assert.equal(violations.length, 1);
        assert.match(violations[0], /idle 90 days, threshold 90 days/);
    });

    it("applies maxUnusedDays from config (CIS 45 days)", async () => {
        const { violations } = await check("edge", { maxUnusedDays: 91 });
        assert.deepEqual(violations, []);
        const cis = await check("alice", { maxUnusedDays: 45 });
        assert.match(cis.violations[0], /threshold 45 days/);
    });

    it("skips users matching an exemptUsers glob", async () => {
        assert.equal((await check("break-glass-1")).violations.length, 1);
        resetPackRun();
        assert.deepEqual(await check("break-glass-1", { exemptUsers: ["break-glass-*"] }), {
            violations: [],
            notApplicable: `IAM user 'break-glass-1' is exempt by exemptUsers pattern "break-glass-*"`,
        });
        assert.equal(local.iam().calls.get("ListAccessKeys"), 1, "no IAM call for the exempt user");
    });

    it("judges aws-native users by their userName", async () => {
        const { violations } = await validate(
            policy,
            userArgs({
                type: "aws-native:iam:User",
                name: "alice-native",
                props: { userName: "alice" },
                provider: providerFor(local.iam()),
            }),
        );
        assert.equal(violations.length, 2);
    });

    it("says nothing of a user IAM does not have yet (a preview that creates it)", async () => {
        assert.deepEqual(await check("new-hire"), { violations: [] });
    });

    it("is not applicable while the user name is unknown during preview, and later calls still work", async () => {
        const unknown = await check("computed", undefined, { name: UNKNOWN });
        assert.deepEqual(unknown.violations, []);
        assert.match(unknown.notApplicable ?? "", /name is not known yet/);
        assert.equal((await check("alice")).violations.length, 2);
    });

    it("an ARN unknown during preview changes nothing: the provider's account decides", async () => {
        const { violations } = await check("alice", undefined, { name: "alice", arn: UNKNOWN, tags: { team: "x" } });
        assert.equal(violations.length, 2);
        assert.match(violations[0], /in account 123456789012 \(provider default_7_0_0\)/);
    });

    it("an exemption tag unknown during preview is neither judged nor passed: the unavailable policy names the tag", async () => {
        const props = { name: "alice", tags: { "unused-credentials:exempt-until": UNKNOWN } };
        assert.deepEqual(await check("alice", undefined, props), { violations: [] });
        const reported = await validate(pack.list.at(-1)!, userArgs({ name: "alice", props, provider: providerFor(local.iam()) }));
        assert.match(
            reported.violations[0],
            /its tag unused-credentials:exempt-until is not known during preview, so whether it is exempt cannot be known\. Its access keys were not judged/,
        );
        assert.equal(local.iam().calls.get("ListAccessKeys"), undefined, "nothing read for a user that may be exempt");
    });

    it("never puts a secret from the inputs into a message", async () => {
        const { violations } = await check("alice", undefined, { name: "alice", tags: { note: "hunter2-secret" } });
        assert.ok(violations.every(v => !v.includes("hunter2") && !v.includes("test-secret-not-real")));
    });

    it("ignores resources that are not IAM users", async () => {
        const args = userArgs({
            type: "aws:iam/accessKey:AccessKey",
            name: "k",
            props: { user: "alice", secret: "s3cr3t" },
            provider: providerFor(local.iam()),
        });
        assert.deepEqual(await validate(policy, args), { violations: [] });
        assert.equal(local.iam().totalCalls(), 0);
    });
});
