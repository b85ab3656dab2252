// Finding → the text a person reads. Names the user, the credential (never a secret), the last use,
// the idle days, the threshold, and the change that fixes it.
import { AccessKeyAssessment, PasswordAssessment } from "./verdict";
import { UnjudgedCredentials } from "./usage";

// IAM records password use only since 2014-10-20 and key use since 2015-04-22: older use reads as "never".
export const PASSWORD_TRACKING_START = new Date("2014-10-20T00:00:00Z");
export const ACCESS_KEY_TRACKING_START = new Date("2015-04-22T00:00:00Z");

/** `2026-03-13 10:45 UTC`: minutes are what IAM records for key use. */
export function formatUtc(date: Date): string {
    return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function plural(n: number, unit: string): string {
    return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

function neverUsed(created: Date, trackingStart: Date): string {
    const caveat = created < trackingStart ? ` (IAM records use only since ${trackingStart.toISOString().slice(0, 10)})` : "";
    return `never used, created ${formatUtc(created)}${caveat}`;
}

function inAccount(accountLabel: string | undefined): string {
    return accountLabel ? ` in ${accountLabel}` : "";
}

export function accessKeyLastUseText(finding: AccessKeyAssessment): string {
    const used = finding.lastUsed;
    if (!used) return neverUsed(finding.createDate, ACCESS_KEY_TRACKING_START);
    const where = [used.serviceName && `service ${used.serviceName}`, used.region && `region ${used.region}`].filter(Boolean).join(", ");
    // IAM sometimes records a last use before the key's creation; the verdict then counts idle time from creation.
    const beforeCreation = used.date < finding.createDate ? `; IAM records that use before the key's creation ${formatUtc(finding.createDate)}, so idle time counts from creation` : "";
    return `last used ${formatUtc(used.date)}${where ? ` (${where})` : ""}${beforeCreation}`;
}

export function passwordLastUseText(finding: PasswordAssessment): string {
    if (!finding.lastUsed) return neverUsed(finding.createDate, PASSWORD_TRACKING_START);
    const recreated = finding.idleSince.getTime() === finding.createDate.getTime() && finding.createDate > finding.lastUsed.date;
    const suffix = recreated ? `; password re-created ${formatUtc(finding.createDate)}` : "";
    return `last used ${formatUtc(finding.lastUsed.date)}${suffix}`;
}

/** Appended to a violation when an exemption tag on the user was present but did not apply. */
function exemptionNoteText(note: string | undefined): string {
    return note ? ` Not exempt: ${note}.` : "";
}

export function unusedAccessKeyMessage(finding: AccessKeyAssessment, accountLabel?: string, exemptionNote?: string): string {
    return (
        `IAM user '${finding.userName}'${inAccount(accountLabel)}: active access key ${finding.accessKeyId} is unused: ` +
        `${accessKeyLastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `Deactivate the key (set status "Inactive" on its aws.iam.AccessKey, or ` +
        `aws iam update-access-key --user-name ${finding.userName} --access-key-id ${finding.accessKeyId} --status Inactive), ` +
        `then delete it once nothing breaks.` +
        exemptionNoteText(exemptionNote)
    );
}

export function unusedPasswordMessage(finding: PasswordAssessment, accountLabel?: string, exemptionNote?: string): string {
    return (
        `IAM user '${finding.userName}'${inAccount(accountLabel)}: console password is unused: ` +
        `${passwordLastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `Delete the login profile (remove its aws.iam.UserLoginProfile, or ` +
        `aws iam delete-login-profile --user-name ${finding.userName}).` +
        exemptionNoteText(exemptionNote)
    );
}

/** Which of the user's credentials went unjudged, as a message says it. */
function unjudgedText(credentials: ReadonlySet<string>): string {
    const password = credentials.has("passwordDays");
    const keys = credentials.has("accessKeyDays");
    if (password && !keys) return "Its console password was not judged";
    if (keys && !password) return "Its access keys were not judged";
    return "Its console password and access keys were not judged";
}

export function unavailableMessage(userName: string, unjudged: UnjudgedCredentials, accountLabel?: string): string {
    return (
        `IAM user '${userName}'${inAccount(accountLabel)}: credentials could not be evaluated: ${unjudged.failure.reason}. ` +
        `${unjudgedText(unjudged.credentials)}; this is not a pass.`
    );
}

/** A finding as a violation message names it; `check` uses this to act on what the pack reported. */
export type FindingRef = { userName: string; credential: "password" } | { userName: string; credential: "access-key"; accessKeyId: string };

const FINDING = /^IAM user '([^']+)'.*?: (?:active access key (AKIA[A-Z0-9]{16}) is unused|(console password) is unused)/;

/** The inverse of unusedAccessKeyMessage / unusedPasswordMessage for the user and credential. */
export function findingOfMessage(message: string): FindingRef | undefined {
    const match = FINDING.exec(message);
    if (!match) return undefined;
    const [, userName, accessKeyId] = match;
    return accessKeyId ? { userName, credential: "access-key", accessKeyId } : { userName, credential: "password" };
}
