// iam-user-unused-password: a managed user's console password idle ≥ maxUnusedDays is a violation.
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { freshPack } from "./helpers/pack";
import { providerFor, withLocalIam } from "./helpers/local-account";
import { userArgs, validate } from "./helpers/policy-args";

describe("policy iam-user-unused-password", () => {
    const local = withLocalIam(() => ({
        users: [
            { userName: "stale", loginProfile: { created: { daysAgo: 400 } }, passwordLastUsed: { daysAgo: 100 } },
            { userName: "never", loginProfile: { created: { daysAgo: 120 } } },
            { userName: "recreated", loginProfile: { created: { daysAgo: 5 } }, passwordLastUsed: { daysAgo: 300 } },
            { userName: "deleted", passwordLastUsed: { daysAgo: 300 } },
            { userName: "active", loginProfile: { created: { daysAgo: 400 } }, passwordLastUsed: { daysAgo: 1 } },
        ],
    }));
    let policy: ResourceValidationPolicy;
    /** A new pack process: nothing read, nothing cached. */
    const resetPackRun = () => {
        policy = freshPack().byName["iam-user-unused-password"];
    };
    beforeEach(resetPackRun);

    const check = (name: string, config?: Record<string, unknown>) =>
        validate(policy, userArgs({ name, props: { name }, provider: providerFor(local.iam()), config }));

    it("reports a password unused past the threshold, with last use, idle days and fix", async () => {
        const { violations } = await check("stale");
        assert.equal(violations.length, 1);
        assert.match(
            violations[0],
            /IAM user 'stale' in account 123456789012 \(provider default_7_0_0\): console password is unused: last used \d{4}-\d\d-\d\d \d\d:\d\d UTC; idle 100 days, threshold 90 days/,
        );
        assert.match(violations[0], /aws iam delete-login-profile --user-name stale/);
    });

    it("reports a never-used password aged from its creation", async () => {
        const { violations } = await check("never");
        assert.match(violations[0], /never used, created .*; idle 120 days, threshold 90 days/);
    });

    it("a password re-created after its last use starts fresh", async () => {
        assert.deepEqual((await check("recreated")).violations, []);
    });

    it("a deleted password's PasswordLastUsed is not a credential", async () => {
        assert.deepEqual((await check("deleted")).violations, []);
    });

    it("a password in use passes", async () => {
        assert.deepEqual((await check("active")).violations, []);
    });

    it("applies the config defaults when the engine sent none", async () => {
        assert.equal((await check("never", {})).violations.length, 1);
        resetPackRun();
        assert.deepEqual((await check("never", { maxUnusedDays: 121 })).violations, []);
    });

    it("tells an aws.iam user to remove its aws.iam.UserLoginProfile, with the retiring tag for the same change", async () => {
        const { violations } = await check("stale");
        assert.match(
            violations[0],
            /Fix in code: remove its aws\.iam\.UserLoginProfile and, in the same change, add "unused-credentials:retiring": "password until \d{4}-\d\d-\d\d" to its tags/,
        );
    });

    it("judges an aws-native user, and tells it to remove the user's loginProfile (aws-native's fix)", async () => {
        const { violations } = await validate(
            policy,
            userArgs({ type: "aws-native:iam:User", name: "n", props: { userName: "stale" }, provider: providerFor(local.iam()) }),
        );
        assert.equal(violations.length, 1);
        assert.match(
            violations[0],
            /Fix in code: remove the loginProfile of its aws-native\.iam\.User and, in the same change, add \{key: "unused-credentials:retiring", value: "password until \d{4}-\d\d-\d\d"\} to its tags/,
        );
        assert.doesNotMatch(violations[0], /UserLoginProfile/);
    });

    it("a retiring tag naming the password lets the deployment that removes it through (aws-native tags are a list)", async () => {
        const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
        const tags = [{ key: "unused-credentials:retiring", value: `password until ${until}` }];
        const { violations } = await validate(
            policy,
            userArgs({ type: "aws-native:iam:User", name: "n", props: { userName: "stale", tags }, provider: providerFor(local.iam()) }),
        );
        assert.deepEqual(violations, []);
    });
});
