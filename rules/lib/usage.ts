// What a usage source answers about one user. Knows IAM's vocabulary, not policies.
import { CredentialFacts } from "./verdict";

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
}

export type UserUsage = UsageFound | UsageNoSuchUser | UsageUnavailable;

export interface UsageSource {
    /** Facts for one user; resolves (never rejects) once per user name, however often it is asked. */
    usageOf(userName: string): Promise<UserUsage>;
}
