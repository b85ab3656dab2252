// The checks every IAM answer passes before anything uses it: each names the action and what was wrong.
import { strict as assert } from "node:assert";
import {
    accessKeyId,
    accessKeyStatus,
    dateProblem,
    modelRequired,
    optionalDate,
    requiredDate,
    requiredObject,
    sameUser,
    UntrustedAnswer,
} from "../rules/iam/iam-answer-checks";
import { CLOCK_SKEW_MS, EARLIEST_IAM_DATE } from "../rules/model/limits";
import { describeIamError } from "../rules/iam/iam-errors";

const NOW = new Date("2026-11-30T12:00:00Z");
const ACTION = "iam:ListAccessKeys";

/** The message a check throws, or "accepted". */
function outcome(check: () => unknown): string {
    try {
        check();
        return "accepted";
    } catch (error) {
        assert.ok(error instanceof UntrustedAnswer);
        return error.message;
    }
}

describe("IAM answer checks", () => {
    it("a member IAM's model requires, absent or null, is doubt naming every one missing", () => {
        assert.throws(
            () => modelRequired({ UserName: null, Arn: "arn" }, ["Path", "UserName", "Arn"], "a User", "iam:GetUser"),
            (e: Error) =>
                e instanceof UntrustedAnswer &&
                e.message === "iam:GetUser answered a User without Path, UserName, which IAM's API model requires",
        );
        assert.doesNotThrow(() =>
            modelRequired({ Path: "/", UserName: "a", Arn: "arn" }, ["Path", "UserName", "Arn"], "a User", "iam:GetUser"),
        );
    });

    describe("dates", () => {
        it("up to five minutes after now is clock skew; a millisecond more is the future", () => {
            assert.equal(dateProblem(new Date(NOW.getTime() + CLOCK_SKEW_MS), NOW), undefined);
            assert.equal(dateProblem(new Date(NOW.getTime() + CLOCK_SKEW_MS + 1), NOW), "is in the future (2026-11-30T12:05:00.001Z)");
        });

        it("AWS's first day is possible; the moment before it is not", () => {
            assert.equal(dateProblem(EARLIEST_IAM_DATE, NOW), undefined);
            assert.equal(dateProblem(new Date(EARLIEST_IAM_DATE.getTime() - 1), NOW), "predates AWS (2005-12-31T23:59:59.999Z)");
        });

        it("something that is not a date, or an invalid one, is not a date", () => {
            assert.equal(dateProblem("2026-01-01T00:00:00Z" as unknown as Date, NOW), "is not a date");
            assert.equal(dateProblem(new Date("garbage"), NOW), "is not a date");
        });

        it("a required date that is missing says 'without'; one that is wrong says what is wrong", () => {
            assert.equal(
                outcome(() => requiredDate(undefined, "CreateDate", ACTION, NOW)),
                "iam:ListAccessKeys answered without CreateDate",
            );
            assert.equal(
                outcome(() => requiredDate(null, "CreateDate", ACTION, NOW)),
                "iam:ListAccessKeys answered without CreateDate",
            );
            assert.equal(
                outcome(() => requiredDate(new Date("2030-01-01T00:00:00Z"), "CreateDate", ACTION, NOW)),
                "iam:ListAccessKeys answered a CreateDate that is in the future (2030-01-01T00:00:00.000Z)",
            );
        });

        it("an optional date may be missing (never used), but not wrong", () => {
            assert.equal(optionalDate(undefined, "LastUsedDate", ACTION, NOW), undefined);
            assert.equal(optionalDate(null, "LastUsedDate", ACTION, NOW), undefined);
            assert.match(
                outcome(() => optionalDate(new Date("1999-01-01T00:00:00Z"), "LastUsedDate", ACTION, NOW)),
                /a LastUsedDate that predates AWS/,
            );
        });
    });

    it("an element the answer must carry", () => {
        assert.deepEqual(requiredObject({ a: 1 }, "a User", "iam:GetUser"), { a: 1 });
        for (const missing of [undefined, null, "<User/>"]) {
            assert.equal(
                outcome(() => requiredObject(missing as never, "a User", "iam:GetUser")),
                "iam:GetUser answered without a User",
            );
        }
    });

    it("an answer about one user is about that user: case-insensitively, and a missing name is no contradiction", () => {
        assert.equal(
            outcome(() => sameUser(undefined, "alice", ACTION)),
            "accepted",
        );
        assert.equal(
            outcome(() => sameUser("ALICE", "alice", ACTION)),
            "accepted",
        );
        assert.equal(
            outcome(() => sameUser("mallory", "alice", ACTION)),
            'iam:ListAccessKeys answered for user "mallory" when asked about "alice"',
        );
        assert.equal(
            outcome(() => sameUser(42, "alice", ACTION)),
            'iam:ListAccessKeys answered for user 42 when asked about "alice"',
        );
    });

    it("an access key ID is upper-case letters and digits, nothing before or after", () => {
        assert.equal(accessKeyId("AKIAIOSFODNN7EXAMPLE", ACTION), "AKIAIOSFODNN7EXAMPLE");
        for (const bad of ["-AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE-", "akiaiosfodnn7example", "AKIA", undefined]) {
            assert.match(
                outcome(() => accessKeyId(bad, ACTION)),
                /an access key ID that is not one/,
                String(bad),
            );
        }
    });

    it("a key's status is Active or Inactive, nothing else", () => {
        assert.equal(accessKeyStatus("Inactive", "AKIA1", ACTION), "Inactive");
        assert.equal(
            outcome(() => accessKeyStatus("active", "AKIA1", ACTION)),
            'iam:ListAccessKeys answered key AKIA1 with status "active", neither Active nor Inactive',
        );
    });

    it("an untrusted answer is reported as such: its own error code, and the reason says the pack cannot judge from it", () => {
        const described = describeIamError(new UntrustedAnswer(ACTION, "without AccessKeyMetadata"), "iam", 20);
        assert.deepEqual(described, {
            errorCode: "UntrustedAnswer",
            reason: "iam:ListAccessKeys answered without AccessKeyMetadata, which the pack cannot judge from",
        });
    });
});
