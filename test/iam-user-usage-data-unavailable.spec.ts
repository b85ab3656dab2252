// iam-user-usage-data-unavailable: a managed user whose data could not be read is reported, never passed.
import { strict as assert } from "node:assert";
import { freshPack, FreshPack } from "./helpers/pack";
import { SETTINGS_ENV } from "../rules/config/settings";
import { providerFor, withLocalIam } from "./helpers/local-account";
import { userArgs, validate } from "./helpers/policy-args";

describe("policy iam-user-usage-data-unavailable", () => {
    const local = withLocalIam(() => ({
        users: [{ userName: "carol", accessKeys: [{ accessKeyId: "AKIACAROLCAROLCAROL1", created: { daysAgo: 400 } }] }],
    }));
    // Created at the first policy call, from the environment a spec has given, as a pack process starts with it.
    let pack: FreshPack | undefined;
    let env: NodeJS.ProcessEnv = {};
    beforeEach(() => {
        pack = undefined;
        env = {};
    });
    const policies = () => (pack ??= freshPack(env)).list;
    const policy = () => policies().at(-1)!;
    const keys = () => (pack ??= freshPack(env)).byName["iam-user-unused-access-key"];

    const args = () => userArgs({ name: "carol", props: { name: "carol" }, provider: providerFor(local.iam()) });
    /** As the policy SDK runs a pack: each policy in order, this one last. */
    const analyze = async () => {
        for (const judging of policies().slice(0, -1)) await validate(judging, args());
        return validate(policy(), args());
    };

    it("runs after the judging policies, whose reads it reports", () => {
        assert.equal(policy().name, "iam-user-usage-data-unavailable");
    });

    it("reports AccessDenied with the missing IAM action", async () => {
        local.iam().setFaults({ accessDenied: [{ action: "ListAccessKeys", userName: "carol" }] });
        const { violations } = await analyze();
        assert.equal(violations.length, 1);
        assert.match(
            violations[0],
            /IAM user 'carol' in account 123456789012 \(provider default_7_0_0\): credentials could not be evaluated: access denied to iam:ListAccessKeys/,
        );
        assert.match(violations[0], /not a pass/);
    });

    it("the unused-key policy stays silent about a user it could not read (this policy speaks instead)", async () => {
        local.iam().setFaults({ accessDenied: [{ userName: "carol" }] });
        assert.deepEqual((await validate(keys(), args())).violations, []);
        assert.equal((await validate(policy(), args())).violations.length, 1);
    });

    it("reads each user once, however many policies ask", async () => {
        await validate(keys(), args());
        await validate(policy(), args());
        assert.equal(local.iam().calls.get("ListAccessKeys"), 1);
        assert.equal(local.iam().calls.get("GetAccessKeyLastUsed"), 1);
    });

    it("reports a hung IAM within the configured deadline", async () => {
        env[SETTINGS_ENV.requestTimeoutSeconds] = "0.3";
        local.iam().setFaults({ hang: [{ action: "ListAccessKeys" }] });
        const { violations } = await analyze();
        assert.match(violations[0], /IAM did not answer iam:ListAccessKeys within 0.3 s/);
    });

    it("reports throttling that outlasts the retries", async () => {
        env[SETTINGS_ENV.maxAttempts] = "1";
        local.iam().setFaults({ transient: [{ code: "Throttling", count: 10, action: "ListAccessKeys" }] });
        const { violations } = await analyze();
        assert.match(violations[0], /IAM throttled iam:/);
    });

    it("says nothing when the data was read", async () => {
        assert.deepEqual((await analyze()).violations, []);
    });

    it("says nothing of data no policy needed: both judging policies disabled (so they never ran)", async () => {
        local.iam().setFaults({ accessDenied: [{ userName: "carol" }] });
        assert.deepEqual((await validate(policy(), args())).violations, []);
        assert.equal(local.iam().totalCalls(), 0);
    });

    it("says nothing of data no policy needed: the user exempt from both judging policies", async () => {
        local.iam().setFaults({ accessDenied: [{ userName: "carol" }] });
        const exempt = userArgs({
            name: "carol",
            props: { name: "carol" },
            provider: providerFor(local.iam()),
            config: { exemptUsers: ["carol"] },
        });
        for (const judging of policies().slice(0, 2))
            assert.match((await validate(judging, exempt)).notApplicable ?? "", /is exempt by exemptUsers pattern "carol"/);
        assert.deepEqual((await validate(policy(), args())).violations, []);
        assert.equal(local.iam().totalCalls(), 0, "an exempt user costs no IAM call");
    });
});
