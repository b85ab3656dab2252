// Checks on what IAM answers, before anything uses it: every field a verdict needs must be present,
// well-formed and possible. Pure: no I/O. A failed check names the action and what was wrong, and the
// reader turns it into "could not evaluate": never "no credential", never "never used".
import { CLOCK_SKEW_MS, EARLIEST_IAM_DATE } from "../model/limits";

/** IAM's access key IDs: AKIA… (or ASIA…), upper-case letters and digits. */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** An answer from IAM that cannot be trusted for a verdict. */
export class UntrustedAnswer extends Error {
    constructor(
        readonly action: string,
        readonly detail: string,
    ) {
        super(`${action} answered ${detail}`);
        this.name = "UntrustedAnswer";
    }
}

/** Why a date cannot be used, or undefined when it can. */
export function dateProblem(value: Date, now: Date): string | undefined {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) return "is not a date";
    if (value.getTime() > now.getTime() + CLOCK_SKEW_MS) return `is in the future (${value.toISOString()})`;
    if (value.getTime() < EARLIEST_IAM_DATE.getTime()) return `predates AWS (${value.toISOString()})`;
    return undefined;
}

/** A date the verdict needs: present and possible. */
export function requiredDate(value: unknown, field: string, action: string, now: Date): Date {
    if (value === undefined || value === null) throw new UntrustedAnswer(action, `without ${field}`);
    const problem = dateProblem(value as Date, now);
    if (problem) throw new UntrustedAnswer(action, `a ${field} that ${problem}`);
    return value as Date;
}

/** A date IAM may leave out (never used), but that must be possible when present. */
export function optionalDate(value: unknown, field: string, action: string, now: Date): Date | undefined {
    return value === undefined || value === null ? undefined : requiredDate(value, field, action, now);
}

/** The object an answer must carry (`LoginProfile`, `User`, `AccessKeyLastUsed`…). */
export function requiredObject<T extends object>(value: T | undefined | null, field: string, action: string): T {
    if (value === undefined || value === null || typeof value !== "object") throw new UntrustedAnswer(action, `without ${field}`);
    return value;
}

/**
 * Members IAM's API model requires of an object: one missing is doubt, whether or not a verdict reads it (an answer
 * that breaks the model cannot be trusted for the parts a verdict does read). What the model makes optional may be
 * absent and means its documented default.
 */
export function modelRequired(value: object, members: readonly string[], field: string, action: string): void {
    const missing = members.filter(
        m => (value as Record<string, unknown>)[m] === undefined || (value as Record<string, unknown>)[m] === null,
    );
    if (missing.length) throw new UntrustedAnswer(action, `${field} without ${missing.join(", ")}, which IAM's API model requires`);
}

/** An answer about one user must be about that user (IAM user names are unique case-insensitively). */
export function sameUser(answered: unknown, asked: string, action: string): void {
    if (answered !== undefined && (typeof answered !== "string" || answered.toLowerCase() !== asked.toLowerCase())) {
        throw new UntrustedAnswer(action, `for user ${JSON.stringify(answered)} when asked about ${JSON.stringify(asked)}`);
    }
}

export function accessKeyId(value: unknown, action: string): string {
    if (typeof value !== "string" || !ACCESS_KEY_ID.test(value))
        throw new UntrustedAnswer(action, `an access key ID that is not one (${JSON.stringify(value)})`);
    return value;
}

export function accessKeyStatus(value: unknown, keyId: string, action: string): "Active" | "Inactive" {
    if (value === "Active" || value === "Inactive") return value;
    throw new UntrustedAnswer(action, `key ${keyId} with status ${JSON.stringify(value)}, neither Active nor Inactive`);
}
