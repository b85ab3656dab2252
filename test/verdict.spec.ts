// The rules of docs/unused.md, one spec per rule and numbered case, on the pure verdict.
import { strict as assert } from "node:assert";
import { Assessment, assessCredential, UnreadFacts, wholeDaysBetween } from "../rules/verdict/verdict";
import { assessKind } from "../rules/kinds/kinds";
import { ACCESS_KEY } from "../rules/kinds/iam-user-unused-access-key";
import { PASSWORD } from "../rules/kinds/iam-user-unused-password";

/** The password's assessment, as the password kind and the verdict make it; undefined without a password. */
function assessPassword(facts: CredentialFacts, thresholdDays: number, now: Date): Assessment | undefined {
    const [usable] = PASSWORD.usable(facts);
    return usable && assessCredential("password", facts.userName, usable, thresholdDays, now);
}

/** One key's assessment, as the access key kind and the verdict make it; undefined for an inactive key. */
function assessAccessKey(userName: string, key: AccessKeyFacts, thresholdDays: number, now: Date): Assessment | undefined {
    const facts: CredentialFacts = { userName, accessKeys: [key], read: { password: false, "access-key": true }, doubts: [] };
    const [usable] = ACCESS_KEY.usable(facts);
    return usable && assessCredential("access-key", userName, usable, thresholdDays, now);
}
import { AccessKeyFacts, CredentialFacts, doubtCovers, MS_PER_DAY } from "../rules/model/credentials";

const NOW = new Date("2026-11-30T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * MS_PER_DAY);
const THRESHOLDS = { passwordDays: 90, accessKeyDays: 90 };

function user(overrides: Partial<CredentialFacts>): CredentialFacts {
    return { userName: "alice", accessKeys: [], read: { password: true, "access-key": true }, doubts: [], ...overrides };
}

/** The password's assessment, then each active key's, at each kind's threshold. */
function assessCredentials(facts: CredentialFacts, thresholds: { passwordDays: number; accessKeyDays: number }, now: Date): Assessment[] {
    return [
        ...assessKind("password", facts, thresholds.passwordDays, now).assessments,
        ...assessKind("access-key", facts, thresholds.accessKeyDays, now).assessments,
    ];
}

function key(id: string, status: "Active" | "Inactive", createdDaysAgo: number, usedDaysAgo?: number) {
    return {
        accessKeyId: id,
        status,
        createDate: daysAgo(createdDaysAgo),
        lastUsed: usedDaysAgo === undefined ? undefined : { date: daysAgo(usedDaysAgo) },
    };
}

describe("verdict (docs/unused.md)", () => {
    describe("the rule", () => {
        it("an access key idles from its last use", () => {
            const a = assessAccessKey("alice", key("AKIA1", "Active", 400, 120), 90, NOW)!;
            assert.equal(a.idleDays, 120);
            assert.equal(a.unused, true);
        });

        it("a key used recently is not unused", () => {
            assert.equal(assessAccessKey("alice", key("AKIA1", "Active", 400, 3), 90, NOW)!.unused, false);
        });

        it("a password idles from the later of its last use and its creation", () => {
            const a = assessPassword(user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: daysAgo(100) }), 90, NOW)!;
            assert.equal(a.idleDays, 100);
            assert.equal(a.unused, true);
        });

        it("a password re-created after its last use starts fresh", () => {
            const a = assessPassword(user({ loginProfile: { createDate: daysAgo(10) }, passwordLastUsed: daysAgo(200) }), 90, NOW)!;
            assert.equal(a.idleDays, 10);
            assert.equal(a.unused, false);
        });

        it("thresholds apply per credential type", () => {
            const facts = user({ loginProfile: { createDate: daysAgo(60) }, accessKeys: [key("AKIA1", "Active", 60)] });
            const findings = assessCredentials(facts, { passwordDays: 45, accessKeyDays: 90 }, NOW);
            assert.deepEqual(
                findings.map(f => [f.credential, f.unused]),
                [
                    ["password", true],
                    ["access-key", false],
                ],
            );
        });
    });

    describe("edge cases that known tools get wrong", () => {
        it("1. a never-used key older than the threshold is unused, aged from creation", () => {
            const a = assessAccessKey("alice", key("AKIA1", "Active", 200), 90, NOW)!;
            assert.equal(a.lastUsed, undefined);
            assert.equal(a.idleDays, 200);
            assert.equal(a.unused, true);
        });

        it("1. a never-used password older than the threshold is unused, aged from creation", () => {
            const a = assessPassword(user({ loginProfile: { createDate: daysAgo(150) } }), 90, NOW)!;
            assert.equal(a.idleDays, 150);
            assert.equal(a.unused, true);
        });

        it("2. a brand-new credential is not unused", () => {
            const facts = user({ loginProfile: { createDate: daysAgo(0) }, accessKeys: [key("AKIA1", "Active", 0)] });
            assert.deepEqual(
                assessCredentials(facts, THRESHOLDS, NOW).map(f => f.unused),
                [false, false],
            );
        });

        it("3. key 1 inactive and key 2 active and stale: key 2 is unused, key 1 is not judged", () => {
            const facts = user({ accessKeys: [key("AKIA1", "Inactive", 500, 400), key("AKIA2", "Active", 300, 120)] });
            const findings = assessCredentials(facts, THRESHOLDS, NOW);
            assert.deepEqual(
                findings.map(f => f.credential === "access-key" && [f.credentialId, f.unused]),
                [["AKIA2", true]],
            );
        });

        it("4. two keys are judged and reported separately, by key ID", () => {
            const facts = user({ accessKeys: [key("AKIA1", "Active", 500, 100), key("AKIA2", "Active", 500, 95)] });
            const findings = assessCredentials(facts, THRESHOLDS, NOW);
            assert.deepEqual(
                findings.map(f => f.credential === "access-key" && [f.credentialId, f.idleDays]),
                [
                    ["AKIA1", 100],
                    ["AKIA2", 95],
                ],
            );
        });

        it("5. a deleted password that left PasswordLastUsed behind is not a credential", () => {
            const facts = user({ passwordLastUsed: daysAgo(400) });
            assert.equal(assessPassword(facts, 90, NOW), undefined);
            assert.deepEqual(assessCredentials(facts, THRESHOLDS, NOW), []);
        });

        it('6. facts that were not read are never judged as "none": judging a kind that was not read is an error', () => {
            // A confirmation reads only the kind asked about; keys read alone say nothing of the password.
            const keysOnly = { ...user({ accessKeys: [key("AKIA1", "Active", 500, 100)] }), read: { password: false, "access-key": true } };
            assert.throws(() => assessKind("password", keysOnly, 90, NOW), UnreadFacts);
            assert.equal(assessKind("access-key", keysOnly, 90, NOW).assessments.length, 1);
            assert.throws(() => assessCredentials(keysOnly, THRESHOLDS, NOW), UnreadFacts);
        });

        it("each assessment says the instant it becomes unused: idle since + the threshold", () => {
            const k = assessAccessKey("alice", key("AKIA1", "Active", 400, 80), 90, NOW)!;
            assert.equal(k.unusedFrom.toISOString(), new Date(daysAgo(80).getTime() + 90 * MS_PER_DAY).toISOString());
            assert.equal(k.unused, false);
            const p = assessPassword(user({ loginProfile: { createDate: daysAgo(30) } }), 45, NOW)!;
            assert.equal(p.unusedFrom.toISOString(), new Date(daysAgo(30).getTime() + 45 * MS_PER_DAY).toISOString());
        });

        it("7. exactly at the threshold is unused (inclusive)", () => {
            const a = assessAccessKey("alice", key("AKIA1", "Active", 400, 90), 90, NOW)!;
            assert.equal(a.idleDays, 90);
            assert.equal(a.unused, true);
        });

        it("7. a password idle exactly the threshold is unused too (inclusive)", () => {
            const a = assessPassword(user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: daysAgo(90) }), 90, NOW)!;
            assert.deepEqual([a.idleDays, a.unused], [90, true]);
            const short = assessPassword(
                user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: new Date(daysAgo(90).getTime() + 1000) }),
                90,
                NOW,
            )!;
            assert.deepEqual([short.idleDays, short.unused], [89, false]);
        });

        it("7. one second short of the threshold is not unused", () => {
            const lastUsed = new Date(NOW.getTime() - 90 * MS_PER_DAY + 1000);
            const a = assessAccessKey(
                "alice",
                { accessKeyId: "AKIA1", status: "Active", createDate: daysAgo(400), lastUsed: { date: lastUsed } },
                90,
                NOW,
            )!;
            assert.equal(a.idleDays, 89);
            assert.equal(a.unused, false);
        });

        it("8. days are counted in UTC from full timestamps, whatever the local time zone", () => {
            // 23:30 UTC on day 0 to 00:30 UTC 90 days later is 89 whole days and one hour: not yet 90.
            assert.equal(wholeDaysBetween(new Date("2026-01-01T23:30:00Z"), new Date("2026-04-01T00:30:00Z")), 89);
            assert.equal(wholeDaysBetween(new Date("2026-01-01T23:30:00Z"), new Date("2026-04-01T23:30:00Z")), 90);
            // An offset timestamp (as in the credential report) is the same instant as its UTC form.
            assert.equal(wholeDaysBetween(new Date("2026-01-02T01:30:00+02:00"), new Date("2026-04-01T23:30:00Z")), 90);
        });

        it("13. use older than IAM's tracking reads as never used and ages from creation", () => {
            const a = assessAccessKey("alice", key("AKIA1", "Active", 4000), 90, NOW)!;
            assert.equal(a.idleDays, 4000);
            assert.equal(a.unused, true);
        });
    });

    describe("impossible but harmless dates", () => {
        it("a key last used before it was created idles from its creation, as a password does", () => {
            // IAM says: created 10 days ago, last used 200 days ago. It cannot have idled longer than it has existed.
            const a = assessAccessKey("alice", key("AKIA1", "Active", 10, 200), 90, NOW)!;
            assert.equal(a.idleSince.getTime(), daysAgo(10).getTime());
            assert.equal(a.idleDays, 10);
            assert.equal(a.unused, false);
        });

        it("a stale key whose recorded use predates its creation is still unused, counted from creation", () => {
            const a = assessAccessKey("alice", key("AKIA1", "Active", 120, 300), 90, NOW)!;
            assert.deepEqual([a.idleDays, a.unused], [120, true]);
        });

        it("a last use a little after now (clock skew) is 0 days idle, never a negative idle time", () => {
            const inAMinute = new Date(NOW.getTime() + 60_000);
            const a = assessAccessKey(
                "alice",
                { accessKeyId: "AKIA1", status: "Active", createDate: daysAgo(100), lastUsed: { date: inAMinute } },
                90,
                NOW,
            )!;
            assert.equal(a.idleDays, 0);
            assert.equal(wholeDaysBetween(inAMinute, NOW), 0);
        });
    });

    describe("what the verdict reports", () => {
        it("names one credential of one user per assessment, password first", () => {
            const facts = user({
                loginProfile: { createDate: daysAgo(100) },
                accessKeys: [key("AKIA1", "Active", 100), key("AKIA2", "Inactive", 100)],
            });
            const findings = assessCredentials(facts, THRESHOLDS, NOW);
            assert.deepEqual(
                findings.map(f => (f.credential === "password" ? "password" : f.credentialId)),
                ["password", "AKIA1"],
            );
            assert.ok(findings.every(f => f.userName === "alice" && f.thresholdDays === 90));
        });

        it("keeps where a key was last used", () => {
            const a = assessAccessKey(
                "alice",
                {
                    accessKeyId: "AKIA1",
                    status: "Active",
                    createDate: daysAgo(400),
                    lastUsed: { date: daysAgo(100), serviceName: "s3", region: "eu-west-1" },
                },
                90,
                NOW,
            )!;
            assert.deepEqual(a.lastUsed, { date: daysAgo(100), serviceName: "s3", region: "eu-west-1" });
        });
    });

    describe("doubt is as narrow as what it touches", () => {
        it("a doubt covers the credential it names, or every credential of its kind, and nothing of another kind", () => {
            const key = { credential: "access-key" as const, credentialId: "AKIAODD", reason: "odd" };
            const allKeys = { credential: "access-key" as const, reason: "listing odd" };
            const password = { credential: "password" as const, reason: "odd" };
            assert.deepEqual(
                [
                    doubtCovers(key, "access-key", "AKIAODD"),
                    doubtCovers(key, "access-key", "AKIAOTHER"),
                    doubtCovers(allKeys, "access-key", "AKIAOTHER"),
                    doubtCovers(password, "password", "password"),
                    doubtCovers(password, "access-key", "AKIAODD"),
                    doubtCovers(allKeys, "password", "password"),
                ],
                [true, false, true, true, false, false],
            );
        });

        const odd = {
            credential: "access-key" as const,
            credentialId: "AKIAODD",
            errorCode: "UntrustedAnswer",
            reason: "a CreateDate of key AKIAODD that is in the future",
        };

        it("a stale key beside a doubtful one is still unused; the doubtful one is unjudged, by name", () => {
            const facts = user({ accessKeys: [key("AKIASTALE", "Active", 2500, 220)], doubts: [odd] });
            const verdict = assessKind("access-key", facts, 90, NOW);
            assert.deepEqual(
                verdict.assessments.map(a => a.credential === "access-key" && [a.credentialId, a.unused]),
                [["AKIASTALE", true]],
            );
            assert.deepEqual(verdict.unjudged, [odd]);
        });

        it("a key named by a doubt is never judged from what is left of its facts", () => {
            const lastUseDenied = { ...odd, credentialId: "AKIASTALE", reason: "access denied to iam:GetAccessKeyLastUsed" };
            const facts = user({ accessKeys: [key("AKIASTALE", "Active", 400, 200)], doubts: [lastUseDenied] });
            const verdict = assessKind("access-key", facts, 90, NOW);
            assert.deepEqual([verdict.assessments, verdict.unjudged], [[], [lastUseDenied]]);
        });

        it("a doubtful key leaves the password judged", () => {
            const facts = user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: daysAgo(200), doubts: [odd] });
            const verdict = assessKind("password", facts, 90, NOW);
            assert.deepEqual([verdict.assessments.map(a => a.unused), verdict.unjudged], [[true], []]);
        });

        it('a listing that cannot be trusted leaves every key unjudged, never "no keys"', () => {
            const all = { credential: "access-key" as const, reason: "iam:ListAccessKeys answered without IsTruncated" };
            const verdict = assessKind("access-key", user({ accessKeys: [key("AKIASTALE", "Active", 400, 200)], doubts: [all] }), 90, NOW);
            assert.deepEqual([verdict.assessments, verdict.unjudged], [[], [all]]);
        });

        it("a doubtful password is unjudged, and no assessment is made from what is left of it", () => {
            const doubt = { credential: "password" as const, reason: "access denied to iam:GetUser" };
            const verdict = assessKind("password", user({ loginProfile: { createDate: daysAgo(300) }, doubts: [doubt] }), 90, NOW);
            assert.deepEqual([verdict.assessments, verdict.unjudged], [[], [doubt]]);
        });
    });
});
