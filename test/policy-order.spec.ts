// No policy depends on the order in which the SDK runs the pack's policies on a resource: what they share (which
// user, in which account, what IAM says, what was judged and what was not) is computed once, by whichever asks first.
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { freshPack } from "./helpers/pack";
import { providerFor, withLocalIam } from "./helpers/local-account";
import { Reported, userArgs, validate } from "./helpers/policy-args";

describe("the policies' run order", () => {
    const local = withLocalIam(() => ({
        users: [
            { userName: "warm-up" },
            {
                userName: "stale-key",
                accessKeys: [{ accessKeyId: "AKIASTALEKEY00000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 200 } }],
            },
            {
                userName: "soon-key",
                accessKeys: [{ accessKeyId: "AKIASOONKEY000000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 80 } }],
            },
            { userName: "stale-password", loginProfile: { created: { daysAgo: 400 } }, passwordLastUsed: { daysAgo: 150 } },
            {
                userName: "denied",
                loginProfile: { created: { daysAgo: 400 } },
                accessKeys: [{ accessKeyId: "AKIADENIED0000000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 200 } }],
            },
            {
                userName: "exempt",
                accessKeys: [{ accessKeyId: "AKIAEXEMPT0000000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 200 } }],
            },
        ],
        faults: { accessDenied: [{ action: "ListAccessKeys", userName: "denied" }] },
    }));

    /** One Analyze call of each user, the policies in `order`, after a first resource (each judging policy keeps its config then). */
    async function analyzeAll(order: (list: ResourceValidationPolicy[]) => ResourceValidationPolicy[]) {
        const pack = freshPack({}, { recording: true });
        const policies = order(pack.list);
        const seen: Record<string, Record<string, Reported>> = {};
        for (const name of ["warm-up", "stale-key", "soon-key", "stale-password", "denied", "exempt"]) {
            const args = () =>
                userArgs({ name, props: { name, tags: name === "exempt" ? exemptTags : {} }, provider: providerFor(local.iam()) });
            seen[name] = {};
            for (const policy of policies) seen[name][policy.name] = await validate(policy, args());
        }
        const records = pack.records.map(r => JSON.stringify({ ...r, message: r.message?.replace(/until \d{4}-\d{2}-\d{2}/, "") })).sort();
        return { seen, records };
    }
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const exemptTags = { "unused-credentials:exempt-until": inAMonth, "unused-credentials:exempt-reason": "break glass" };

    it("reversed, every policy reports the same on every user, and the findings are the same records", async () => {
        const inOrder = await analyzeAll(list => list);
        const reversed = await analyzeAll(list => [...list].reverse());
        assert.deepEqual(reversed.seen, inOrder.seen);
        assert.deepEqual(reversed.records, inOrder.records);
        // The comparison has teeth: each policy reported something.
        assert.match(inOrder.seen["stale-key"]["iam-user-unused-access-key"].violations[0], /AKIASTALEKEY00000001 is unused/);
        assert.match(inOrder.seen["stale-password"]["iam-user-unused-password"].violations[0], /console password is unused/);
        assert.match(inOrder.seen["soon-key"]["iam-user-credential-unused-soon"].violations[0], /will count as unused on/);
        assert.match(
            inOrder.seen.denied["iam-user-usage-data-unavailable"].violations[0],
            /access keys were not judged; this is not a pass/,
        );
        assert.match(inOrder.seen.exempt["iam-user-unused-access-key"].notApplicable ?? "", /is exempt/);
    });

    it("IAM is read once per user however many policies ask", async () => {
        local.iam().resetCalls();
        await analyzeAll(list => [...list].reverse());
        assert.equal(local.iam().calls.get("ListAccessKeys"), 5, "once per user but the exempt one");
    });
});
