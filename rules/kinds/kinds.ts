// The registry of credential kinds: one entry per kind of rules/model/credentials.ts, which the compiler requires
// (a kind without a module, or a module under another kind's name, does not build). Everything that handles "any
// credential" goes through here, never through a test of which kind it is.
import { CREDENTIAL_KINDS, CredentialFacts, CredentialKind, kindsOf, Thresholds } from "../model/credentials";
import type { CredentialReport, ReportRow } from "../iam/credential-report";
import type { Told } from "../verdict/message";
import { Assessment, judgeKind, KindVerdict } from "../verdict/verdict";
import type { CredentialKindModule } from "./kind";
import { ACCESS_KEY, AccessKeyScope } from "./iam-user-unused-access-key";
import { PASSWORD } from "./iam-user-unused-password";

/** What a live read of each kind may skip. */
interface Scopes {
    password: object;
    "access-key": AccessKeyScope;
}

export const KINDS: { [K in CredentialKind]: CredentialKindModule<K, Scopes[K]> } = {
    password: PASSWORD,
    "access-key": ACCESS_KEY,
};

/** A kind's module, for code that holds the kind as a value (a finding, a doubt). */
export function kindModule(kind: CredentialKind): CredentialKindModule {
    return KINDS[kind];
}

/** The kinds in the pack's order (password first). */
export const ALL_KINDS: readonly CredentialKindModule[] = CREDENTIAL_KINDS.map(kindModule);

/** What to read of a user: each kind asked about, with what its live read may skip. */
export type ReadScope = { [K in CredentialKind]?: Scopes[K] };

export const FULL_SCOPE: ReadScope = { password: {}, "access-key": {} };

/** A cache key: two scopes with the same key read the same requests. */
export function scopeKey(scope: ReadScope): string {
    return CREDENTIAL_KINDS.map(kind => {
        const part = scope[kind];
        return part ? kindModule(kind).scopeKey(part) : "";
    }).join("");
}

/**
 * What confirming `need` reads: the kinds asked about, each skipping what the report's row proves at `days[kind]` (the
 * smallest threshold asked of that kind; without one, nothing is skipped).
 */
export function scopeFor(need: Thresholds, row: ReportRow | undefined, days: Thresholds, now: Date): ReadScope {
    const scope: Record<string, object> = {};
    for (const kind of kindsOf(need)) scope[kind] = kindModule(kind).scopeFromReport(row, days[kind], now);
    return scope;
}

/**
 * True when the report proves that no credential the caller judges can be unused now, so no live call is
 * needed. Anything created or re-enabled since the report is younger than the report itself.
 */
export function provenFreshByReport(row: ReportRow, report: CredentialReport, need: Thresholds, now: Date): boolean {
    if (row.doubt) return false;
    return kindsOf(need).every(kind => kindModule(kind).provenFreshByReport(row, report, need[kind]!, now));
}

/** How a message tells one judged credential: its kind's name for it and its last use. */
export function toldOf(finding: Assessment): Told {
    const kind = kindModule(finding.credential);
    return { name: kind.violationName(finding.credentialId), lastUse: kind.lastUseText(finding) };
}

/**
 * A credential's ID as a findings record carries it: `credentialId` (the sole credential's ID for a kind a user holds
 * one of; none for every credential of the kind), and the kind's own field for it (`accessKeyId`), as records had first.
 */
export function recordedId(kind: CredentialKind, credentialId: string | undefined): { credentialId?: string; accessKeyId?: string } {
    const { idField, soleId } = kindModule(kind);
    return { credentialId: credentialId ?? soleId, ...(idField && credentialId ? { [idField]: credentialId } : {}) };
}

/** One kind judged from a user's facts: each usable credential against `thresholdDays`, the doubtful ones left unjudged. */
export function assessKind(kind: CredentialKind, facts: CredentialFacts, thresholdDays: number, now: Date): KindVerdict {
    return judgeKind(kind, facts, f => kindModule(kind).usable(f), thresholdDays, now);
}
