// The account usage source against the local IAM endpoint: report screening with live confirmation,
// the automatic choice, coalescing, and verdicts identical to the per-user path.
import { strict as assert } from "node:assert";
import { AccountUsageReader, READ_AHEAD_START } from "../rules/reading/account-usage-reader";
import { Thresholds } from "../rules/model/credentials";
import { SourceMode } from "../rules/config/settings";
import { UserUsage } from "../rules/iam/usage";
import { assessKind } from "../rules/kinds/kinds";
import { AccountFile, UserFile } from "../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../tools/local-iam/server";
import { requesterFor } from "./helpers/local-account";
import { IamRequester } from "../rules/iam/iam-requester";
import { credentialReportCsv } from "../tools/local-iam/credential-report-csv";
import { resolveUser } from "../tools/local-iam/account-file";

const BOTH: Thresholds = { password: 90, "access-key": 90 };

function accessFor(iam: LocalIam, source: SourceMode, extra: { reportWaitMs?: number; autoReportAfterUsers?: number } = {}) {
    return new AccountUsageReader(requesterFor(iam), {
        source,
        reportWaitMs: extra.reportWaitMs ?? 5_000,
        autoReportAfterUsers: extra.autoReportAfterUsers ?? 10,
        userDeadlineMs: 30_000,
    });
}

/** What the policies would report for a usage: the unused credentials, by key ID or "password". */
function unusedOf(usage: UserUsage, now = new Date()): string[] {
    if (usage.status !== "found") return [];
    const read = usage.facts.read;
    return [
        ...(read.password ? assessKind("password", usage.facts, 90, now).assessments : []),
        ...(read["access-key"] ? assessKind("access-key", usage.facts, 90, now).assessments : []),
    ]
        .filter(a => a.unused)
        .map(a => a.credentialId);
}

describe("account usage source", () => {
    let iam: LocalIam;
    afterEach(() => iam?.close());

    const start = async (account: AccountFile) => {
        iam = await startLocalIam(account);
        return iam;
    };

    it("report mode: a user fresh in the report costs no per-user call", async () => {
        await start({
            users: [
                {
                    userName: "fresh",
                    accessKeys: [{ accessKeyId: "AKIAFRESH00000000001", created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } }],
                },
            ],
            credentialReport: { generatedHoursAgo: 1 },
        });
        const usage = await accessFor(iam, "report").usageOf("fresh", BOTH);
        assert.equal(usage.status, "fresh-by-report");
        assert.deepEqual(Object.fromEntries(iam.calls), { GetCredentialReport: 1 });
    });

    it("10. a stale report that shows old use is confirmed live, and the live data wins", async () => {
        const key = { accessKeyId: "AKIASTALEREPORT00001", created: { daysAgo: 300 } };
        await start({
            users: [{ userName: "bob", accessKeys: [{ ...key, lastUsed: { daysAgo: 0, minutesAgo: 30, service: "s3" } }] }],
            credentialReport: {
                generatedHoursAgo: 3.9,
                users: [{ userName: "bob", accessKeys: [{ ...key, lastUsed: { daysAgo: 120 } }] }],
            },
        });
        const usage = await accessFor(iam, "report").usageOf("bob", BOTH);
        assert.equal(usage.status, "found");
        assert.deepEqual(unusedOf(usage), []);
        assert.equal(iam.calls.get("GetAccessKeyLastUsed"), 1);
    });

    it("two keys created in the same second, one stale and one fresh: the report cannot tell their slots apart, so the stale key is reported", async () => {
        // Found by the second backend (moto): the fresh slot was matched to the stale key by creation time.
        const created = "2024-06-01T12:00:00Z";
        await start({
            users: [
                {
                    userName: "twins",
                    accessKeys: [
                        { accessKeyId: "AKIATWINSSTALE000001", created, lastUsed: { daysAgo: 120, service: "s3" } },
                        { accessKeyId: "AKIATWINSFRESH000001", created, lastUsed: { daysAgo: 1, service: "s3" } },
                    ],
                },
            ],
            credentialReport: { generatedHoursAgo: 1 },
        });
        const usage = await accessFor(iam, "report").usageOf("twins", BOTH);
        assert.deepEqual(unusedOf(usage), ["AKIATWINSSTALE000001"]);
        assert.equal(iam.calls.get("GetAccessKeyLastUsed"), 2, "both keys read live");
    });

    describe("targeted confirmation: only what the report could not clear is read live", () => {
        const STALE = "AKIATARGETSTALE00001";
        const FRESH = "AKIATARGETFRESH00001";
        const account = (): AccountFile => ({
            users: [
                {
                    userName: "stale-key",
                    loginProfile: { created: { daysAgo: 400 } },
                    passwordLastUsed: { daysAgo: 2 },
                    accessKeys: [
                        { accessKeyId: STALE, created: { daysAgo: 400 }, lastUsed: { daysAgo: 120 } },
                        { accessKeyId: FRESH, created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } },
                    ],
                },
                {
                    userName: "stale-password",
                    loginProfile: { created: { daysAgo: 400 } },
                    passwordLastUsed: { daysAgo: 150 },
                    accessKeys: [{ accessKeyId: "AKIATARGETOTHER00001", created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } }],
                },
            ],
            credentialReport: { generatedHoursAgo: 1 },
        });

        it("a stale key costs ListAccessKeys and that key's GetAccessKeyLastUsed: not its fresh sibling's, not the password's", async () => {
            await start(account());
            const source = accessFor(iam, "report");
            assert.equal((await source.usageOf("stale-key", { password: 90 })).status, "fresh-by-report");
            const usage = await source.usageOf("stale-key", { "access-key": 90 });
            assert.deepEqual(unusedOf(usage), [STALE]);
            assert.deepEqual(Object.fromEntries(iam.calls), { GetCredentialReport: 1, ListAccessKeys: 1, GetAccessKeyLastUsed: 1 });
        });

        it("a stale password costs GetLoginProfile and GetUser, and no key call", async () => {
            await start(account());
            const source = accessFor(iam, "report");
            assert.deepEqual(unusedOf(await source.usageOf("stale-password", { password: 90 })), ["password"]);
            assert.equal((await source.usageOf("stale-password", { "access-key": 90 })).status, "fresh-by-report");
            assert.deepEqual(Object.fromEntries(iam.calls), { GetCredentialReport: 1, GetLoginProfile: 1, GetUser: 1 });
        });

        it("a key the report proves fresh takes the report's last use, which is never later than the live one", async () => {
            await start(account());
            const usage = await accessFor(iam, "report").usageOf("stale-key", { "access-key": 90 });
            const fresh = usage.status === "found" ? usage.facts.accessKeys.find(k => k.accessKeyId === FRESH) : undefined;
            assert.ok(fresh?.lastUsed && Date.now() - fresh.lastUsed.date.getTime() < 2 * 86_400_000);
        });

        it("facts read for one kind cannot be judged for the other: that is an error, never 'no password'", async () => {
            await start(account());
            const usage = await accessFor(iam, "report").usageOf("stale-key", { "access-key": 90 });
            assert.equal(usage.status, "found");
            assert.throws(
                () => assessKind("password", usage.status === "found" ? usage.facts : (undefined as never), 90, new Date()),
                /were not read/,
            );
        });
    });

    describe("read-ahead: confirming users before the engine asks about them", () => {
        const users = (n: number, staleEvery: number): UserFile[] =>
            Array.from({ length: n }, (_, i) => ({
                userName: `u${String(i).padStart(4, "0")}`,
                accessKeys: [
                    {
                        accessKeyId: `AKIAAHEAD${String(i).padStart(11, "0")}`,
                        created: { daysAgo: 300 },
                        lastUsed: { daysAgo: i % staleEvery === 0 ? 120 : 1 },
                    },
                ],
            }));
        const settle = () => new Promise(resolve => setTimeout(resolve, 300));

        it("once two users were asked about, the users the report cannot clear are read ahead; asking about them then costs no call", async () => {
            await start({ users: users(40, 10), credentialReport: { generatedHoursAgo: 1 } });
            const source = accessFor(iam, "report");
            await source.usageOf("u0001", { "access-key": 90 });
            await source.usageOf("u0002", { "access-key": 90 });
            await settle();
            assert.equal(iam.calls.get("ListAccessKeys"), 4, "u0000, u0010, u0020, u0030: the four stale users, none of the fresh ones");
            const before = iam.totalCalls();
            assert.deepEqual(unusedOf(await source.usageOf("u0020", { "access-key": 90 })), ["AKIAAHEAD00000000020"]);
            assert.equal(iam.totalCalls(), before, "already confirmed");
        });

        it("is bounded when the stack manages few of the account's users: at most READ_AHEAD_START users ahead", async () => {
            await start({ users: users(400, 2), credentialReport: { generatedHoursAgo: 1 } });
            const source = accessFor(iam, "report");
            await source.usageOf("u0001", { "access-key": 90 });
            await source.usageOf("u0003", { "access-key": 90 });
            await settle();
            assert.equal(iam.calls.get("ListAccessKeys"), READ_AHEAD_START, "200 stale users in the account; 8 read ahead, then it stops");
        });

        it("grows while the users it reads ahead are the ones the engine asks about", async () => {
            await start({ users: users(400, 2), credentialReport: { generatedHoursAgo: 1 } });
            const source = accessFor(iam, "report");
            for (let i = 1; i < 80; i++) await source.usageOf(`u${String(i).padStart(4, "0")}`, { "access-key": 90 });
            await settle();
            const read = iam.calls.get("ListAccessKeys") ?? 0;
            assert.ok(read > 40 + READ_AHEAD_START, `read ahead of the engine as it asked (${read} users read for 40 stale asked)`);
            assert.ok(read <= 40 + READ_AHEAD_START + 2 * 40, `and within its budget (${read})`);
        });
    });

    it("a user created since the report is read live", async () => {
        await start({
            users: [{ userName: "new-user", accessKeys: [{ accessKeyId: "AKIANEWUSER000000001", created: { daysAgo: 0 } }] }],
            credentialReport: { generatedHoursAgo: 2, users: [] },
        });
        assert.equal((await accessFor(iam, "report").usageOf("new-user", BOTH)).status, "found");
        assert.equal(iam.calls.get("ListAccessKeys"), 1);
    });

    it("generates a missing report, polling until IAM has it", async () => {
        await start({ users: [{ userName: "u" }], reportGenerationMs: 600 });
        const usage = await accessFor(iam, "report").usageOf("u", BOTH);
        assert.equal(usage.status, "fresh-by-report");
        assert.ok((iam.calls.get("GenerateCredentialReport") ?? 0) >= 2, "polled");
    });

    it("falls back to the per-user APIs when the report is not ready in time", async () => {
        await start({ users: [{ userName: "u", loginProfile: { created: { daysAgo: 200 } } }], reportGenerationMs: 60_000 });
        const usage = await accessFor(iam, "report", { reportWaitMs: 300 }).usageOf("u", BOTH);
        assert.deepEqual(unusedOf(usage), ["password"]);
    });

    it("falls back to the per-user APIs when the report is denied", async () => {
        await start({
            users: [{ userName: "u", loginProfile: { created: { daysAgo: 200 } } }],
            credentialReport: { generatedHoursAgo: 1 },
            faults: { accessDenied: [{ action: "GetCredentialReport" }] },
        });
        const usage = await accessFor(iam, "auto").usageOf("u", BOTH);
        assert.deepEqual(unusedOf(usage), ["password"]);
    });

    it("api mode never touches the report", async () => {
        await start({ users: [{ userName: "u" }], credentialReport: { generatedHoursAgo: 1 } });
        await accessFor(iam, "api").usageOf("u", BOTH);
        assert.equal(iam.calls.get("GetCredentialReport"), undefined);
    });

    it("auto mode: uses an existing report from the first user", async () => {
        await start({ users: [{ userName: "u" }], credentialReport: { generatedHoursAgo: 1 } });
        assert.equal((await accessFor(iam, "auto").usageOf("u", BOTH)).status, "fresh-by-report");
    });

    it("auto mode without a report: a few users per user, then one generated report for the rest, waited for by no user", async () => {
        const users: UserFile[] = Array.from({ length: 6 }, (_, i) => ({
            userName: `u${i}`,
            accessKeys: [{ accessKeyId: `AKIAUSER${String(i).padStart(12, "0")}`, created: { daysAgo: 300 }, lastUsed: { daysAgo: 1 } }],
        }));
        await start({ users, reportGenerationMs: 300 });
        const source = accessFor(iam, "auto", { autoReportAfterUsers: 2 });
        const statuses = [];
        for (const u of users.slice(0, 3)) statuses.push((await source.usageOf(u.userName, BOTH)).status);
        // The third user started the report and was read live meanwhile; once the report is ready, it screens.
        await new Promise(resolve => setTimeout(resolve, 1500));
        for (const u of users.slice(3)) statuses.push((await source.usageOf(u.userName, BOTH)).status);
        assert.deepEqual(statuses, ["found", "found", "found", "fresh-by-report", "fresh-by-report", "fresh-by-report"]);
        assert.equal(iam.calls.get("ListAccessKeys"), 3);
        assert.equal(iam.calls.get("GenerateCredentialReport")! >= 2, true, "the report was generated, polled in the background");
    });

    it("concurrent requests for one account share one report, and each user is read live at most once", async () => {
        const users: UserFile[] = Array.from({ length: 40 }, (_, i) => ({
            userName: `u${i}`,
            loginProfile: { created: { daysAgo: 200 } },
        }));
        await start({ users, credentialReport: { generatedHoursAgo: 1 } });
        const source = accessFor(iam, "auto");
        await Promise.all(
            users.flatMap(u => [source.usageOf(u.userName, { password: 90 }), source.usageOf(u.userName, { "access-key": 90 })]),
        );
        assert.equal(iam.calls.get("GetCredentialReport"), 1);
        assert.equal(iam.calls.get("GetLoginProfile"), 40, "never-used passwords are confirmed once per user");
    });

    it("verdicts through the report are exactly those of the per-user APIs (random account, stale report)", async () => {
        let seed = 42;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
        const ages = [0, 1, 44, 45, 89, 90, 91, 200, 900];
        const users: UserFile[] = Array.from({ length: 60 }, (_, i) => ({
            userName: pick([`user${i}`, `svc+${i}=a,b.c@d-e`]),
            loginProfile: random() < 0.5 ? { created: { daysAgo: pick(ages) } } : undefined,
            passwordLastUsed: random() < 0.6 ? { daysAgo: pick(ages) } : undefined,
            accessKeys: Array.from({ length: Math.floor(random() * 3) }, (_, k) => ({
                accessKeyId: `AKIARAND${String(i * 10 + k).padStart(12, "0")}`,
                status: random() < 0.25 ? ("Inactive" as const) : ("Active" as const),
                created: { daysAgo: pick(ages) },
                lastUsed: random() < 0.7 ? { daysAgo: pick(ages), service: "s3", region: "us-east-1" } : undefined,
            })),
        }));
        // The report is 3 hours old and shows every use 30 days earlier than it really was.
        const older = users.map(u => ({
            ...u,
            passwordLastUsed:
                u.passwordLastUsed && typeof u.passwordLastUsed === "object"
                    ? { daysAgo: (u.passwordLastUsed.daysAgo ?? 0) + 30 }
                    : u.passwordLastUsed,
            accessKeys: u.accessKeys?.map(k => ({
                ...k,
                lastUsed: k.lastUsed && "daysAgo" in k.lastUsed ? { ...k.lastUsed, daysAgo: (k.lastUsed.daysAgo ?? 0) + 30 } : k.lastUsed,
            })),
        }));
        await start({ users, credentialReport: { generatedHoursAgo: 3, users: older } });
        const viaApi = accessFor(iam, "api");
        const viaReport = accessFor(iam, "report");
        for (const u of users) {
            for (const need of [{ password: 90 }, { "access-key": 90 }] as Thresholds[]) {
                const expected = unusedOf(await viaApi.usageOf(u.userName, need)).filter(c =>
                    need.password ? c === "password" : c !== "password",
                );
                const actual = unusedOf(await viaReport.usageOf(u.userName, need)).filter(c =>
                    need.password ? c === "password" : c !== "password",
                );
                assert.deepEqual(actual, expected, `${u.userName} ${JSON.stringify(need)}`);
            }
        }
    });

    it("a reader that throws, even in the background read-ahead, ends in a handled answer: the user unavailable, the pack alive", async () => {
        // A narrow fake: the report answers; every live read fails, and describing the failure throws as a bug would,
        // so that the reader's own promise rejects.
        const now = new Date();
        const stale = (i: number): UserFile => ({
            userName: `stale-${i}`,
            accessKeys: [{ accessKeyId: `AKIASTALE${String(i).padStart(11, "0")}`, created: { daysAgo: 400 }, lastUsed: { daysAgo: 200 } }],
        });
        const csv = credentialReportCsv(
            Array.from({ length: 12 }, (_, i) => resolveUser(stale(i), now)),
            "123456789012",
            new Date("2015-01-01T00:00:00Z"),
        );
        const requester: IamRequester = {
            get timeoutSeconds(): number {
                throw new TypeError("a bug in a reader");
            },
            calls: new Map(),
            call: <T>(action: string): Promise<T> =>
                action === "GetCredentialReport"
                    ? Promise.resolve({ Content: Buffer.from(csv), GeneratedTime: new Date(now.getTime() - 3600_000) } as T)
                    : Promise.reject(new Error("no IAM here")),
        };
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on("unhandledRejection", onUnhandled);
        try {
            const reader = new AccountUsageReader(requester, {
                source: "auto",
                reportWaitMs: 0,
                autoReportAfterUsers: 10,
                userDeadlineMs: 30_000,
            });
            const first = await reader.usageOf("stale-0", { "access-key": 90 });
            const second = await reader.usageOf("stale-1", { "access-key": 90 }); // from here, read-ahead runs in the background
            await new Promise(resolve => setTimeout(resolve, 100));
            for (const usage of [first, second])
                assert.deepEqual(usage, {
                    status: "unavailable",
                    reason: `reading IAM user ${usage === first ? "stale-0" : "stale-1"} failed: a bug in a reader`,
                });
            const ahead = await reader.usageOf("stale-5", { "access-key": 90 });
            assert.deepEqual(
                ahead,
                { status: "unavailable", reason: "reading IAM user stale-5 failed: a bug in a reader" },
                "read ahead, and still a handled answer",
            );
            assert.deepEqual(unhandled, []);
        } finally {
            process.off("unhandledRejection", onUnhandled);
        }
    });
});
