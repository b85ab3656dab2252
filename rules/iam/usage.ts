// What a usage source answers about one user. Knows IAM's vocabulary, not policies.
import type { Need } from "./credential-report";
import { CredentialFacts } from "../verdict/verdict";

export interface UsageFound {
    status: "found";
    facts: CredentialFacts;
}

/** IAM has no such user: a preview that will create it. */
export interface UsageNoSuchUser {
    status: "no-such-user";
}

/** The data could not be read. Never a pass. */
export interface UsageUnavailable {
    status: "unavailable";
    /** A sentence a person can act on. */
    reason: string;
    /** The IAM error code, or a transport error code such as ECONNREFUSED. */
    errorCode?: string;
    /** For AccessDenied: the IAM action the pack's identity may not call, e.g. `iam:GetLoginProfile`. */
    missingAction?: string;
    /** Throttling past the retries, a timeout, a 5xx or a network error: worth one more read later in the run. */
    transient?: boolean;
}

/** The credential report proves that none of the credentials asked about can be unused: no live call was made. */
export interface UsageFreshByReport {
    status: "fresh-by-report";
    reportGenerated: Date;
}

/** The credentials a judging policy asked about but could not judge, and the failure it was handed. */
export interface UnjudgedCredentials {
    failure: UsageUnavailable;
    credentials: Set<keyof Need>;
}

export type UserUsage = UsageFound | UsageNoSuchUser | UsageUnavailable | UsageFreshByReport;

export interface UsageReader {
    /**
     * What IAM says of one user, enough to judge the credentials in `need` at their thresholds exactly as
     * the live per-user APIs would. Never rejects; live data is read at most once per user.
     */
    usageOf(userName: string, need: Need): Promise<UserUsage>;
    /** Why credentials of this user that a judging policy asked about were not judged, if any were not. */
    failureOf(userName: string): Promise<UnjudgedCredentials | undefined>;
}

/** Notes that the credentials in `need` of a user were not judged, and the failure that stopped them. */
export function noteUnjudged(ledger: Map<string, UnjudgedCredentials>, userName: string, failure: UsageUnavailable, need: Need): void {
    const entry = ledger.get(userName) ?? { failure, credentials: new Set<keyof Need>() };
    entry.failure = failure;
    for (const credential of Object.keys(need) as (keyof Need)[]) entry.credentials.add(credential);
    ledger.set(userName, entry);
}
