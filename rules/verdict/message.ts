// Finding → the text a person reads. Names the user, the credential (never a secret), the last use,
// the idle days, the threshold, and the change that fixes it.
import { retiringTagValue } from "./retirement";
import { AccessKeyAssessment, Assessment, MS_PER_DAY, PasswordAssessment } from "./verdict";
import { UnjudgedCredentials } from "../iam/usage";

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

/** How a violation is told: where, for which resource type, with which tags, and what did not apply. */
export interface MessageContext {
    /** How the account is named: `account 111122223333 (provider prod)`. */
    accountLabel?: string;
    /** The user resource's type token: decides the code change the message names. */
    resourceType?: string;
    /** The retiring tag key: the message prints the tag that lets the fix through the gate. */
    retiringTag?: string;
    now?: Date;
    /** Why an exemption or retiring tag on the user did not apply. */
    notes?: string[];
}

const NATIVE_USER = "aws-native:iam:User";

function notesText(notes: string[] | undefined): string {
    return notes?.length ? ` Not exempt: ${notes.join("; ")}.` : "";
}

/** The tag to add to the user in the same change, written as the user's resource type takes tags. */
function retiringTagText(ctx: MessageContext, credential: string): string {
    if (!ctx.retiringTag) return "";
    const value = retiringTagValue([credential], ctx.now ?? new Date());
    const tag = ctx.resourceType === NATIVE_USER ? `{key: "${ctx.retiringTag}", value: "${value}"} to its tags` : `"${ctx.retiringTag}": "${value}" to its tags`;
    return ` and, in the same change, add ${tag} so that this deployment can apply the fix`;
}

export function unusedAccessKeyMessage(finding: AccessKeyAssessment, ctx: MessageContext = {}): string {
    const outOfBand = `aws iam update-access-key --user-name ${finding.userName} --access-key-id ${finding.accessKeyId} --status Inactive`;
    // aws-native has no access key resource: a managed key is an aws.iam.AccessKey even beside an aws-native user.
    const inCode = ctx.resourceType === NATIVE_USER
        ? `If an aws.iam.AccessKey manages it (aws-native has no access key resource), set status "Inactive" on it (or remove it) and add the retiring tag to the aws-native.iam.User`
        : `Fix in code: set status "Inactive" on its aws.iam.AccessKey (or remove that resource)`;
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: active access key ${finding.accessKeyId} is unused: ` +
        `${accessKeyLastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `${inCode}${retiringTagText(ctx, finding.accessKeyId)}. A key the stack does not manage: ${outOfBand}. Delete the key once nothing breaks.` +
        notesText(ctx.notes)
    );
}

export function unusedPasswordMessage(finding: PasswordAssessment, ctx: MessageContext = {}): string {
    const inCode = ctx.resourceType === NATIVE_USER ? "Fix in code: remove the loginProfile of its aws-native.iam.User" : "Fix in code: remove its aws.iam.UserLoginProfile";
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: console password is unused: ` +
        `${passwordLastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `${inCode}${retiringTagText(ctx, "password")}. A password the stack does not manage: aws iam delete-login-profile --user-name ${finding.userName}.` +
        notesText(ctx.notes)
    );
}

function credentialText(finding: Assessment): string {
    return finding.credential === "password" ? "console password" : `active access key ${finding.accessKeyId}`;
}

function lastUseText(finding: Assessment): string {
    return finding.credential === "password" ? passwordLastUseText(finding) : accessKeyLastUseText(finding);
}

/** An unused credential the deployment retires (retiring tag in force): not blocked, but on record. */
export function retiringMessage(finding: Assessment, policy: string, until: string, ctx: MessageContext = {}): string {
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: ${credentialText(finding)} is unused (${lastUseText(finding)}; ` +
        `idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}) and is being retired: the tag ` +
        `${ctx.retiringTag} names it until ${until}, so ${policy} lets this deployment apply the fix. If the deployment does not ` +
        `deactivate or remove it, ${policy} reports it again after ${until}.`
    );
}

/** A credential that will reach its policy's threshold soon. */
export function noticeMessage(finding: Assessment, policy: string, now: Date, ctx: MessageContext = {}): string {
    const days = Math.max(0, Math.ceil((finding.unusedFrom.getTime() - now.getTime()) / MS_PER_DAY));
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: ${credentialText(finding)} will count as unused on ` +
        `${formatUtc(finding.unusedFrom)}, in ${plural(days, "day")}, and from then ${policy} reports it ` +
        `(and blocks deployments where it is mandatory): ${lastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, ` +
        `threshold ${plural(finding.thresholdDays, "day")}. Use it before then if it is still needed, or retire it.`
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
