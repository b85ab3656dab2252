// Structured findings: what each policy decided, as data, for tools built on the pack (`check` builds its report,
// its exemption review, its exit code and its fixes from these, never from message text). One JSON object per line,
// to the file a tool names when it starts the pack; a CLI run names none and nothing is written. Holds no secret:
// users, key IDs, accounts, dates and counts only.
import * as fs from "node:fs";
import type { CredentialKind } from "../model/credentials";
import type { ExemptionRecord } from "../verdict/exemption";
import type { ReportNotice } from "../reading/account-usage-reader";

/** The environment variable through which a tool names the findings file (read once, by index.ts). */
export const FINDINGS_FILE_ENV = "UNUSED_CREDENTIALS_FINDINGS_FILE";

export const FINDING_KINDS = ["unused", "retiring", "notice", "notice-unavailable", "exempt", "unjudged", "passed"] as const;

export interface FindingRecord {
    /**
     * unused: a violation of a judging policy; retiring: unused, but the deployment retires it (retiring tag); notice:
     * reaches its threshold within noticeDays; notice-unavailable: whether it does could not be read (the credential
     * itself was judged); exempt: the user is exempt; unjudged: not judged, never a pass; passed: judged and not
     * unused (a credential with its last use, or, without a credential, the reason: none of that kind, not in IAM yet,
     * fresh in the credential report).
     */
    kind: (typeof FINDING_KINDS)[number];
    policy: string;
    urn: string;
    user: string;
    /** The verified account ID; null when the account could not be verified or the user was never read. */
    accountId: string | null;
    /** The account as messages name it. */
    account: string;
    /** The credential's kind: for unjudged, an absent credentialId means every credential of the kind. */
    credential?: CredentialKind;
    /** Which credential: `password`, or the access key's ID. Tools join records by (urn, policy, credentialId). */
    credentialId?: string;
    /** The access key's ID again (the record format before credentialId). */
    accessKeyId?: string;
    /** The diagnostic's text, exactly as the policy reported it (unused, retiring, notice, notice-unavailable). */
    message?: string;
    /** ISO time of the last use IAM records; null when never used. */
    lastUsed?: string | null;
    idleDays?: number;
    thresholdDays?: number;
    /** ISO time the credential reaches its threshold (notice). */
    unusedFrom?: string;
    /** The retiring tag's last day (retiring). */
    retiringUntil?: string;
    exemption?: ExemptionRecord;
    /** Why it was not judged (unjudged, notice-unavailable), or why nothing of its kind was flagged (passed). */
    reason?: string;
}

/**
 * What an account's credential report set aside (the pack's stderr says it in one line too): the whole report, or
 * rows doubted one by one (their users were read live). Not about one user: no urn, user or policy.
 */
export interface ReportNoticeRecord extends ReportNotice {
    kind: "credential-report";
}

export interface FindingsSink {
    record(record: FindingRecord): void;
    /** An account's credential report set aside, whole or in part. */
    reportNotice?(notice: ReportNoticeRecord): void;
}

/**
 * A sink writing to `file`, created (empty) at once: a tool that finds no file knows the pack's records were lost,
 * rather than reading "no records" as a clean run.
 */
export function fileSink(file: string): FindingsSink {
    fs.writeFileSync(file, "");
    const write = (line: object) => fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    return { record: write, reportNotice: write };
}
