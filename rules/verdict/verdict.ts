// rules/verdict/ owns what "unused" means and how a finding is told (verdict, messages, exemptions, retirements); it does no I/O.
// The verdict: credential facts + a threshold + now → one assessment per usable credential, and the credentials
// whose facts are in doubt, which it leaves unjudged. Pure: no SDK types, no I/O, no policy types. Every rule of
// docs/unused.md is a test of this file.
import { AccessKeyFacts, CredentialFacts, CredentialKind, LastUse, MS_PER_DAY, Unjudged } from "../model/credentials";

/** Judging a kind that was not read would turn "not read" into "none": refuse loudly instead. */
export class UnreadFacts extends Error {}

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

/** What judging one kind gives: an assessment per usable credential, and the credentials left unjudged. */
export interface KindVerdict {
    assessments: Assessment[];
    unjudged: Unjudged[];
}

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

function assessed(
    idleSince: Date,
    thresholdDays: number,
    now: Date,
): Pick<AssessmentBase, "idleSince" | "idleDays" | "thresholdDays" | "unusedFrom" | "unused"> {
    const idleDays = wholeDaysBetween(idleSince, now);
    return {
        idleSince,
        idleDays,
        thresholdDays,
        unusedFrom: new Date(idleSince.getTime() + thresholdDays * MS_PER_DAY),
        unused: idleDays >= thresholdDays,
    };
}

/** Password idle time starts at the later of its last use and its creation: a re-created password starts fresh. */
export function assessPassword(facts: CredentialFacts, thresholdDays: number, now: Date): PasswordAssessment | undefined {
    if (!facts.loginProfile) return undefined; // a deleted password is not a credential, whatever PasswordLastUsed says
    const createDate = facts.loginProfile.createDate;
    return {
        credential: "password",
        userName: facts.userName,
        createDate,
        lastUsed: facts.passwordLastUsed ? { date: facts.passwordLastUsed } : undefined,
        ...assessed(laterOf(createDate, facts.passwordLastUsed), thresholdDays, now),
    };
}

/**
 * An active key idles from its last use, or from its creation when never used; inactive keys cannot be used.
 * A last use recorded before the key's creation is impossible: the key idles from the later of the two, as a
 * password does (it cannot have idled longer than it has existed).
 */
export function assessAccessKey(userName: string, key: AccessKeyFacts, thresholdDays: number, now: Date): AccessKeyAssessment | undefined {
    if (key.status !== "Active") return undefined;
    return {
        credential: "access-key",
        userName,
        accessKeyId: key.accessKeyId,
        createDate: key.createDate,
        lastUsed: key.lastUsed,
        ...assessed(laterOf(key.createDate, key.lastUsed?.date), thresholdDays, now),
    };
}

/**
 * One kind of credential: the password, or each active key. A credential in doubt is left unjudged and named;
 * its siblings are judged as if it were not there (a stale key beside a doubtful one is still unused).
 */
export function assessKind(kind: CredentialKind, facts: CredentialFacts, thresholdDays: number, now: Date): KindVerdict {
    if (!facts.read[kind]) throw new UnreadFacts(`the ${kind} facts of ${facts.userName} were not read`);
    const unjudged = facts.doubts.filter(d => d.credential === kind);
    if (kind === "password") {
        const password = unjudged.length ? undefined : assessPassword(facts, thresholdDays, now);
        return { assessments: password ? [password] : [], unjudged };
    }
    if (unjudged.some(d => d.accessKeyId === undefined)) return { assessments: [], unjudged };
    const doubtful = new Set(unjudged.map(d => d.accessKeyId));
    const assessments = facts.accessKeys
        .filter(key => !doubtful.has(key.accessKeyId))
        .map(key => assessAccessKey(facts.userName, key, thresholdDays, now))
        .filter((a): a is AccessKeyAssessment => a !== undefined);
    return { assessments, unjudged };
}
