// iam-user-unused-password: a managed user's console password idle ≥ maxUnusedDays is a violation.
import { strict as assert } from "node:assert";
import { iamUserUnusedPassword as policy } from "../rules/iam-user-unused-password";
import { resetAccountSources } from "../rules/lib/user-evaluation";
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
    beforeEach(resetAccountSources);

    const check = (name: string, config?: Record<string, unknown>) =>
        validate(policy, userArgs({ name, props: { name }, provider: providerFor(local.iam()), config }));

    it("reports a password unused past the threshold, with last use, idle days and fix", async () => {
        const { violations } = await check("stale");
        assert.equal(violations.length, 1);
        assert.match(violations[0], /IAM user 'stale' in account 123456789012 \(provider default_7_0_0\): console password is unused: last used \d{4}-\d\d-\d\d \d\d:\d\d UTC; idle 100 days, threshold 90 days/);
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
        resetAccountSources();
        assert.deepEqual((await check("never", { maxUnusedDays: 121 })).violations, []);
    });

    it("judges an aws-native user", async () => {
        const { violations } = await validate(policy, userArgs({ type: "aws-native:iam:User", name: "n", props: { userName: "stale" }, provider: providerFor(local.iam()) }));
        assert.equal(violations.length, 1);
    });
});
