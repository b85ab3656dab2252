// Retiring a credential in code: a dated tag on the user names what the deployment deactivates or removes, so
// the gate lets that deployment through; it covers nothing else, and nothing after its date.
import { strict as assert } from "node:assert";
import { MAX_RETIRING_DAYS } from "../rules/model/limits";
import { retirementOf, retires, retiringTagValue } from "../rules/verdict/retirement";

const NOW = new Date("2026-11-30T12:00:00Z");
const TAG = "unused-credentials:retiring";
const KEY = "AKIAALICESTALE000001";
const OTHER = "AKIAALICEFRESH000002";
const of = (value?: string) => retirementOf(value === undefined ? {} : { [TAG]: value }, TAG, NOW);

describe("retiring a credential in the same deployment", () => {
    it("no tag retires nothing, and adds no note", () => {
        assert.deepEqual(retires(of(), KEY), { retired: false });
    });

    it("a tag naming a key until a date within 14 days retires that key, and only it", () => {
        const retirement = of(`${KEY} until 2026-12-07`);
        assert.deepEqual(retirement, { status: "in-force", credentials: new Set([KEY]), until: "2026-12-07", daysLeft: 7 });
        assert.deepEqual(retires(retirement, KEY), { retired: true });
        assert.deepEqual(retires(retirement, OTHER), { retired: false }, "another stale key still blocks");
        assert.deepEqual(retires(retirement, "password"), { retired: false }, "the password still blocks");
    });

    it("names several credentials, the password by the word password", () => {
        const retirement = of(`${KEY}  password until 2026-12-01`);
        assert.equal(retires(retirement, KEY).retired, true);
        assert.equal(retires(retirement, "password").retired, true);
    });

    it("holds through its last day (UTC) and not a moment after; then the credential blocks again, saying why", () => {
        assert.equal(retires(retirementOf({ [TAG]: `${KEY} until 2026-11-30` }, TAG, new Date("2026-11-30T23:59:59Z")), KEY).retired, true);
        const ended = retires(retirementOf({ [TAG]: `${KEY} until 2026-11-30` }, TAG, new Date("2026-12-01T00:00:00Z")), KEY);
        assert.equal(ended.retired, false);
        assert.match(ended.note ?? "", /ended on 2026-11-30 while the credential is still active: deploy the change that retires it/);
    });

    it(`reaches at most ${MAX_RETIRING_DAYS} days ahead: a longer retirement is void, and says so`, () => {
        assert.equal(retires(of(`${KEY} until 2026-12-14`), KEY).retired, true);
        const tooLong = retires(of(`${KEY} until 2026-12-15`), KEY);
        assert.equal(tooLong.retired, false);
        assert.match(tooLong.note ?? "", /reaches 15 days ahead, more than the 14 a retirement may, so it retires nothing/);
    });

    for (const bad of [
        KEY,
        `${KEY} 2026-12-07`,
        `until 2026-12-07`,
        `AKIA-not-a-key until 2026-12-07`,
        `${KEY} until soon`,
        `${KEY} until 2026-02-30`,
    ]) {
        it(`"${bad}" retires nothing, and every violation of the user says why`, () => {
            const result = retires(of(bad), KEY);
            assert.equal(result.retired, false);
            assert.match(result.note ?? "", /retires nothing/);
        });
    }

    for (const bad of [
        `bad-${KEY} until 2026-12-07`,
        `${KEY}-x until 2026-12-07`,
        `${KEY} until 2026-12-07 please`,
        `${KEY} bad-id until 2026-12-07`,
    ]) {
        it(`"${bad}" retires nothing: every named credential must be a key ID or password, and the date must come last`, () => {
            const retirement = of(bad);
            assert.equal(retirement.status, "void");
            assert.match(retires(retirement, KEY).note ?? "", /retires nothing/);
        });
    }

    it("a malformed value is quoted by the part that is wrong, at most 40 characters of it", () => {
        const tag = "unused-credentials:retiring";
        assert.equal(
            retires(of(`${KEY} bad-id until 2026-12-07`), KEY).note,
            `the tag ${tag} is not "<access key ID or password> … until YYYY-MM-DD": "bad-id" is neither an access key ID nor "password", so it retires nothing`,
        );
        const long = `${"x".repeat(200)} until 2026-12-07`;
        assert.equal(
            retires(of(long), KEY).note,
            `the tag ${tag} is not "<access key ID or password> … until YYYY-MM-DD": "${"x".repeat(40)}"… (200 characters) is neither an access key ID nor "password", so it retires nothing`,
        );
        assert.match(retires(of(`${KEY} until ${"9".repeat(100)}`), KEY).note!, /ends on "9{40}"… \(100 characters\), which is not a date/);
        assert.match(retires(of(KEY), KEY).note!, new RegExp(`: "${KEY}" does not end with "until YYYY-MM-DD", so it retires nothing`));
        // The value is quoted trimmed; exactly 40 characters are quoted whole; the wrong part is found after "password".
        assert.match(retires(of(`  ${KEY}  `), KEY).note!, new RegExp(`: "${KEY}" does not end with`));
        const forty = `${"y".repeat(40)} until 2026-12-07`;
        assert.match(retires(of(forty), KEY).note!, new RegExp(`: "${"y".repeat(40)}" is neither an access key ID nor "password"`));
        assert.match(
            retires(of("password not-a-key until 2026-12-07"), KEY).note!,
            /: "not-a-key" is neither an access key ID nor "password"/,
        );
    });

    it("spaces are free around the tag's words", () => {
        assert.equal(retires(of(`  ${KEY}   until   2026-12-07  `), KEY).retired, true);
    });

    it("holds to the last millisecond of its day", () => {
        assert.equal(
            retires(retirementOf({ [TAG]: `${KEY} until 2026-11-30` }, TAG, new Date("2026-11-30T23:59:59.999Z")), KEY).retired,
            true,
        );
    });

    it("the value printed for several credentials names each", () => {
        const value = retiringTagValue([KEY, "password"], NOW, 3);
        assert.equal(value, `${KEY} password until 2026-12-03`);
        const retirement = retirementOf({ [TAG]: value }, TAG, NOW);
        assert.deepEqual([retires(retirement, KEY).retired, retires(retirement, "password").retired], [true, true]);
    });

    it("a void tag adds its note only to the credentials it names", () => {
        assert.deepEqual(retires(of(`${KEY} until 2027-06-01`), OTHER), { retired: false });
    });

    it("the value a message prints is one the tag accepts, 7 days ahead", () => {
        const value = retiringTagValue([KEY], NOW);
        assert.equal(value, `${KEY} until 2026-12-07`);
        assert.equal(retires(retirementOf({ [TAG]: value }, TAG, NOW), KEY).retired, true);
    });
});
