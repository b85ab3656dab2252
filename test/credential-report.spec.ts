// The credential report: parsed with a real CSV parser, validated as untrusted input, and the pure
// screening rule. A report may only ever save calls: a doubtful row means a live read, a doubtful report
// is not used at all.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CredentialReport, readCredentialReport, ReportRow, rowsSetAside } from "../rules/iam/credential-report";
import { keySlotsProvenFresh } from "../rules/kinds/iam-user-unused-access-key";
import { provenFreshByReport } from "../rules/kinds/kinds";
import { MS_PER_DAY } from "../rules/model/credentials";
import { credentialReportCsv, REPORT_COLUMNS } from "../tools/local-iam/credential-report-csv";
import { resolveUser } from "../tools/local-iam/account-file";

const NOW = new Date("2026-11-30T12:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * MS_PER_DAY);
/** A report timestamp (`+00:00`, whole seconds) d days before NOW. */
const iso = (d: number) => daysAgo(d).toISOString().replace(".000Z", "+00:00");
const GENERATED = new Date(NOW.getTime() - 3 * 3600_000); // a report 3 hours old

function row(overrides: Partial<ReportRow>): ReportRow {
    return { userName: "alice", passwordEnabled: false, keys: [], ...overrides };
}
const report = { generated: GENERATED, rows: new Map() };

function usable(reading: ReturnType<typeof readCredentialReport>): CredentialReport {
    assert.equal(reading.status, "ok", JSON.stringify(reading));
    return reading.report;
}

describe("credential report", () => {
    describe("rows set aside, counted by cause (the one line per account)", () => {
        it("counts the doubtful rows by cause, the most common first, with the first row of each as its example", () => {
            const cells = (user: string, passwordLastUsed: string, keyUsed = "N/A") => {
                const c: Record<string, string> = {
                    user,
                    arn: `arn:aws:iam::123456789012:user/${user}`,
                    password_enabled: passwordLastUsed === "N/A" ? "false" : "true",
                    password_last_used: passwordLastUsed,
                    access_key_1_active: keyUsed === "N/A" ? "false" : "true",
                    access_key_1_last_rotated: keyUsed === "N/A" ? "N/A" : iso(300),
                    access_key_1_last_used_date: keyUsed,
                    access_key_2_active: "false",
                };
                return REPORT_COLUMNS.map(col => c[col] ?? "N/A").join(",");
            };
            const csv = [
                REPORT_COLUMNS.join(","),
                // The rarer cause first: the line still leads with the commoner one.
                cells("odd", "N/A", "not_supported"),
                cells("clean", iso(5)),
                cells("future-a", iso(-1)),
                cells("future-b", iso(-2)),
            ].join("\n");
            const counted = rowsSetAside(usable(readCredentialReport(csv, GENERATED, NOW)));
            assert.deepEqual(counted, {
                rows: 4,
                setAside: 3,
                causes: [
                    {
                        kind: "after-generated",
                        rows: 2,
                        example: `future-a: password_last_used "${iso(-1)}" is after the report was generated`,
                    },
                    { kind: "not-a-date", rows: 1, example: 'odd: access_key_1_last_used_date "not_supported" is not a date' },
                ],
            });
        });

        it("a report without doubtful rows sets none aside", () => {
            assert.deepEqual(rowsSetAside({ generated: GENERATED, rows: new Map([["alice", row({})]]) }), {
                rows: 1,
                setAside: 0,
                causes: [],
            });
        });
    });

    describe("key slots proven fresh", () => {
        const slot = (n: 1 | 2, rotated: Date) => ({ slot: n, active: true, lastRotated: rotated, lastUsed: daysAgo(1) });
        it("two slots created a second apart can be told apart: both fresh slots prove their keys fresh", () => {
            const rotated = daysAgo(300);
            const keys = [slot(1, rotated), slot(2, new Date(rotated.getTime() + 1000))];
            assert.equal(keySlotsProvenFresh(row({ keys }), 90, NOW).length, 2);
        });
        it("two slots created in the same second cannot: neither proves anything", () => {
            const rotated = daysAgo(300);
            const keys = [slot(1, rotated), slot(2, new Date(rotated.getTime() + 999))];
            assert.deepEqual(keySlotsProvenFresh(row({ keys }), 90, NOW), []);
        });
    });

    describe("parsing", () => {
        const csv = credentialReportCsv(
            [
                resolveUser(
                    {
                        userName: "svc,deploy@corp",
                        loginProfile: { created: { daysAgo: 50 } },
                        passwordLastUsed: { daysAgo: 7 },
                        accessKeys: [
                            { accessKeyId: "AKIA0000000000000002", created: { daysAgo: 10 } },
                            {
                                accessKeyId: "AKIA0000000000000001",
                                status: "Inactive",
                                created: { daysAgo: 400 },
                                lastUsed: { daysAgo: 300, service: "s3" },
                            },
                        ],
                    },
                    NOW,
                ),
                resolveUser({ userName: "Bob", loginProfile: { created: { daysAgo: 5 } } }, NOW),
            ],
            "111122223333",
            new Date("2015-01-01T00:00:00Z"),
        );
        const parsed = usable(readCredentialReport(csv, GENERATED, NOW));

        it("9. skips the <root_account> row", () => {
            assert.deepEqual([...parsed.rows.values()].map(r => r.userName).sort(), ["Bob", "svc,deploy@corp"]);
        });

        it("12. reads a user name with a comma as one field", () => {
            const r = parsed.rows.get("svc,deploy@corp")!;
            assert.equal(r.passwordEnabled, true);
            assert.equal(r.passwordLastUsed?.toISOString(), daysAgo(7).toISOString());
        });

        it("11. keeps key slots in creation order with last_rotated as the key's CreateDate", () => {
            const r = parsed.rows.get("svc,deploy@corp")!;
            assert.deepEqual(
                r.keys.map(k => [k.slot, k.active, k.lastRotated.toISOString(), k.lastUsed?.toISOString()]),
                [
                    [1, false, daysAgo(400).toISOString(), daysAgo(300).toISOString()],
                    [2, true, daysAgo(10).toISOString(), undefined],
                ],
            );
        });

        it("no_information is never used; users are found case-insensitively", () => {
            const bob = parsed.rows.get("bob")!;
            assert.equal(bob.passwordEnabled, true);
            assert.equal(bob.passwordLastUsed, undefined);
            assert.deepEqual(bob.keys, []);
        });
    });

    describe("screening: what the report alone proves fresh", () => {
        const key = (active: boolean, rotatedDaysAgo: number, usedDaysAgo?: number) => ({
            slot: 1 as const,
            active,
            lastRotated: daysAgo(rotatedDaysAgo),
            lastUsed: usedDaysAgo === undefined ? undefined : daysAgo(usedDaysAgo),
        });

        it("10. a key used within the threshold in the report is fresh now (last use only moves forward)", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 30)] }), report, { "access-key": 90 }, NOW), true);
        });

        it("10. a key that looks unused in the report must be confirmed live", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 120)] }), report, { "access-key": 90 }, NOW), false);
        });

        it("1. a never-used active key is never proven fresh by the report", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 2)] }), report, { "access-key": 90 }, NOW), false);
        });

        it("3. an old inactive key must be confirmed: it may have been re-activated since the report", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(false, 900, 800)] }), report, { "access-key": 90 }, NOW), false);
            assert.equal(provenFreshByReport(row({ keys: [key(false, 900, 10)] }), report, { "access-key": 90 }, NOW), true);
        });

        it("a password used within the threshold is fresh; never used or stale needs confirmation", () => {
            assert.equal(
                provenFreshByReport(row({ passwordEnabled: true, passwordLastUsed: daysAgo(10) }), report, { password: 90 }, NOW),
                true,
            );
            assert.equal(provenFreshByReport(row({ passwordEnabled: true }), report, { password: 90 }, NOW), false);
            assert.equal(
                provenFreshByReport(row({ passwordEnabled: true, passwordLastUsed: daysAgo(100) }), report, { password: 90 }, NOW),
                false,
            );
        });

        it("5. no password in the report: any password now is younger than the report", () => {
            assert.equal(
                provenFreshByReport(row({ passwordEnabled: false, passwordLastUsed: daysAgo(400) }), report, { password: 1 }, NOW),
                true,
            );
        });

        it("7. exactly at the threshold is not proven fresh (inclusive boundary)", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 90)] }), report, { "access-key": 90 }, NOW), false);
        });

        it("a report older than the key threshold proves no key fresh: a key created since is not in it", () => {
            const old = { generated: daysAgo(100), rows: new Map() };
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 1)] }), old, { "access-key": 90 }, NOW), false);
            assert.equal(provenFreshByReport(row({ keys: [] }), old, { "access-key": 90 }, NOW), false);
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 1)] }), old, { "access-key": 120 }, NOW), true);
        });

        it("only the credentials asked about need proving", () => {
            const stalePassword = row({ passwordEnabled: true, passwordLastUsed: daysAgo(300), keys: [key(true, 400, 1)] });
            assert.equal(provenFreshByReport(stalePassword, report, { "access-key": 90 }, NOW), true);
            assert.equal(provenFreshByReport(stalePassword, report, { password: 90 }, NOW), false);
            assert.equal(provenFreshByReport(stalePassword, report, {}, NOW), true);
        });
    });

    describe("untidy reports (as real ones are)", () => {
        const H = REPORT_COLUMNS.join(",");
        const ARN = "arn:aws:iam::111122223333:user/";
        // alice: password used 10 days ago, one key used 5 days ago.
        const alice = (bool = "true") =>
            `alice,${ARN}alice,2020-01-01T00:00:00+00:00,${bool},${iso(10)},2020-01-01T00:00:00+00:00,N/A,false,` +
            `${bool},2020-01-01T00:00:00+00:00,${iso(5)},us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
        const read = (csv: string, generated: Date | undefined = GENERATED) => readCredentialReport(csv, generated, NOW);
        const rowOf = (csv: string, user = "alice") => usable(read(csv)).rows.get(user)!;

        it("reads a UTF-8 byte-order mark and CRLF line ends", () => {
            const row = rowOf(`\uFEFF${H}\r\n${alice()}\r\n`);
            assert.equal(row.doubt, undefined);
            assert.equal(row.passwordEnabled, true);
            assert.equal(provenFreshByReport(row, report, { password: 90, "access-key": 90 }, NOW), true);
        });

        it("reads TRUE/FALSE as the IAM user guide spells them: a stale password is not taken for no password", () => {
            const staleUpper = `bob,${ARN}bob,2020-01-01T00:00:00+00:00,TRUE,${iso(200)},2020-01-01T00:00:00+00:00,N/A,FALSE,FALSE,N/A,N/A,N/A,N/A,FALSE,N/A,N/A,N/A,N/A,FALSE,N/A,FALSE,N/A`;
            const row = rowOf(`${H}\n${staleUpper}`, "bob");
            assert.equal(row.passwordEnabled, true);
            assert.equal(provenFreshByReport(row, report, { password: 90 }, NOW), false, "confirmed live, never cleared");
        });

        it("reads columns in any order, and ignores extra columns", () => {
            const columns = [...REPORT_COLUMNS].reverse();
            const values = alice().split(",").reverse();
            const row = rowOf(`${[...columns, "future_column"].join(",")}\n${[...values, "x"].join(",")}`);
            assert.equal(row.passwordEnabled, true);
            assert.equal(row.keys.length, 1);
            assert.equal(row.keys[0].lastUsed?.toISOString(), daysAgo(5).toISOString());
        });

        it("a user listed twice is doubtful, whatever either row says", () => {
            const row = rowOf(`${H}\n${alice()}\n${alice()}`);
            assert.equal(row.doubt, "the user is listed twice in the report");
            assert.equal(provenFreshByReport(row, report, { password: 90 }, NOW), false);
        });

        it("a row cut short is doubtful, and the rows after it still count", () => {
            const short = alice()
                .split(",")
                .slice(0, 9)
                .join(",")
                .replace(/^alice/, "carl")
                .replace("user/alice", "user/carl");
            const parsed = usable(read(`${H}\n${short}\n${alice()}`));
            assert.match(parsed.rows.get("carl")!.doubt ?? "", /its row has 9 fields, the header 22/);
            assert.equal(parsed.rows.get("alice")!.doubt, undefined);
        });

        it("a date after the report was generated, or a boolean that is neither, makes the row doubtful", () => {
            const future = alice().replace(iso(5), new Date(GENERATED.getTime() + 3600_000).toISOString().replace(".000Z", "+00:00"));
            assert.match(rowOf(`${H}\n${future}`).doubt ?? "", /access_key_1_last_used_date .* is after the report was generated/);
            assert.match(rowOf(`${H}\n${alice("yes")}`).doubt ?? "", /access_key_1_active is "yes", not true or false/);
            assert.match(
                rowOf(`${H}\n${alice().replace(iso(10), "last tuesday")}`).doubt ?? "",
                /password_last_used "last tuesday" is not a date/,
            );
        });

        it("an active key without a creation date, or a row whose ARN names someone else, is doubtful", () => {
            assert.match(
                rowOf(`${H}\n${alice().replace("true,2020-01-01T00:00:00+00:00,", "true,N/A,")}`).doubt ?? "",
                /access key 1 is active but has no access_key_1_last_rotated/,
            );
            assert.equal(
                rowOf(`${H}\n${alice().replace("user/alice", "user/mallory")}`).doubt,
                `its arn "${ARN}mallory" does not name the user`,
            );
        });

        describe("dates as IAM writes them, and nothing else", () => {
            const withLastUse = (value: string) => rowOf(`${H}\n${alice().replace(iso(5), value)}`);
            for (const accepted of ["2026-11-25T09:37:00+00:00", "2026-11-25T09:37:00Z", "2026-11-25T10:37:00+01:00"]) {
                it(`${accepted} is a date`, () => {
                    const row = withLastUse(accepted);
                    assert.equal(row.doubt, undefined);
                    assert.equal(row.keys[0].lastUsed?.toISOString(), "2026-11-25T09:37:00.000Z");
                });
            }
            for (const doubtful of [
                "x2026-11-25T09:37:00+00:00",
                "2026-11-25T09:37:00+00:00x",
                "2026-11-25T09:37+00:00",
                "2026-11-25T09:37:00.5+00:00",
                "2026-11-25T09:37:00+0000",
                "2026-11-25",
                "2026-13-45T09:37:00+00:00",
                "not_supported",
                "",
            ]) {
                it(`${JSON.stringify(doubtful)} makes the row doubtful, naming the column`, () => {
                    assert.equal(withLastUse(doubtful).doubt, `access_key_1_last_used_date ${JSON.stringify(doubtful)} is not a date`);
                });
            }
            it("a date before AWS existed makes the row doubtful; AWS's first day does not", () => {
                assert.equal(
                    withLastUse("1970-01-01T00:00:00+00:00").doubt,
                    `access_key_1_last_used_date "1970-01-01T00:00:00+00:00" predates AWS`,
                );
                assert.equal(
                    withLastUse("2005-12-31T23:59:59+00:00").doubt,
                    `access_key_1_last_used_date "2005-12-31T23:59:59+00:00" predates AWS`,
                );
                assert.equal(withLastUse("2006-01-01T00:00:00+00:00").doubt, undefined);
            });
            it("a date up to five minutes after the report was generated is clock skew; later is doubtful", () => {
                const at = (ms: number) => new Date(GENERATED.getTime() + ms).toISOString().replace(".000Z", "+00:00");
                assert.equal(withLastUse(at(4 * 60_000)).doubt, undefined);
                assert.equal(withLastUse(at(5 * 60_000)).doubt, undefined, "exactly five minutes");
                assert.equal(
                    withLastUse(at(5 * 60_000 + 1000)).doubt,
                    `access_key_1_last_used_date ${JSON.stringify(at(5 * 60_000 + 1000))} is after the report was generated`,
                );
                assert.equal(
                    withLastUse(at(6 * 60_000)).doubt,
                    `access_key_1_last_used_date ${JSON.stringify(at(6 * 60_000))} is after the report was generated`,
                );
            });
        });

        it("names the column of a value that is not what it promises", () => {
            assert.equal(
                rowOf(`${H}\n${alice().replace("true,2020-01-01T00:00:00+00:00,", "true,yesterday,")}`).doubt,
                `access_key_1_last_rotated "yesterday" is not a date`,
            );
            assert.equal(
                rowOf(`${H}\n${alice().replace(",true,", ",enabled,")}`).doubt,
                `password_enabled is "enabled", not true or false`,
            );
        });

        it("a password enabled with password_last_used N/A (IAM's word for no password) is doubtful", () => {
            const row = rowOf(`${H}\n${alice().replace(iso(10), "N/A")}`);
            assert.equal(row.doubt, "password_enabled is true but password_last_used is N/A");
            assert.equal(provenFreshByReport(row, report, { password: 90 }, NOW), false);
        });

        it("a header and fields padded with spaces, and upper-case column names, are read", () => {
            const padded = alice()
                .split(",")
                .map(v => ` ${v} `)
                .join(",");
            const row = rowOf(`${REPORT_COLUMNS.map(c => ` ${c.toUpperCase()} `).join(",")}\n${padded}`);
            assert.equal(row.doubt, undefined);
            assert.equal(row.passwordLastUsed?.toISOString(), daysAgo(10).toISOString());
        });

        it("the account comes from the ARNs of any partition; a row with an anonymised ARN does not make the report mix accounts", () => {
            const cn = usable(read(`${H}\n${alice().replace("arn:aws:iam::", "arn:aws-cn:iam::")}`));
            assert.equal(cn.accountId, "111122223333");
            const anonymised = alice().replace(/^alice,arn:aws:iam::111122223333:user\/alice/, "zoe,arn:aws:iam::fakearn:user/zoe");
            const mixed = usable(read(`${H}\n${alice()}\n${anonymised}`));
            assert.equal(mixed.accountId, "111122223333");
            assert.equal(mixed.rows.get("zoe")!.doubt, undefined);
            assert.equal(
                read(`${H}\nzoe,xarn:aws:iam::999999999999:user/zoe${alice().slice(alice().indexOf(",2020"))}\n${alice()}`).status,
                "ok",
                "only an ARN that starts like one names an account",
            );
        });

        it("reads a quoted user name with a comma and a quote in it as one field", () => {
            const name = 'svc,"ops"';
            const quoted = alice().replace(
                /^alice,arn:aws:iam::111122223333:user\/alice/,
                `"svc,""ops""","${ARN}${name.replace(/"/g, '""')}"`,
            );
            assert.equal(rowOf(`${H}\n${quoted}`, name).doubt, undefined);
        });

        const unusable: [string, string, Date | undefined, RegExp][] = [
            ["not CSV at all", "<html><body>Service Unavailable</body></html>", GENERATED, /lacks the columns user, arn, password_enabled/],
            ["empty", "", GENERATED, /^it is empty$/],
            ["with only blank lines", "\n\n", GENERATED, /^it is empty$/],
            [
                "missing a column it needs",
                H.replace(",access_key_2_last_used_date", ""),
                GENERATED,
                /lacks the column access_key_2_last_used_date$/,
            ],
            ["a header naming a column twice", `${H},user\n`, GENERATED, /a column appears twice/],
            ["unbalanced quotes", `${H}\n"alice,${ARN}alice`, GENERATED, /^it is not CSV \(Quote Not Closed: .*\)$/],
            ["without GeneratedTime", `${H}\n${alice()}`, undefined, /it has no GeneratedTime/],
            ["generated in the future", `${H}\n${alice()}`, new Date(NOW.getTime() + 3600_000), /its GeneratedTime is in the future/],
            [
                "mixing two accounts",
                `${H}\n${alice()}\n${alice().replace(/alice/g, "zoe").replace("111122223333", "999988887777")}`,
                GENERATED,
                /mixes accounts 111122223333 and 999988887777/,
            ],
        ];
        for (const [what, csv, generated, reason] of unusable) {
            it(`a report ${what} is set aside as a whole`, () => {
                const reading = readCredentialReport(csv, generated, NOW);
                assert.equal(reading.status, "unusable");
                assert.match(reading.status === "unusable" ? reading.reason : "", reason);
            });
        }
    });

    describe("recorded reports of real accounts (test/fixtures/credential-reports)", () => {
        const fixture = (name: string) =>
            fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "credential-reports", name), "utf8");
        /** Which credentials the report alone clears, by user, at a threshold, judged at `now`. */
        function cleared(csv: string, generated: string, now: string, days: number): Record<string, string[]> {
            const parsed = usable(readCredentialReport(csv, new Date(generated), new Date(now)));
            const out: Record<string, string[]> = {};
            for (const row of parsed.rows.values()) {
                assert.equal(row.doubt, undefined, `${row.userName}: ${row.doubt}`);
                out[row.userName] = (["password", "access-key"] as const).filter(need =>
                    provenFreshByReport(row, parsed, { [need]: days }, new Date(now)),
                );
            }
            return out;
        }

        it("guardian/security-hq: the root row is skipped, a deleted password is no password, stale and inactive keys are confirmed live", () => {
            // Generated just after its latest date (2017-08-30), judged two days later at 90 days:
            // IAM-user's password was last used 2017-03-08 (177 days): confirm. No keys: cleared.
            // with-disabled-key has no password (its old password_last_used stays behind); key 2 last used
            // 2017-05-24 (100 days) and inactive key 1 (2017-04-19) could be re-activated: confirm.
            // different-region's key was last used 2016-04-04: confirm. credential-user's key used 2017-08-30: cleared.
            assert.deepEqual(cleared(fixture("guardian-security-hq.csv"), "2017-08-31T00:00:00Z", "2017-09-01T12:00:00Z", 90), {
                "IAM-user": ["access-key"],
                "with-disabled-key": ["password"],
                "different-region": ["password"],
                "credential-user": ["password", "access-key"],
            });
        });

        it("coolfriends/oil: never-used keys are never cleared; passwords are cleared only when used within the threshold", () => {
            // Generated after its latest date (2017-11-08), judged 2017-11-10 12:00 UTC.
            // At 90 days every password is stale (last uses June and July 2017); fakeuser's key (used 2017-11-08) is fresh.
            assert.deepEqual(cleared(fixture("coolfriends-oil.csv"), "2017-11-09T00:00:00Z", "2017-11-10T12:00:00Z", 90), {
                "example.user": [],
                fakeuser: ["access-key"],
                "final.user": [],
            });
            // At 180 days the passwords (153 and 132 days) are fresh, but the never-used keys still are not.
            assert.deepEqual(cleared(fixture("coolfriends-oil.csv"), "2017-11-09T00:00:00Z", "2017-11-10T12:00:00Z", 180), {
                "example.user": ["password"],
                fakeuser: ["password", "access-key"],
                "final.user": ["password"],
            });
        });
    });
});
