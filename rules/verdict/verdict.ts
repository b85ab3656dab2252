// rules/verdict/ owns what "unused" means and how a finding is told (verdict, messages, exemptions, retirements); it does no I/O.
// The verdict: credential facts + thresholds + now → one assessment per usable credential.
// Pure: no SDK types, no I/O, no policy types. Every rule of docs/unused.md is a test of this file.

export const MS_PER_DAY = 86_400_000;

/** Where and when a credential was last used, as IAM records it. */
export interface LastUse {
    date: Date;
    /** Access keys only: the AWS service and region of the last request, when IAM knows them. */
    serviceName?: string;
    region?: string;
}

export interface AccessKeyFacts {
    accessKeyId: string;
    status: "Active" | "Inactive";
    createDate: Date;
    lastUsed?: LastUse;
}

/** Everything IAM says about one user's passwords and keys. */
export interface CredentialFacts {
    userName: string;
    /** Absent when the user has no login profile (GetLoginProfile → NoSuchEntity): no password. */
    loginProfile?: { createDate: Date };
    /** GetUser's PasswordLastUsed; may outlive a deleted login profile. */
    passwordLastUsed?: Date;
    accessKeys: AccessKeyFacts[];
    /** Which parts were read (a confirmation reads only what is judged); undefined: all of them. */
    read?: { password: boolean; keys: boolean };
}

/** Judging a part that was not read would turn "not read" into "none": refuse loudly instead. */
export class UnreadFacts extends Error {}

export interface Thresholds {
    passwordDays: number;
    accessKeyDays: number;
}

interface AssessmentBase {
    userName: string;
    createDate: Date;
    /** Undefined when IAM has no record of use: never used, or not since tracking began. */
    lastUsed?: LastUse;
    /** The instant idle time is measured from. */
    idleSince: Date;
    idleDays: number;
    thresholdDays: number;
    /** The instant idle time reaches the threshold: from then on the credential is unused. */
    unusedFrom: Date;
    unused: boolean;
}

export interface PasswordAssessment extends AssessmentBase {
    credential: "password";
}

export interface AccessKeyAssessment extends AssessmentBase {
    credential: "access-key";
    accessKeyId: string;
}

export type Assessment = PasswordAssessment | AccessKeyAssessment;

/**
 * Whole days from `since` to `now`, in UTC (Date arithmetic is UTC by construction). Never negative: a date a
 * little after `now` (clock skew the IAM readers allow) is idle for 0 days, never a negative idle time.
 */
export function wholeDaysBetween(since: Date, now: Date): number {
    return Math.max(0, Math.floor((now.getTime() - since.getTime()) / MS_PER_DAY));
}

function laterOf(a: Date, b: Date | undefined): Date {
    return b !== undefined && b.getTime() > a.getTime() ? b : a;
}

/** Password idle time starts at the later of its last use and its creation: a re-created password starts fresh. */
export function assessPassword(facts: CredentialFacts, thresholdDays: number, now: Date): PasswordAssessment | undefined {
    if (!facts.loginProfile) return undefined; // a deleted password is not a credential, whatever PasswordLastUsed says
    const createDate = facts.loginProfile.createDate;
    const idleSince = laterOf(createDate, facts.passwordLastUsed);
    const idleDays = wholeDaysBetween(idleSince, now);
    return {
        credential: "password",
        userName: facts.userName,
        createDate,
        lastUsed: facts.passwordLastUsed ? { date: facts.passwordLastUsed } : undefined,
        idleSince,
        idleDays,
        thresholdDays,
        unusedFrom: new Date(idleSince.getTime() + thresholdDays * MS_PER_DAY),
        unused: idleDays >= thresholdDays,
    };
}

/**
 * An active key idles from its last use, or from its creation when never used; inactive keys cannot be used.
 * A last use recorded before the key's creation is impossible: the key idles from the later of the two, as a
 * password does (it cannot have idled longer than it has existed).
 */
export function assessAccessKey(userName: string, key: AccessKeyFacts, thresholdDays: number, now: Date): AccessKeyAssessment | undefined {
    if (key.status !== "Active") return undefined;
    const idleSince = laterOf(key.createDate, key.lastUsed?.date);
    const idleDays = wholeDaysBetween(idleSince, now);
    return {
        credential: "access-key",
        userName,
        accessKeyId: key.accessKeyId,
        createDate: key.createDate,
        lastUsed: key.lastUsed,
        idleSince,
        idleDays,
        thresholdDays,
        unusedFrom: new Date(idleSince.getTime() + thresholdDays * MS_PER_DAY),
        unused: idleDays >= thresholdDays,
    };
}

/** The assessments of one kind of credential: the password, or each active key. */
export function assessKind(kind: "password" | "access-key", facts: CredentialFacts, thresholdDays: number, now: Date): Assessment[] {
    if (facts.read && !(kind === "password" ? facts.read.password : facts.read.keys)) throw new UnreadFacts(`the ${kind} facts of ${facts.userName} were not read`);
    if (kind === "password") {
        const password = assessPassword(facts, thresholdDays, now);
        return password ? [password] : [];
    }
    return facts.accessKeys.map(key => assessAccessKey(facts.userName, key, thresholdDays, now)).filter((a): a is AccessKeyAssessment => a !== undefined);
}

/** One assessment per usable credential of the user: the password first, then each active key by ID. */
export function assessCredentials(facts: CredentialFacts, thresholds: Thresholds, now: Date): Assessment[] {
    return [...assessKind("password", facts, thresholds.passwordDays, now), ...assessKind("access-key", facts, thresholds.accessKeyDays, now)];
}
