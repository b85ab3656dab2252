// Exemptions recorded in code: a tag with an end date (inclusive, UTC) and an optional reason.
import { strict as assert } from "node:assert";
import { endOfUtcDay, exemptionOf } from "../rules/lib/exemption";
import { withDefaults } from "../rules/lib/policy-config";

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
            assert.match(!result.exempt ? result.note ?? "" : "", /is not a date \(YYYY-MM-DD\), so it exempts nothing/);
        });
    }

    it("the tag key is configurable", () => {
        const custom = withDefaults({ exemptUntilTag: "security:waiver-until" });
        assert.equal(exemptionOf("alice", { "security:waiver-until": "2027-01-01" }, custom, NOW).exempt, true);
        assert.equal(exemptionOf("alice", tags("2027-01-01"), custom, NOW).exempt, false);
    });

    it("exemptUsers patterns exempt by name", () => {
        assert.deepEqual(exemptionOf("break-glass-1", {}, withDefaults({ exemptUsers: ["break-glass-*"] }), NOW), { exempt: true, why: 'exempt by exemptUsers pattern "break-glass-*"' });
    });

    it("endOfUtcDay rejects impossible dates", () => {
        assert.equal(endOfUtcDay("2026-13-01"), undefined);
        assert.equal(endOfUtcDay("2026-12-31")?.toISOString(), "2026-12-31T23:59:59.999Z");
    });
});
