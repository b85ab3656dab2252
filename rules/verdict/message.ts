// Finding → the text a person reads. Names the user, the credential (never a secret), the last use,
// the idle days, the threshold, and the change that fixes it.
// Pure.
import { MS_PER_DAY, Unjudged } from "../model/credentials";
import { ACCESS_KEY_TRACKING_START, PASSWORD_TRACKING_START } from "../model/limits";
import { retiringTagValue } from "./retirement";
import { AccessKeyAssessment, Assessment, PasswordAssessment } from "./verdict";

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
    const beforeCreation =
        used.date < finding.createDate
            ? `; IAM records that use before the key's creation ${formatUtc(finding.createDate)}, so idle time counts from creation`
            : "";
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
    const tag =
        ctx.resourceType === NATIVE_USER
            ? `{key: "${ctx.retiringTag}", value: "${value}"} to its tags`
            : `"${ctx.retiringTag}": "${value}" to its tags`;
    return ` and, in the same change, add ${tag} so that this deployment can apply the fix`;
}

export function unusedAccessKeyMessage(finding: AccessKeyAssessment, ctx: MessageContext = {}): string {
    const outOfBand = `aws iam update-access-key --user-name ${finding.userName} --access-key-id ${finding.accessKeyId} --status Inactive`;
    // aws-native has no access key resource: a managed key is an aws.iam.AccessKey even beside an aws-native user.
    const inCode =
        ctx.resourceType === NATIVE_USER
            ? "If an aws.iam.AccessKey manages it (aws-native has no access key resource), " +
              'set status "Inactive" on it (or remove it) and add the retiring tag to the aws-native.iam.User'
            : `Fix in code: set status "Inactive" on its aws.iam.AccessKey (or remove that resource)`;
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: active access key ${finding.accessKeyId} is unused: ` +
        `${accessKeyLastUseText(finding)}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `${inCode}${retiringTagText(ctx, finding.accessKeyId)}. A key the stack does not manage: ${outOfBand}. Delete the key once nothing breaks.` +
        notesText(ctx.notes)
    );
}

export function unusedPasswordMessage(finding: PasswordAssessment, ctx: MessageContext = {}): string {
    const inCode =
        ctx.resourceType === NATIVE_USER
            ? "Fix in code: remove the loginProfile of its aws-native.iam.User"
            : "Fix in code: remove its aws.iam.UserLoginProfile";
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

/** A reason as a sentence ends it: IAM's own messages end with a period already. */
const clause = (reason: string) => reason.replace(/\.+$/, "");

/** A credential as messages name it: `console password`, `access key AKIA…`, or `access keys` for all of them. */
function unjudgedName(u: Unjudged): string {
    if (u.credential === "password") return "console password";
    return u.accessKeyId ? `access key ${u.accessKeyId}` : "access keys";
}

function listed(names: string[]): string {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The credentials that were not judged, and why: one sentence when one reason stopped them all, else each with its
 * own reason. Every message ends with "this is not a pass".
 */
export function unavailableMessage(userName: string, unjudged: readonly (Unjudged & { account: string })[]): string {
    const reasons = [...new Set(unjudged.map(u => clause(u.reason)))];
    const names = unjudged.map(unjudgedName);
    const what = listed(names);
    const where = inAccount(unjudged[0]?.account);
    if (reasons.length === 1) {
        const were = names.length > 1 || what === "access keys" ? "were" : "was";
        return `IAM user '${userName}'${where}: credentials could not be evaluated: ${reasons[0]}. Its ${what} ${were} not judged; this is not a pass.`;
    }
    const each = unjudged.map(u => `its ${unjudgedName(u)}: ${clause(u.reason)}`).join("; ");
    return `IAM user '${userName}'${where}: credentials could not be evaluated: ${each}. These were not judged; this is not a pass.`;
}

/** A notice that could not be computed: the credential itself was judged against its threshold, its notice was not. */
export function noticeUnavailableMessage(
    userName: string,
    unread: Unjudged,
    ctx: { policy: string; noticeDays: number; accountLabel?: string },
): string {
    const name = unjudgedName(unread);
    return (
        `IAM user '${userName}'${inAccount(ctx.accountLabel)}: whether its ${name} ${name === "access keys" ? "reach" : "reaches"} ` +
        `the threshold of ${ctx.policy} within ${plural(ctx.noticeDays, "day")} could not be read: ${clause(unread.reason)}. ` +
        `No notice can be given; ${ctx.policy} judged the credential against its threshold on its own.`
    );
}
