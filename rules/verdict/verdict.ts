// rules/verdict/ owns what "unused" means and how a finding is told (verdict, messages, exemptions, retirements); it does no I/O.
// The verdict: a kind's usable credentials + a threshold + now → one assessment each, and the credentials whose
// facts are in doubt, which it leaves unjudged. Which credentials of a kind can be used is the kind's (rules/kinds/);
// when idle time starts and what "unused" means is here, once for every kind. Pure: no SDK types, no I/O, no policy
// types. Every rule of docs/unused.md is a test of this file or of a kind's `usable`.
import { CredentialFacts, CredentialKind, doubtCovers, LastUse, MS_PER_DAY, Unjudged } from "../model/credentials";

/** Judging a kind that was not read would turn "not read" into "none": refuse loudly instead. */
export class UnreadFacts extends Error {}

/** One credential of a user the verdict judges: its ID (`password`, or the key ID), when it began and its last use. */
export interface UsableCredential {
    credentialId: string;
    createDate: Date;
    /** Undefined when IAM has no record of use: never used, or not since tracking began. */
    lastUsed?: LastUse;
}

/** One credential judged against a threshold. */
export interface Assessment extends UsableCredential {
    credential: CredentialKind;
    userName: string;
    /** The instant idle time is measured from. */
    idleSince: Date;
    idleDays: number;
    thresholdDays: number;
    /** The instant idle time reaches the threshold: from then on the credential is unused. */
    unusedFrom: Date;
    unused: boolean;
}

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

/**
 * Every kind idles from the later of its last use and its creation: a re-created password starts fresh, a key never
 * used idles from its creation, and a last use recorded before the creation (impossible, yet IAM records some)
 * cannot make a credential idle longer than it has existed.
 */
export function assessCredential(
    credential: CredentialKind,
    userName: string,
    usable: UsableCredential,
    thresholdDays: number,
    now: Date,
): Assessment {
    const idleSince = laterOf(usable.createDate, usable.lastUsed?.date);
    const idleDays = wholeDaysBetween(idleSince, now);
    return {
        credential,
        userName,
        ...usable,
        idleSince,
        idleDays,
        thresholdDays,
        unusedFrom: new Date(idleSince.getTime() + thresholdDays * MS_PER_DAY),
        unused: idleDays >= thresholdDays,
    };
}

/**
 * One kind of credential: each usable one (the password; each active key). A credential in doubt is left unjudged
 * and named; a doubt without an ID covers the whole kind; the others are judged as if it were not there (a stale
 * key beside a doubtful one is still unused).
 */
export function judgeKind(
    kind: CredentialKind,
    facts: CredentialFacts,
    usable: (facts: CredentialFacts) => UsableCredential[],
    thresholdDays: number,
    now: Date,
): KindVerdict {
    if (!facts.read[kind]) throw new UnreadFacts(`the ${kind} facts of ${facts.userName} were not read`);
    const unjudged = facts.doubts.filter(d => d.credential === kind);
    const assessments = usable(facts)
        .filter(c => !unjudged.some(d => doubtCovers(d, kind, c.credentialId)))
        .map(c => assessCredential(kind, facts.userName, c, thresholdDays, now));
    return { assessments, unjudged };
}
