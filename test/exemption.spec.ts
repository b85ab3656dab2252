// Exemptions recorded in code: a tag with an end date (inclusive, UTC) and an optional reason.
import { strict as assert } from "node:assert";
import { endOfUtcDay, exemptionOf } from "../rules/verdict/exemption";
import { withDefaults } from "../rules/config/policy-config";

const NOW = new Date("2026-11-30T12:00:00Z");
const config = withDefaults({});
const tags = (until?: string, reason?: string): Record<string, string> => ({
    ...(until === undefined ? {} : { "unused-credentials:exempt-until": until }),
    ...(reason === undefined ? {} : { "unused-credentials:exempt-reason": reason }),
});

describe("exemptions", () => {
    it("a future date exempts the user, quoting the reason", () => {
        assert.deepEqual(exemptionOf("alice", tags("2026-12-31", "quarter-end batch job"), config, NOW), {
            exempt: true,
            why: 'exempt until 2026-12-31 by tag unused-credentials:exempt-until, reason: "quarter-end batch job"',
            record: { by: "tag", until: "2026-12-31", daysLeft: 31, reason: "quarter-end batch job" },
        });
    });

    it("the end date is inclusive, in UTC", () => {
        assert.equal(exemptionOf("alice", tags("2026-11-30"), config, new Date("2026-11-30T23:59:59Z")).exempt, true);
        assert.equal(exemptionOf("alice", tags("2026-11-30"), config, new Date("2026-12-01T00:00:00Z")).exempt, false);
    });

    it("a past date is no exemption, and says it expired", () => {
        assert.deepEqual(exemptionOf("alice", tags("2026-10-01", "migration"), config, NOW), {
            exempt: false,
            note: 'the exemption unused-credentials:exempt-until=2026-10-01 expired, reason: "migration"',
        });
    });

    for (const bad of ["soon", "2026-02-30", "31/12/2026", "2026-12-31T00:00:00Z", ""]) {
        it(`"${bad}" is not a date, so no exemption`, () => {
            const result = exemptionOf("alice", tags(bad), config, NOW);
            assert.equal(result.exempt, false);
            assert.match(!result.exempt ? (result.note ?? "") : "", /is not a date \(YYYY-MM-DD\), so it exempts nothing/);
        });
    }

    it("the tag key is configurable", () => {
        const custom = withDefaults({ exemptUntilTag: "security:waiver-until" });
        assert.equal(exemptionOf("alice", { "security:waiver-until": "2027-01-01" }, custom, NOW).exempt, true);
        assert.equal(exemptionOf("alice", tags("2027-01-01"), custom, NOW).exempt, false);
    });

    it("exemptUsers patterns exempt by name", () => {
        assert.deepEqual(exemptionOf("break-glass-1", {}, withDefaults({ exemptUsers: ["break-glass-*"] }), NOW), {
            exempt: true,
            why: 'exempt by exemptUsers pattern "break-glass-*"',
            record: { by: "pattern", pattern: "break-glass-*" },
        });
    });

    describe("maxExemptionDays (default 90) limits how far ahead a tag may reach", () => {
        // NOW is 2026-11-30: 90 days ahead is 2027-02-28.
        it("a date exactly maxExemptionDays ahead exempts, with its days left", () => {
            const result = exemptionOf("alice", tags("2027-02-28", "migration"), config, NOW);
            assert.equal(result.exempt, true);
            assert.deepEqual(result.exempt === true && result.record, {
                by: "tag",
                until: "2027-02-28",
                daysLeft: 90,
                reason: "migration",
            });
        });

        it("one day further is no exemption, and the violation says why and which date would do", () => {
            assert.deepEqual(exemptionOf("alice", tags("2027-03-01", "migration"), config, NOW), {
                exempt: false,
                note:
                    "the exemption unused-credentials:exempt-until=2027-03-01 reaches 91 days ahead, further than maxExemptionDays (90) allows, " +
                    'so it exempts nothing; set a date no later than 2027-02-28, reason: "migration"',
            });
        });

        it("9999-12-31 exempts nothing", () => {
            assert.equal(exemptionOf("alice", tags("9999-12-31"), config, NOW).exempt, false);
        });

        it("the limit is configurable; 0 allows only today, counted in UTC days", () => {
            const strict = withDefaults({ maxExemptionDays: 0 });
            const lateEvening = new Date("2026-11-30T23:59:00Z");
            assert.equal(exemptionOf("alice", tags("2026-11-30"), strict, lateEvening).exempt, true);
            assert.equal(exemptionOf("alice", tags("2026-12-01"), strict, lateEvening).exempt, false);
            assert.equal(exemptionOf("alice", tags("2027-06-01"), withDefaults({ maxExemptionDays: 365 }), NOW).exempt, true);
        });

        it("a pattern exemption has no date, so no limit applies to it", () => {
            assert.equal(
                exemptionOf("break-glass-1", {}, withDefaults({ exemptUsers: ["break-glass-*"], maxExemptionDays: 0 }), NOW).exempt,
                true,
            );
        });
    });

    it("an expired tag without a reason says only that it expired", () => {
        assert.deepEqual(exemptionOf("alice", tags("2026-10-01"), config, NOW), {
            exempt: false,
            note: "the exemption unused-credentials:exempt-until=2026-10-01 expired",
        });
    });

    it("holds to the last millisecond of its day and not one after", () => {
        assert.equal(exemptionOf("alice", tags("2026-11-30"), config, new Date("2026-11-30T23:59:59.999Z")).exempt, true);
        assert.equal(exemptionOf("alice", tags("2026-11-30"), config, new Date("2026-12-01T00:00:00.000Z")).exempt, false);
    });

    it("spaces around the date are ignored, and the record holds the date alone", () => {
        const result = exemptionOf("alice", tags(" 2026-12-31 "), config, NOW);
        assert.deepEqual(result.exempt === true && result.record, { by: "tag", until: "2026-12-31", daysLeft: 31, reason: undefined });
    });

    it("text around a date is not a date", () => {
        assert.equal(exemptionOf("alice", tags("x2026-12-31"), config, NOW).exempt, false);
        assert.equal(exemptionOf("alice", tags("2026-12-31x"), config, NOW).exempt, false);
    });

    describe("during preview, a tag that is not known yet", () => {
        it("all tags unknown: neither exempt nor judged", () => {
            assert.deepEqual(exemptionOf("alice", {}, config, NOW, "all"), {
                exempt: "unknown",
                why: "its tags are not known during preview, so whether it is exempt cannot be known",
            });
        });

        it("the exempt-until tag unknown: neither exempt nor judged, naming the tag", () => {
            assert.deepEqual(exemptionOf("alice", {}, config, NOW, ["unused-credentials:exempt-until"]), {
                exempt: "unknown",
                why: "its tag unused-credentials:exempt-until is not known during preview, so whether it is exempt cannot be known",
            });
        });

        it("another tag unknown: the exemption is decided as usual", () => {
            assert.equal(exemptionOf("alice", tags("2026-12-31"), config, NOW, ["team"]).exempt, true);
            assert.deepEqual(exemptionOf("alice", {}, config, NOW, ["team"]), { exempt: false });
        });

        it("a name pattern exempts whatever the tags", () => {
            assert.equal(exemptionOf("break-glass-1", {}, withDefaults({ exemptUsers: ["break-glass-*"] }), NOW, "all").exempt, true);
        });
    });

    it("endOfUtcDay rejects impossible dates", () => {
        for (const impossible of ["2026-13-01", "2026-00-10", "2026-04-31", "2025-02-29", "2026-12-32"])
            assert.equal(endOfUtcDay(impossible), undefined, impossible);
        assert.equal(endOfUtcDay("2024-02-29")?.toISOString(), "2024-02-29T23:59:59.999Z");
        assert.equal(endOfUtcDay("2026-12-31")?.toISOString(), "2026-12-31T23:59:59.999Z");
    });
});
