// iam-user-credential-unused-soon: a credential within noticeDays of its judging policy's threshold is reported,
// with the date it becomes unused; the threshold is always the judging policy's own, never a copy.
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { freshPack } from "./helpers/pack";
import { providerFor, withLocalIam } from "./helpers/local-account";
import { userArgs, validate } from "./helpers/policy-args";

const key = (id: string, idleDays: number, minutes = 0) => ({
    userName: id.toLowerCase(),
    accessKeys: [{ accessKeyId: id, created: { daysAgo: 400 }, lastUsed: { daysAgo: idleDays, minutesAgo: minutes } }],
});

describe("policy iam-user-credential-unused-soon", () => {
    const local = withLocalIam(() => ({
        users: [
            key("AKIAIDLE75DAYS000001", 75, 1),
            key("AKIAIDLE76DAYS000001", 76, 1),
            key("AKIAIDLE89DAYS000001", 89, 1),
            key("AKIAIDLE90DAYS000001", 90, 1),
            key("AKIAIDLE35DAYS000001", 35, 1),
            { userName: "password-80", loginProfile: { created: { daysAgo: 400 } }, passwordLastUsed: { daysAgo: 80 } },
        ],
    }));
    let [keys, passwords, notice]: ResourceValidationPolicy[] = [];
    /** A new pack process: the three policies share its run, as in one Analyze call. */
    const resetPackRun = () => {
        const pack = freshPack().byName;
        [keys, passwords, notice] = [
            pack["iam-user-unused-access-key"],
            pack["iam-user-unused-password"],
            pack["iam-user-credential-unused-soon"],
        ];
    };
    beforeEach(resetPackRun);

    /** One Analyze call: the pack's policies in order on the same resource, as the policy SDK runs them. */
    async function analyze(
        name: string,
        config: { keys?: Record<string, unknown>; notice?: Record<string, unknown>; passwords?: Record<string, unknown> | "disabled" } = {},
    ) {
        const args = (c?: Record<string, unknown>) => userArgs({ name, props: { name }, provider: providerFor(local.iam()), config: c });
        const judged = [...(await validate(keys, args(config.keys))).violations];
        if (config.passwords !== "disabled") judged.push(...(await validate(passwords, args(config.passwords))).violations);
        const noticed = (await validate(notice, args(config.notice))).violations;
        return { judged, noticed };
    }

    it("is silent while a credential is further than noticeDays (14) from its threshold: idle 75 of 90", async () => {
        assert.deepEqual(await analyze("akiaidle75days000001"), { judged: [], noticed: [] });
    });

    it("reports it from 14 days before: idle 76 of 90, with the date it becomes unused", async () => {
        const { judged, noticed } = await analyze("akiaidle76days000001");
        assert.deepEqual(judged, []);
        assert.equal(noticed.length, 1);
        const unusedOn = new Date(Date.now() + 14 * 86_400_000 - 60_000).toISOString().slice(0, 10);
        assert.match(
            noticed[0],
            new RegExp(
                `^IAM user 'akiaidle76days000001' in account 123456789012 \\(provider default_7_0_0\\): active access key AKIAIDLE76DAYS000001 will count as unused on ${unusedOn} \\d\\d:\\d\\d UTC, in 14 days, and from then iam-user-unused-access-key reports it`,
            ),
        );
        assert.match(noticed[0], /idle 76 days, threshold 90 days/);
    });

    it("says 1 day on the last day, and nothing once the judging policy reports it (idle 90)", async () => {
        assert.match((await analyze("akiaidle89days000001")).noticed[0], /, in 1 day, /);
        resetPackRun();
        const at = await analyze("akiaidle90days000001");
        assert.equal(at.judged.length, 1, "the judging policy reports it");
        assert.deepEqual(at.noticed, [], "and the notice does not repeat it");
    });

    it("follows the judging policy's own maxUnusedDays, so the two never disagree (45 days: idle 35 is noticed)", async () => {
        const { judged, noticed } = await analyze("akiaidle35days000001", { keys: { maxUnusedDays: 45 } });
        assert.deepEqual(judged, []);
        assert.match(noticed[0], /in 10 days.*threshold 45 days/);
    });

    it("noticeDays is configurable", async () => {
        assert.deepEqual((await analyze("akiaidle76days000001", { notice: { noticeDays: 13 } })).noticed, []);
        resetPackRun();
        assert.equal((await analyze("akiaidle75days000001", { notice: { noticeDays: 15 } })).noticed.length, 1);
    });

    it("covers passwords at the password policy's threshold, and says nothing of a policy that did not run", async () => {
        assert.match(
            (await analyze("password-80")).noticed[0],
            /console password will count as unused on .*, in 10 days, and from then iam-user-unused-password reports it/,
        );
        resetPackRun();
        assert.deepEqual((await analyze("password-80", { passwords: "disabled" })).noticed, []);
    });

    it("says nothing of an exempt user", async () => {
        const { noticed } = await analyze("akiaidle89days000001", { keys: { exemptUsers: ["akia*"] } });
        assert.deepEqual(noticed, []);
    });
});
