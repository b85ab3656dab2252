// The credential report: parsed with a real CSV parser, and the pure screening rule (semantics.md 9–12).
import { strict as assert } from "node:assert";
import { CredentialReport, provenFreshByReport, readCredentialReport, ReportRow } from "../rules/lib/credential-report";
import { MS_PER_DAY } from "../rules/lib/verdict";
import { credentialReportCsv } from "../tools/local-iam/credential-report-csv";
import { resolveUser } from "../tools/local-iam/account-file";

const NOW = new Date("2026-11-30T12:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * MS_PER_DAY);
const GENERATED = new Date(NOW.getTime() - 3 * 3600_000); // a report 3 hours old

function row(overrides: Partial<ReportRow>): ReportRow {
    return { userName: "alice", passwordEnabled: false, keys: [], ...overrides };
}
const report = { generated: GENERATED, rows: new Map() };

function usable(reading: ReturnType<typeof readCredentialReport>): CredentialReport {
    assert.equal(reading.status, "ok", JSON.stringify(reading));
    return (reading as Extract<typeof reading, { status: "ok" }>).report;
}

describe("credential report", () => {
    describe("parsing", () => {
        const csv = credentialReportCsv(
            [
                resolveUser({ userName: "svc,deploy@corp", loginProfile: { created: { daysAgo: 50 } }, passwordLastUsed: { daysAgo: 7 },
                    accessKeys: [{ accessKeyId: "AKIA0000000000000002", created: { daysAgo: 10 } }, { accessKeyId: "AKIA0000000000000001", status: "Inactive", created: { daysAgo: 400 }, lastUsed: { daysAgo: 300, service: "s3" } }] },
                    NOW),
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
            assert.deepEqual(r.keys.map(k => [k.slot, k.active, k.lastRotated.toISOString(), k.lastUsed?.toISOString()]), [
                [1, false, daysAgo(400).toISOString(), daysAgo(300).toISOString()],
                [2, true, daysAgo(10).toISOString(), undefined],
            ]);
        });

        it("no_information is never used; users are found case-insensitively", () => {
            const bob = parsed.rows.get("bob")!;
            assert.equal(bob.passwordEnabled, true);
            assert.equal(bob.passwordLastUsed, undefined);
            assert.deepEqual(bob.keys, []);
        });
    });

    describe("screening: what the report alone proves fresh", () => {
        const key = (active: boolean, rotatedDaysAgo: number, usedDaysAgo?: number) => ({ slot: 1 as const, active, lastRotated: daysAgo(rotatedDaysAgo), lastUsed: usedDaysAgo === undefined ? undefined : daysAgo(usedDaysAgo) });

        it("10. a key used within the threshold in the report is fresh now (last use only moves forward)", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 30)] }), report, { accessKeyDays: 90 }, NOW), true);
        });

        it("10. a key that looks unused in the report must be confirmed live", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 120)] }), report, { accessKeyDays: 90 }, NOW), false);
        });

        it("1. a never-used active key is never proven fresh by the report", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 2)] }), report, { accessKeyDays: 90 }, NOW), false);
        });

        it("3. an old inactive key must be confirmed: it may have been re-activated since the report", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(false, 900, 800)] }), report, { accessKeyDays: 90 }, NOW), false);
            assert.equal(provenFreshByReport(row({ keys: [key(false, 900, 10)] }), report, { accessKeyDays: 90 }, NOW), true);
        });

        it("a password used within the threshold is fresh; never used or stale needs confirmation", () => {
            assert.equal(provenFreshByReport(row({ passwordEnabled: true, passwordLastUsed: daysAgo(10) }), report, { passwordDays: 90 }, NOW), true);
            assert.equal(provenFreshByReport(row({ passwordEnabled: true }), report, { passwordDays: 90 }, NOW), false);
            assert.equal(provenFreshByReport(row({ passwordEnabled: true, passwordLastUsed: daysAgo(100) }), report, { passwordDays: 90 }, NOW), false);
        });

        it("5. no password in the report: any password now is younger than the report", () => {
            assert.equal(provenFreshByReport(row({ passwordEnabled: false, passwordLastUsed: daysAgo(400) }), report, { passwordDays: 1 }, NOW), true);
        });

        it("7. exactly at the threshold is not proven fresh (inclusive boundary)", () => {
            assert.equal(provenFreshByReport(row({ keys: [key(true, 400, 90)] }), report, { accessKeyDays: 90 }, NOW), false);
        });

        it("only the credentials asked about need proving", () => {
            const stalePassword = row({ passwordEnabled: true, passwordLastUsed: daysAgo(300), keys: [key(true, 400, 1)] });
            assert.equal(provenFreshByReport(stalePassword, report, { accessKeyDays: 90 }, NOW), true);
            assert.equal(provenFreshByReport(stalePassword, report, { passwordDays: 90 }, NOW), false);
            assert.equal(provenFreshByReport(stalePassword, report, {}, NOW), true);
        });
    });
});
