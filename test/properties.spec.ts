// Properties of the code that decides verdicts, over generated accounts, credential reports and per-user answers
// (fast-check, seeded, each property within a fixed time budget):
//   - reading a report never crashes, whatever its column order, byte-order mark, line ends, quoting, boolean case,
//     dates, duplicate or cut rows;
//   - the report only ever saves calls: for any report a little older than the live data (last use only moves
//     forward), the verdicts with screening equal the verdicts from live data alone;
//   - an odd field in a per-user answer makes only its own credential unknown (all keys for a listing that cannot be
//     trusted), never a pass, and every other credential is judged as from a clean answer.
// The answers come from an in-memory stand-in for the SDK's client, so that thousands of cases run in seconds; the
// same readers against the real SDK and the local endpoint's wire format are the e2e specs' job.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { IAMClient } from "@aws-sdk/client-iam";
import { AccountUsageReader } from "../rules/reading/account-usage-reader";
import { readCredentialReport } from "../rules/iam/credential-report";
import { makeIamRequester } from "../rules/iam/iam-requester";
import { readUserUsage } from "../rules/reading/per-user-reader";
import { UserUsage } from "../rules/iam/usage";
import { CredentialKind, MS_PER_DAY, Thresholds } from "../rules/model/credentials";
import { assessKind } from "../rules/kinds/kinds";
import { REPORT_COLUMNS } from "../tools/local-iam/credential-report-csv";

/** One seed for every property: a failure is replayed by running the suite again. */
const SEED = 20_261_202;
/** Cases each property tries (the README quotes these), and the most time one property may take. */
// `npm test` tries a tenth of the cases, for a fast first run; `npm run test:slow` and CI try them all.
const FULL = process.env.UNUSED_CREDENTIALS_PROPERTY_RUNS === "full";
export const PROPERTY_RUNS = FULL ? { report: 2000, screening: 1000, answers: 2000 } : { report: 200, screening: 100, answers: 200 };
const TIME_BUDGET_MS = 20_000;
const params = (numRuns: number) => ({ seed: SEED, numRuns, interruptAfterTimeLimit: TIME_BUDGET_MS, markInterruptAsFailure: false });

const NOW = new Date("2026-11-30T12:00:00Z");
const ago = (seconds: number) => new Date(Math.floor(NOW.getTime() / 1000 - seconds) * 1000);

// ---- a live account ----------------------------------------------------------------------------------------

interface LiveKey {
    id: string;
    active: boolean;
    created: Date;
    lastUsed?: Date;
}

interface LiveUser {
    name: string;
    created: Date;
    profile?: Date;
    passwordLastUsed?: Date;
    keys: LiveKey[];
}

const secondsAgo = fc.integer({ min: 0, max: 1500 * 86_400 });

const liveUser = (index: number) =>
    fc
        .record({
            comma: fc.boolean(),
            created: secondsAgo,
            profile: fc.option(secondsAgo, { nil: undefined }),
            passwordUse: fc.option(secondsAgo, { nil: undefined }),
            keys: fc.array(fc.record({ active: fc.boolean(), created: secondsAgo, use: fc.option(secondsAgo, { nil: undefined }) }), {
                maxLength: 2,
            }),
            // Two keys created in the same second: the report's slots cannot be told apart by creation time.
            twins: fc.boolean(),
        })
        .map((u): LiveUser => ({
            // IAM user names may hold commas: the report must be read with a real CSV parser.
            name: u.comma ? `svc,${index}@corp` : `user-${index}`,
            created: ago(u.created),
            profile: u.profile === undefined ? undefined : ago(u.profile),
            passwordLastUsed: u.passwordUse === undefined ? undefined : ago(u.passwordUse),
            keys: u.keys.map((k, i) => ({
                id: `AKIA${String(index).padStart(8, "0")}PROP${i}000`,
                active: k.active,
                created: ago(u.twins ? u.keys[0].created : k.created),
                lastUsed: k.use === undefined ? undefined : ago(k.use),
            })),
        }));

const liveAccount = fc.integer({ min: 1, max: 8 }).chain(n => fc.tuple(...Array.from({ length: n }, (_, i) => liveUser(i))));

// ---- a stand-in for the SDK's IAM client, serving SDK-shaped answers ------------------------------------------

/** What can be odd about one user's answers: one field, or the key listing as a whole. */
type Oddity =
    | { on: "key-create-date" | "key-status" | "key-last-used" | "key-last-used-missing"; key: number; value: DateOddity }
    | { on: "profile" | "profile-create-date" | "user" | "password-last-used"; value: DateOddity }
    | { on: "listing"; value: "no-metadata" | "no-is-truncated" | "no-marker" | "other-user" };

const iamError = (name: string, message: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: name === "NoSuchEntityException" ? 404 : 400 } });

type DateOddity = "missing" | "future" | "garbage";

function oddDate(value: Oddity["value"]): Date | undefined {
    if (value === "missing") return undefined;
    return value === "future" ? new Date(NOW.getTime() + 30 * MS_PER_DAY) : new Date("garbage");
}

interface Served {
    client: IAMClient;
    /** Requests answered, by action. */
    calls: Map<string, number>;
}

/** The live account as IAM answers it, one page per key when `pageSize` is 1, with at most one oddity for one user. */
function serve(
    users: LiveUser[],
    options: { report?: { csv: string; generated: Date }; odd?: { user: string; oddity: Oddity }; pageSize?: number } = {},
): Served {
    const byName = new Map(users.map(u => [u.name, u]));
    const calls = new Map<string, number>();
    const odd = (user: string, on: Oddity["on"]) =>
        options.odd?.user === user && options.odd.oddity.on === on ? options.odd.oddity : undefined;
    const answer = (command: { constructor: { name: string }; input: Record<string, string | undefined> }): unknown => {
        const action = command.constructor.name.replace(/Command$/, "");
        calls.set(action, (calls.get(action) ?? 0) + 1);
        const input = command.input;
        if (action === "GetCredentialReport") {
            if (!options.report) throw iamError("CredentialReportNotPresentException", "");
            return { Content: Buffer.from(options.report.csv), GeneratedTime: options.report.generated };
        }
        if (action === "GetAccessKeyLastUsed") {
            const owner = users.find(u => u.keys.some(k => k.id === input.AccessKeyId));
            if (!owner) throw iamError("AccessDenied", "not authorized");
            const index = owner.keys.findIndex(k => k.id === input.AccessKeyId);
            const key = owner.keys[index];
            const o = odd(owner.name, "key-last-used") ?? odd(owner.name, "key-last-used-missing");
            if (o && "key" in o && o.key === index && o.on === "key-last-used-missing") return { UserName: owner.name };
            const date = o && "key" in o && o.key === index ? (oddDate(o.value) ?? new Date("garbage")) : key.lastUsed;
            return {
                UserName: owner.name,
                AccessKeyLastUsed: { LastUsedDate: date, ServiceName: date ? "s3" : "N/A", Region: date ? "us-east-1" : "N/A" },
            };
        }
        const user = byName.get(input.UserName ?? "");
        if (!user) throw iamError("NoSuchEntityException", `The user with name ${input.UserName} cannot be found.`);
        if (action === "GetLoginProfile") {
            if (!user.profile) throw iamError("NoSuchEntityException", `Login Profile for User ${user.name} cannot be found.`);
            if (odd(user.name, "profile")) return {};
            const created = odd(user.name, "profile-create-date");
            return { LoginProfile: { UserName: user.name, CreateDate: created ? oddDate(created.value) : user.profile } };
        }
        if (action === "GetUser") {
            if (odd(user.name, "user")) return {};
            const used = odd(user.name, "password-last-used");
            return {
                User: {
                    Path: "/",
                    UserName: user.name,
                    UserId: `AIDA${user.name
                        .replace(/[^A-Za-z0-9]/g, "")
                        .toUpperCase()
                        .padEnd(17, "X")}`,
                    Arn: `arn:aws:iam::123456789012:user/${user.name}`,
                    CreateDate: user.created,
                    PasswordLastUsed: used ? (oddDate(used.value) ?? new Date("garbage")) : user.passwordLastUsed,
                },
            };
        }
        if (action === "ListAccessKeys") {
            const listing = odd(user.name, "listing");
            const members = user.keys.map((k, i) => {
                const date = odd(user.name, "key-create-date");
                const status = odd(user.name, "key-status");
                return {
                    UserName: listing?.value === "other-user" ? "mallory" : user.name,
                    AccessKeyId: k.id,
                    Status:
                        status && "key" in status && status.key === i
                            ? status.value === "missing"
                                ? undefined
                                : "Expired"
                            : k.active
                              ? "Active"
                              : "Inactive",
                    CreateDate: date && "key" in date && date.key === i ? oddDate(date.value) : k.created,
                };
            });
            if (listing?.value === "no-metadata") return { IsTruncated: false };
            const size = options.pageSize ?? 100;
            const start = Number(input.Marker ?? 0);
            const page = members.slice(start, start + size);
            const truncated = start + size < members.length;
            // IsTruncated left out, as IAM's model allows (false when absent); a truncated page still carries its Marker.
            if (listing?.value === "no-is-truncated")
                return { AccessKeyMetadata: page, Marker: truncated ? String(start + size) : undefined };
            return {
                AccessKeyMetadata: page,
                IsTruncated: truncated || listing?.value === "no-marker",
                Marker: truncated && listing?.value !== "no-marker" ? String(start + size) : undefined,
            };
        }
        throw new Error(`the stand-in does not serve ${action}`);
    };
    // Every throw above is a rejection, as the SDK's errors are.
    const send = (command: Parameters<typeof answer>[0]) => Promise.resolve().then(() => answer(command));
    return { client: { send } as unknown as IAMClient, calls };
}

const requester = (served: Served) => makeIamRequester(served.client, { maxInFlight: 8, timeoutMs: 5_000 });

// ---- verdicts as comparable text ------------------------------------------------------------------------------

/** What the judging policies would decide for one user and kind: the unused credentials and the unjudged ones. */
function verdictOf(usage: UserUsage, kind: CredentialKind, days: number): string[] {
    if (usage.status === "fresh-by-report") return [];
    if (usage.status === "no-such-user") return ["not in IAM"];
    if (usage.status === "unavailable") return [`unavailable ${kind}`];
    const verdict = assessKind(kind, usage.facts, days, NOW);
    return [
        ...verdict.assessments.filter(a => a.unused).map(a => `unused ${a.credentialId}`),
        ...verdict.unjudged.map(u => `unjudged ${u.credentialId ?? u.credential}`),
    ].sort();
}

// ---- a credential report, rendered as untidy as real ones --------------------------------------------------------

const reportTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The account as a report generated at `generated` could show it: older last uses, keys and users made since missing. */
const snapshotOf = (users: LiveUser[], generated: Date) =>
    fc
        .tuple(
            ...users.map(u =>
                fc
                    .record({
                        // How much older the report's view of each use is (0: the same), and whether it saw it at all.
                        passwordLag: fc.option(fc.integer({ min: 0, max: 400 * 86_400 }), { nil: undefined }),
                        keyLags: fc.array(fc.option(fc.integer({ min: 0, max: 400 * 86_400 }), { nil: undefined }), {
                            minLength: 2,
                            maxLength: 2,
                        }),
                        keyActive: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
                    })
                    .map(view => ({ user: u, view })),
            ),
        )
        .map(views =>
            views
                .filter(({ user }) => user.created.getTime() <= generated.getTime())
                .map(({ user, view }) => {
                    const seen = (date: Date | undefined, lag: number | undefined) => {
                        if (date === undefined || lag === undefined) return undefined;
                        const shown = new Date(Math.min(date.getTime(), generated.getTime()) - lag * 1000);
                        return shown.getTime() < new Date("2010-01-01").getTime() ? undefined : shown;
                    };
                    const profile = user.profile && user.profile.getTime() <= generated.getTime() ? user.profile : undefined;
                    const keys = user.keys
                        .filter(k => k.created.getTime() <= generated.getTime())
                        .sort((a, b) => a.created.getTime() - b.created.getTime())
                        // The report may show a key inactive that is active now (re-activated since), or the other way round.
                        .map((k, i) => ({ active: view.keyActive[i], created: k.created, lastUsed: seen(k.lastUsed, view.keyLags[i]) }));
                    const row: Record<string, string> = {
                        user: user.name,
                        arn: `arn:aws:iam::123456789012:user/${user.name}`,
                        user_creation_time: reportTime(user.created),
                        password_enabled: String(Boolean(profile)),
                        password_last_used: profile
                            ? seen(user.passwordLastUsed, view.passwordLag)
                                ? reportTime(seen(user.passwordLastUsed, view.passwordLag)!)
                                : "no_information"
                            : "N/A",
                        password_last_changed: profile ? reportTime(profile) : "N/A",
                    };
                    for (const slot of [0, 1]) {
                        const key = keys[slot];
                        row[`access_key_${slot + 1}_active`] = String(Boolean(key?.active));
                        row[`access_key_${slot + 1}_last_rotated`] = key ? reportTime(key.created) : "N/A";
                        row[`access_key_${slot + 1}_last_used_date`] = key?.lastUsed ? reportTime(key.lastUsed) : "N/A";
                    }
                    return row;
                }),
        );

/** A live account and a report of it: generated up to 4 hours ago as IAM keeps them, or (untrusted) up to 500 days ago. */
const reported = fc
    .tuple(liveAccount, fc.oneof(fc.integer({ min: 0, max: 4 * 3600 }), fc.integer({ min: 0, max: 500 * 86_400 })))
    .chain(([users, hours]) => snapshotOf(users, ago(hours)).map(rows => ({ users, generated: ago(hours), rows })));

/** How a report's text may be untidy, and one row made doubtful on purpose. */
const untidy = fc.record({
    bom: fc.boolean(),
    crlf: fc.boolean(),
    quoteAll: fc.boolean(),
    upperBooleans: fc.constantFrom("lower", "upper", "title"),
    order: fc.array(fc.nat(), { minLength: REPORT_COLUMNS.length, maxLength: REPORT_COLUMNS.length }),
    doubtful: fc.option(
        fc.record({ row: fc.nat(), how: fc.constantFrom("cut", "duplicate", "boolean", "after-generation", "other-arn", "garbage-date") }),
        { nil: undefined },
    ),
});

type Untidy = typeof untidy extends fc.Arbitrary<infer T> ? T : never;

function render(rows: Record<string, string>[], generated: Date, style: Untidy): string {
    const columns = REPORT_COLUMNS.map((c, i) => ({ c, k: style.order[i] }))
        .sort((a, b) => a.k - b.k || a.c.localeCompare(b.c))
        .map(x => x.c);
    const bool = (v: string) =>
        style.upperBooleans === "upper" ? v.toUpperCase() : style.upperBooleans === "title" ? v[0].toUpperCase() + v.slice(1) : v;
    const field = (v: string) => (style.quoteAll || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = rows.map(row => ({ ...row }));
    const doubt = style.doubtful && lines.length ? style.doubtful : undefined;
    if (doubt) {
        const row = lines[doubt.row % lines.length];
        if (doubt.how === "boolean") row.password_enabled = "yes";
        if (doubt.how === "after-generation") row.access_key_1_last_rotated = reportTime(new Date(generated.getTime() + 3 * 86_400_000));
        if (doubt.how === "other-arn") row.arn = "arn:aws:iam::123456789012:user/somebody-else";
        if (doubt.how === "garbage-date") row.password_last_used = "last Tuesday";
        if (doubt.how === "duplicate") lines.push({ ...row, password_enabled: "false", password_last_used: "N/A" });
    }
    const text = lines.map(row => {
        const values = columns.map(c => {
            const v = row[c] ?? "N/A";
            return c.endsWith("_active") || c === "password_enabled" || c === "mfa_active" ? bool(v) : v;
        });
        return (doubt?.how === "cut" && row === lines[doubt.row % lines.length] ? values.slice(0, 6) : values).map(field).join(",");
    });
    const eol = style.crlf ? "\r\n" : "\n";
    return `${style.bom ? "\uFEFF" : ""}${[columns.map(field).join(","), ...text].join(eol)}`;
}

// ---- the properties ------------------------------------------------------------------------------------------

describe("properties of the verdict's inputs (fast-check)", function () {
    this.timeout(4 * TIME_BUDGET_MS);

    it(`reading a credential report never crashes, however untidy (${PROPERTY_RUNS.report} cases)`, () => {
        fc.assert(
            fc.property(reported, untidy, fc.option(fc.string(), { nil: undefined }), ({ generated, rows }, style, junk) => {
                const csv =
                    junk === undefined ? render(rows, generated, style) : render(rows, generated, style).slice(0, junk.length * 7) + junk;
                const reading = readCredentialReport(csv, generated, NOW);
                assert.ok(reading.status === "ok" || reading.status === "unusable");
                if (reading.status === "ok")
                    for (const row of reading.report.rows.values()) assert.ok(row.doubt !== undefined || row.keys.length <= 2);
            }),
            params(PROPERTY_RUNS.report),
        );
    });

    it(`the report only ever saves calls: screening gives the verdicts of live data alone (${PROPERTY_RUNS.screening} cases)`, async () => {
        await fc.assert(
            fc.asyncProperty(
                reported,
                untidy,
                fc.integer({ min: 1, max: 400 }),
                fc.integer({ min: 1, max: 400 }),
                async ({ users, generated, rows }, style, passwordDays, keyDays) => {
                    const report = { csv: render(rows, generated, style), generated };
                    const settings = { reportWaitMs: 0, autoReportAfterUsers: 0, userDeadlineMs: 30_000 };
                    const screened = new AccountUsageReader(
                        requester(serve(users, { report })),
                        { ...settings, source: "report" },
                        { now: () => NOW, warn: () => undefined },
                    );
                    const live = new AccountUsageReader(requester(serve(users)), { ...settings, source: "api" }, { now: () => NOW });
                    const need: Thresholds = { password: passwordDays, "access-key": keyDays };
                    for (const user of [...users.map(u => u.name), "not-in-iam"]) {
                        for (const kind of ["password", "access-key"] as const) {
                            const days = need[kind]!;
                            assert.deepEqual(
                                verdictOf(await screened.usageOf(user, { [kind]: days }), kind, days),
                                verdictOf(await live.usageOf(user, { [kind]: days }), kind, days),
                                `${user} ${kind} at ${days} days`,
                            );
                        }
                    }
                },
            ),
            params(PROPERTY_RUNS.screening),
        );
    });

    const oddity: fc.Arbitrary<Oddity> = fc.oneof(
        fc.record({
            on: fc.constantFrom(
                "key-create-date" as const,
                "key-status" as const,
                "key-last-used" as const,
                "key-last-used-missing" as const,
            ),
            key: fc.integer({ min: 0, max: 1 }),
            value: fc.constantFrom("missing" as const, "future" as const, "garbage" as const),
        }),
        fc.record({
            on: fc.constantFrom("profile" as const, "profile-create-date" as const, "user" as const, "password-last-used" as const),
            value: fc.constantFrom("missing" as const, "future" as const, "garbage" as const),
        }),
        fc.record({
            on: fc.constant("listing" as const),
            value: fc.constantFrom("no-metadata" as const, "no-is-truncated" as const, "no-marker" as const, "other-user" as const),
        }),
    );

    it(`an odd field makes only its own credential unknown, never a pass (${PROPERTY_RUNS.answers} cases)`, async () => {
        await fc.assert(
            fc.asyncProperty(
                liveUser(0),
                oddity,
                fc.integer({ min: 1, max: 400 }),
                fc.constantFrom(1, 100),
                async (user, odd, days, pageSize) => {
                    const clean = await readUserUsage(requester(serve([user], { pageSize })), user.name, { now: () => NOW });
                    const read = await readUserUsage(
                        requester(serve([user], { pageSize, odd: { user: user.name, oddity: odd } })),
                        user.name,
                        { now: () => NOW },
                    );
                    assert.equal(clean.status, "found");
                    assert.equal(read.status, "found", JSON.stringify(read));
                    if (clean.status !== "found" || read.status !== "found") return;
                    // Which credential the oddity touches, if the answer it changes is one the reader uses.
                    const keyOf = (i: number) => user.keys[i];
                    const touchedKey = "key" in odd ? keyOf(odd.key) : undefined;
                    const keyRead =
                        touchedKey &&
                        (odd.on === "key-status" || odd.on === "key-create-date"
                            ? true
                            : touchedKey.active && odd.on.startsWith("key-last-used"));
                    const touchesKey = Boolean(keyRead) && !(odd.on === "key-create-date" && !touchedKey!.active);
                    const touchesPassword = ["profile", "profile-create-date"].includes(odd.on)
                        ? Boolean(user.profile)
                        : ["user", "password-last-used"].includes(odd.on) && Boolean(user.profile);
                    const touchesListing =
                        odd.on === "listing" &&
                        (odd.value === "no-metadata" ||
                            (odd.value === "no-is-truncated" ? pageSize < user.keys.length : user.keys.length > 0));
                    for (const kind of ["password", "access-key"] as const) {
                        const before = assessKind(kind, clean.facts, days, NOW);
                        const after = assessKind(kind, read.facts, days, NOW);
                        const id = (a: { credentialId: string }) => a.credentialId;
                        const unknown = new Set(
                            after.unjudged.map(u => u.credentialId ?? (u.credential === "access-key" ? "all keys" : "password")),
                        );
                        for (const a of before.assessments) {
                            const touched =
                                kind === "password"
                                    ? touchesPassword
                                    : touchesListing || (touchesKey && a.credential === "access-key" && a.credentialId === touchedKey!.id);
                            if (touched) {
                                // Never a pass: what the oddity touched is unknown, never judged from the odd answer.
                                assert.ok(unknown.has(id(a)) || unknown.has("all keys"), `${id(a)} after ${JSON.stringify(odd)}`);
                                assert.ok(!after.assessments.some(b => id(b) === id(a)));
                            } else {
                                // Every other credential is judged exactly as from the clean answer.
                                assert.deepEqual(
                                    after.assessments.find(b => id(b) === id(a)),
                                    a,
                                    `${id(a)} after ${JSON.stringify(odd)}`,
                                );
                            }
                        }
                        // Nothing is invented: every assessment after the oddity was also made from the clean answer.
                        for (const b of after.assessments)
                            assert.ok(
                                before.assessments.some(a => id(a) === id(b)),
                                `${id(b)} invented after ${JSON.stringify(odd)}`,
                            );
                        if (kind === "password" && !touchesPassword) assert.deepEqual(after.unjudged, []);
                    }
                },
            ),
            params(PROPERTY_RUNS.answers),
        );
    });
});
