// What a usage source answers about one user. Knows IAM's vocabulary, not policies.
import type { CredentialFacts, Failure, Thresholds } from "../model/credentials";

export interface UsageFound {
    status: "found";
    /** The facts, with the credentials in doubt (each unknown, and only it). */
    facts: CredentialFacts;
}

/** IAM has no such user: a preview that will create it. */
export interface UsageNoSuchUser {
    status: "no-such-user";
}

/** Nothing about the user could be read (its account not verified, IAM unreachable in time…). Never a pass. */
export interface UsageUnavailable extends Failure {
    status: "unavailable";
}

/** The credential report proves that none of the credentials asked about can be unused: no live call was made. */
export interface UsageFreshByReport {
    status: "fresh-by-report";
    reportGenerated: Date;
}

export type UserUsage = UsageFound | UsageNoSuchUser | UsageUnavailable | UsageFreshByReport;

export interface UsageReader {
    /**
     * What IAM says of one user, enough to judge the credentials in `need` at their thresholds exactly as the live
     * per-user APIs would. Never rejects; live data is read at most once per user and scope.
     */
    usageOf(userName: string, need: Thresholds): Promise<UserUsage>;
    /** Starts what the first `usageOf` would wait for (the account's credential report), before anyone asks. */
    startReport(): void;
}

/** Whether an answer holds a failure worth reading once more later in the run. */
export function hasTransientFailure(usage: UserUsage): boolean {
    if (usage.status === "unavailable") return usage.transient === true;
    return usage.status === "found" && usage.facts.doubts.some(d => d.transient === true);
}
