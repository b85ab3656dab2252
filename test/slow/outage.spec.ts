// Bounded whole runs: a stack of 1,000 users, each needing a live read, whose account's IAM hangs (never answers),
// refuses connections or drips (headers at once, then a byte at a time), while STS answers. The engine calls Analyze
// one resource at a time, so a pack that waited a deadline per user would take hours: the whole run ends within
// 2 minutes with every user reported unavailable, naming the cause. And when IAM recovers mid-run, every user whose
// Analyze starts 10 s or more after the recovery is judged. The pack runs with its default deadlines.
import { strict as assert } from "node:assert";
import { OUTAGES, runThroughOutage, UserOutcome } from "../helpers/outage-run";

const USERS = 1000;
const CAUSE = {
    hang: /IAM did not answer iam:\w+ within 20 s|has not answered since \d\d:\d\d:\d\d UTC \(iam:\w+: no answer within (20|5) s\)/,
    drip: /IAM did not answer iam:\w+ within 20 s|has not answered since \d\d:\d\d:\d\d UTC \(iam:\w+: no answer within (20|5) s\)/,
    refuse: /ECONNREFUSED/,
};

const count = (outcomes: UserOutcome[], verdict: UserOutcome["verdict"]) => outcomes.filter(o => o.verdict === verdict).length;

describe("bounded whole runs: 1,000 users while IAM does not answer", function () {
    this.timeout(240_000);

    for (const outage of OUTAGES) {
        it(`IAM ${outage === "hang" ? "hangs" : outage === "drip" ? "drips" : "refuses connections"}: every user reported unavailable, naming the cause, within 2 minutes`, async () => {
            const run = await runThroughOutage({ outage, users: USERS });
            assert.ok(run.seconds < 120, `the whole run took ${run.seconds} s`);
            assert.equal(
                count(run.outcomes, "unavailable"),
                USERS,
                `judged: ${count(run.outcomes, "judged")}, other: ${count(run.outcomes, "other")}`,
            );
            for (const o of run.outcomes) assert.match(o.message, CAUSE[outage], o.name);
            assert.ok(run.iamCalls < 200, `${run.iamCalls} IAM requests: the outage is probed, not hammered`);
        });
    }

    it("IAM hangs, then recovers mid-run: every user whose Analyze starts 10 s or more after the recovery is judged", async () => {
        // 20 ms per resource: the engine's own pace in a real preview (about 36 ms a resource at 1,000 users).
        const run = await runThroughOutage({ outage: "hang", users: USERS, recoverAfterUsers: 200, paceMs: 20 });
        assert.ok(run.recoveredMs !== undefined);
        const before = run.outcomes.slice(0, 200);
        assert.equal(count(before, "unavailable"), 200, "before the recovery: unavailable, never a pass");
        const late = run.outcomes.filter(o => o.startedMs >= run.recoveredMs! + 10_000);
        assert.ok(late.length >= 200, `${late.length} users started 10 s after the recovery: too few to show anything`);
        const notJudged = late.filter(o => o.verdict !== "judged");
        assert.deepEqual(
            notJudged.map(o => `${o.name}: ${o.message.slice(0, 200)}`),
            [],
        );
    });
});
