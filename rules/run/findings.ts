// Structured findings: what each policy decided, as data, for tools built on the pack (`check` builds its
// report, its exemption review and its fixes from these, never from message text). Written, one JSON object
// per line, to the file named by UNUSED_CREDENTIALS_FINDINGS_FILE when it is set; a CLI run sets nothing and
// writes nothing. Holds no secret: users, key IDs, dates and counts only.
import { appendFileSync } from "node:fs";
import { ExemptionRecord } from "../verdict/exemption";

export const FINDINGS_FILE_ENV = "UNUSED_CREDENTIALS_FINDINGS_FILE";

export interface FindingRecord {
    /**
     * unused: a violation of a judging policy; retiring: unused, but the deployment retires it (retiring tag);
     * notice: reaches its threshold within noticeDays; exempt: the user is exempt; unjudged: not judged, never a pass.
     */
    kind: "unused" | "retiring" | "notice" | "exempt" | "unjudged";
    policy: string;
    urn: string;
    user: string;
    /** The verified account ID; null when the account could not be verified or the user was never read. */
    accountId: string | null;
    /** The account as messages name it. */
    account: string;
    credential?: "password" | "access-key";
    accessKeyId?: string;
    /** ISO time of the last use IAM records; null when never used. */
    lastUsed?: string | null;
    idleDays?: number;
    thresholdDays?: number;
    /** ISO time the credential reaches its threshold (notice). */
    unusedFrom?: string;
    /** The retiring tag's last day (retiring). */
    retiringUntil?: string;
    exemption?: ExemptionRecord;
    /** Why it was not judged (unjudged). */
    reason?: string;
}

/** Whether a tool asked for the records (a CLI run does not: then nothing extra is read for them). */
export function recordingFindings(env: NodeJS.ProcessEnv = process.env): boolean {
    return Boolean(env[FINDINGS_FILE_ENV]);
}

/** Appends one record to the findings file, if one was asked for. */
export function recordFinding(record: FindingRecord, env: NodeJS.ProcessEnv = process.env): void {
    const file = env[FINDINGS_FILE_ENV];
    if (file) appendFileSync(file, `${JSON.stringify(record)}\n`);
}
