// Finding → the text a person reads. Names the user, the credential (never a secret), the last use,
// the idle days, the threshold, and the change that fixes it.
// Pure.
import { MS_PER_DAY } from "../model/credentials";
import { retiringTagValue } from "./retirement";
import { Assessment } from "./verdict";

/** `2026-03-13 10:45 UTC`: minutes are what IAM records for key use. */
export function formatUtc(date: Date): string {
    return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function plural(n: number, unit: string): string {
    return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

export function neverUsed(created: Date, trackingStart: Date): string {
    const caveat = created < trackingStart ? ` (IAM records use only since ${trackingStart.toISOString().slice(0, 10)})` : "";
    return `never used, created ${formatUtc(created)}${caveat}`;
}

function inAccount(accountLabel: string | undefined): string {
    return accountLabel ? ` in ${accountLabel}` : "";
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

export const NATIVE_USER = "aws-native:iam:User";

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

/** A credential as a message names it (by its kind): `console password`, `access key AKIA…`, `access keys`. */
export interface CredentialName {
    text: string;
    /** `access keys`: every key of a user. */
    plural: boolean;
}

/** How a message tells one credential: its name and its last use, as its kind words them. */
export interface Told {
    name: string;
    lastUse: string;
}

/** How a violation is fixed, as its kind words it: the change in code, and the command for one no stack manages. */
export interface FixText {
    inCode: string;
    outOfBand: string;
}

/** A credential unused at its threshold: which, its last use, idle days, and the fix in code and out of band. */
export function unusedMessage(finding: Assessment, told: Told, fix: FixText, ctx: MessageContext = {}): string {
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: ${told.name} is unused: ` +
        `${told.lastUse}; idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}. ` +
        `${fix.inCode}${retiringTagText(ctx, finding.credentialId)}. ${fix.outOfBand}.` +
        notesText(ctx.notes)
    );
}

/** An unused credential the deployment retires (retiring tag in force): not blocked, but on record. */
export function retiringMessage(finding: Assessment, told: Told, policy: string, until: string, ctx: MessageContext = {}): string {
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: ${told.name} is unused (${told.lastUse}; ` +
        `idle ${plural(finding.idleDays, "day")}, threshold ${plural(finding.thresholdDays, "day")}) and is being retired: the tag ` +
        `${ctx.retiringTag} names it until ${until}, so ${policy} lets this deployment apply the fix. If the deployment does not ` +
        `deactivate or remove it, ${policy} reports it again after ${until}.`
    );
}

/** A credential that will reach its policy's threshold soon. */
export function noticeMessage(finding: Assessment, told: Told, policy: string, now: Date, ctx: MessageContext = {}): string {
    const days = Math.max(0, Math.ceil((finding.unusedFrom.getTime() - now.getTime()) / MS_PER_DAY));
    return (
        `IAM user '${finding.userName}'${inAccount(ctx.accountLabel)}: ${told.name} will count as unused on ` +
        `${formatUtc(finding.unusedFrom)}, in ${plural(days, "day")}, and from then ${policy} reports it ` +
        `(and blocks deployments where it is mandatory): ${told.lastUse}; idle ${plural(finding.idleDays, "day")}, ` +
        `threshold ${plural(finding.thresholdDays, "day")}. Use it before then if it is still needed, or retire it.`
    );
}

/** A reason as a sentence ends it: IAM's own messages end with a period already. */
const clause = (reason: string) => reason.replace(/\.+$/, "");

function listed(names: string[]): string {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The credentials that were not judged, and why: one sentence when one reason stopped them all, else each with its
 * own reason. Every message ends with "this is not a pass".
 */
export function unavailableMessage(
    userName: string,
    unjudged: readonly { name: CredentialName; reason: string; account: string }[],
): string {
    const reasons = [...new Set(unjudged.map(u => clause(u.reason)))];
    const names = unjudged.map(u => u.name.text);
    const what = listed(names);
    const where = inAccount(unjudged[0]?.account);
    if (reasons.length === 1) {
        const were = names.length > 1 || unjudged[0].name.plural ? "were" : "was";
        return `IAM user '${userName}'${where}: credentials could not be evaluated: ${reasons[0]}. Its ${what} ${were} not judged; this is not a pass.`;
    }
    const each = unjudged.map(u => `its ${u.name.text}: ${clause(u.reason)}`).join("; ");
    return `IAM user '${userName}'${where}: credentials could not be evaluated: ${each}. These were not judged; this is not a pass.`;
}

/** A notice that could not be computed: the credential itself was judged against its threshold, its notice was not. */
export function noticeUnavailableMessage(
    userName: string,
    unread: { name: CredentialName; reason: string },
    ctx: { policy: string; noticeDays: number; accountLabel?: string },
): string {
    const { text: name, plural: all } = unread.name;
    return (
        `IAM user '${userName}'${inAccount(ctx.accountLabel)}: whether its ${name} ${all ? "reach" : "reaches"} ` +
        `the threshold of ${ctx.policy} within ${plural(ctx.noticeDays, "day")} could not be read: ${clause(unread.reason)}. ` +
        `No notice can be given; ${ctx.policy} judged the credential against its threshold on its own.`
    );
}
