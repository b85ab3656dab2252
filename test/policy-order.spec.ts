// No policy depends on the order in which the SDK runs the pack's policies on a resource: what they share (which
// user, in which account, what IAM says, what was judged and what was not) is computed once, by whichever asks first.
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { freshPack } from "./helpers/pack";
import { newPackRun } from "../rules/run/pack-run";
import { DEFAULT_SETTINGS } from "../rules/config/settings";
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
    async function analyzeAll(
        order: (list: ResourceValidationPolicy[]) => ResourceValidationPolicy[],
        pack = freshPack({}, { recording: true }),
    ) {
        const policies = order(pack.list);
        const seen: Record<string, Record<string, Reported>> = {};
        for (const name of ["warm-up", "stale-key", "soon-key", "stale-password", "denied", "exempt"]) {
            const args = () =>
                userArgs({ name, props: { name, tags: name === "exempt" ? exemptTags : {} }, provider: providerFor(local.iam()) });
            seen[name] = {};
            for (const policy of policies) seen[name][policy.name] = await validate(policy, args());
        }
        const records = pack.records.map(r => JSON.stringify({ ...r, message: r.message?.replace(/until \d{4}-\d{2}-\d{2}/, "") })).sort();
        return { seen, records, kept: pack.run.sharedCount };
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

    describe("what the policies share is kept only while they need it", () => {
        it("in the SDK's order, nothing is kept once every policy ran on a resource, and each credential is on record once", async () => {
            const { records, kept } = await analyzeAll(list => list);
            assert.equal(kept, 0);
            assert.equal(new Set(records).size, records.length, "no record twice");
            assert.ok(records.some(r => r.includes('"kind":"unused"') && r.includes("AKIASTALEKEY00000001")));
        });

        it("reversed, only the first resource's judgements are kept (its notice and unavailable policies ran before any config was known)", async () => {
            assert.equal((await analyzeAll(list => [...list].reverse())).kept, 2);
        });

        it("with the notice disabled, each judgement is kept to the end of the run and still made once", async () => {
            const { records, kept } = await analyzeAll(list => list.filter(p => p.name !== "iam-user-credential-unused-soon"));
            assert.equal(kept, 12, "6 users, 2 kinds");
            assert.equal(new Set(records).size, records.length, "no record twice");
        });

        it("a resource analyzed again after that is judged again, alike", async () => {
            const pack = freshPack({}, { recording: true });
            const first = await analyzeAll(list => list, pack);
            const again = await analyzeAll(list => list, pack);
            assert.deepEqual(again.seen, first.seen);
            assert.equal(again.kept, 0);
        });
    });

    describe("PackRun.once", () => {
        const run = () => newPackRun({ settings: DEFAULT_SETTINGS, env: {} });

        it("makes a value once for its askers, in flight and settled alike, then drops it: the next ask makes it again", async () => {
            const r = run();
            let made = 0;
            const make = () => Promise.resolve(++made);
            const inFlight = [r.once("k", 3, make), r.once("k", 3, make)];
            assert.deepEqual(await Promise.all(inFlight), [1, 1]);
            assert.equal(r.sharedCount, 1);
            assert.equal(await r.once("k", 3, make), 1, "settled, the third ask is served");
            assert.equal(r.sharedCount, 0);
            assert.equal(await r.once("k", 3, make), 2, "asked a fourth time, it is made again");
            assert.equal(await r.once("other", 1, make), 3, "another key is another value");
            assert.equal(r.sharedCount, 1, "the value made again is kept for its two other askers");
        });

        it("shares a failure with every asker as it was made", async () => {
            const r = run();
            let made = 0;
            const make = () => Promise.reject(new Error(`failed ${++made}`));
            const asks = [r.once("k", 2, make), r.once("k", 2, make)];
            for (const ask of asks) await assert.rejects(ask, /failed 1/);
            assert.equal(made, 1);
        });
    });
});
