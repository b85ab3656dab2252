// rules/run/ owns one pack run: the resource's user, the run's state and decisions, and the structured findings; policies call into it.
// What every policy's validateResource is built on: which user, in which (verified) account, what IAM says
// of it, and what the judging policies decided for it in this Analyze call (the notice policy reads that,
// so that it always uses the judging policies' own thresholds). Policies stay thin: a name, metadata and
// the kind of credential they judge.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { AccountAccess, Accounts } from "../accounts/accounts";
import { Need } from "../iam/credential-report";
import { exemptionOf } from "../verdict/exemption";
import { FindingRecord, recordFinding, recordingFindings } from "./findings";
import { ManagedUser, managedUserOf } from "./managed-user";
import { MessageContext, retiringMessage, unusedAccessKeyMessage, unusedPasswordMessage } from "../verdict/message";
import { withDefaults } from "../config/policy-config";
import { providerLabel } from "../accounts/provider-settings";
import { retirementOf, retires, Retirement } from "../verdict/retirement";
import { settingsFrom } from "../config/settings";
import { UnjudgedCredentials } from "../iam/usage";
import { Assessment, assessKind, PasswordAssessment, AccessKeyAssessment } from "../verdict/verdict";

/** A resource that is an IAM user with a known name. */
type NamedUser = Extract<ManagedUser, { kind: "user" }>;

/** What one judging policy decided for one user resource in this run. */
export interface Judgement {
    policy: string;
    kind: CredentialKind;
    thresholdDays: number;
    user: NamedUser;
    access: AccountAccess;
    retirement: Retirement;
    retiringTag: string;
}

/** Everything a run keeps: the accounts (clients, reports, caches) and the judging policies' decisions. */
export class PackRun {
    readonly judgements = new Map<string, Judgement[]>();
    constructor(readonly accounts: Accounts) {}

    judged(urn: string, judgement: Judgement): void {
        const list = (this.judgements.get(urn) ?? []).filter(j => j.policy !== judgement.policy);
        this.judgements.set(urn, [...list, judgement]);
    }
}

/** The state of one pack process: created by index.ts (tests create their own); it does no I/O until asked. */
export function newPackRun(env: NodeJS.ProcessEnv = process.env): PackRun {
    return new PackRun(new Accounts(settingsFrom(env), env));
}

export type CredentialKind = "password" | "access-key";
/** The Need key each kind of credential is asked about under. */
export const NEED: Record<CredentialKind, keyof Need> = { password: "passwordDays", "access-key": "accessKeyDays" };

/** The IAM user a resource is (name and tags), or undefined when it is not one; "not applicable" while its name is unknown. */
export function managedUser(args: ResourceValidationArgs): NamedUser | undefined {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    return user.kind === "user" ? user : undefined;
}

export function accountRecord(access: AccountAccess): Pick<FindingRecord, "accountId" | "account"> {
    return { accountId: access.identity?.accountId ?? null, account: access.label };
}

export function credentialRecord(a: Assessment): Pick<FindingRecord, "credential" | "accessKeyId" | "lastUsed" | "idleDays" | "thresholdDays"> {
    return {
        credential: a.credential,
        accessKeyId: a.credential === "access-key" ? a.accessKeyId : undefined,
        lastUsed: a.lastUsed ? a.lastUsed.date.toISOString() : null,
        idleDays: a.idleDays,
        thresholdDays: a.thresholdDays,
    };
}

const refOf = (a: Assessment) => (a.credential === "password" ? "password" : a.accessKeyId);

/**
 * The two judging policies: exempt users are "not applicable" (with why); the user's live facts are judged
 * at the policy's threshold; an unused credential is a violation, unless the deployment retires it (retiring
 * tag in force: on record instead). Data that could not be read is noted for iam-user-usage-data-unavailable.
 */
export async function judgeCredentials(run: PackRun, args: ResourceValidationArgs, reportViolation: (message: string) => void, policy: string, kind: CredentialKind): Promise<void> {
    const named = managedUser(args);
    if (!named) return;
    const config = withDefaults(args.getConfig());
    const need = { [NEED[kind]]: config.maxUnusedDays };
    const now = new Date();
    const base = { policy, urn: args.urn, user: named.userName };
    const exemption = exemptionOf(named.userName, named.tags, config, now, named.unknownTags);
    if (exemption.exempt === true) {
        // No IAM call is made for an exempt user; its account (verified once per provider) goes on record for review.
        if (recordingFindings()) {
            const access = await run.accounts.accessForUser(args, named.arn, config.accountRoles);
            recordFinding({ ...base, kind: "exempt", ...accountRecord(access), exemption: exemption.record });
        }
        // "Not applicable", with the reason, so that the CLI shows it (the SDK throws to end the validation).
        args.notApplicable(`IAM user '${named.userName}' is ${exemption.why}`);
        return;
    }
    const unknownRetiring = named.unknownTags !== "all" && named.unknownTags.includes(config.retiringTag);
    if (exemption.exempt === "unknown" || unknownRetiring) {
        const why = exemption.exempt === "unknown" ? exemption.why : `its tag ${config.retiringTag} is not known during preview, so whether a credential is being retired cannot be known`;
        await run.accounts.notJudged(args, named.userName, need, why);
        recordFinding({ ...base, kind: "unjudged", accountId: null, account: providerLabel(args.provider, process.env), reason: why });
        return;
    }
    const access = await run.accounts.accessForUser(args, named.arn, config.accountRoles);
    const retirement = retirementOf(named.tags, config.retiringTag, now);
    run.judged(args.urn, { policy, kind, thresholdDays: config.maxUnusedDays, user: named, access, retirement, retiringTag: config.retiringTag });
    const usage = await access.usage.usageOf(named.userName, need);
    if (usage.status === "unavailable") recordFinding({ ...base, kind: "unjudged", ...accountRecord(access), reason: usage.reason });
    if (usage.status !== "found") return;
    const ctx: MessageContext = { accountLabel: access.label, resourceType: args.type, retiringTag: config.retiringTag, now };
    for (const finding of assessKind(kind, usage.facts, config.maxUnusedDays, now)) {
        if (!finding.unused) continue;
        const { retired, note } = retires(retirement, refOf(finding));
        const record = { ...base, ...accountRecord(access), ...credentialRecord(finding) };
        if (retired && retirement.status === "in-force") {
            recordFinding({ ...record, kind: "retiring", retiringUntil: retirement.until });
            continue;
        }
        const notes = [exemption.note, note].filter((n): n is string => n !== undefined);
        reportViolation(finding.credential === "password"
            ? unusedPasswordMessage(finding as PasswordAssessment, { ...ctx, notes })
            : unusedAccessKeyMessage(finding as AccessKeyAssessment, { ...ctx, notes }));
        recordFinding({ ...record, kind: "unused" });
    }
}

/** The judging policies' decisions for this resource in this Analyze call (they run before the notice policy). */
export function judgementsOf(run: PackRun, urn: string): Judgement[] {
    return run.judgements.get(urn) ?? [];
}

/** For the notice policy: each credential the deployment retires, as an advisory record. */
export function retiringText(j: Judgement, finding: Assessment): string | undefined {
    if (j.retirement.status !== "in-force" || !retires(j.retirement, refOf(finding)).retired) return undefined;
    return retiringMessage(finding, j.policy, j.retirement.until, { accountLabel: j.access.label, retiringTag: j.retiringTag });
}

/**
 * For iam-user-usage-data-unavailable: why the data the other policies needed for this user could not
 * be read, if it could not. It reads nothing itself: an exempt user, or one the credential report clears,
 * needs no data, and no data that was not needed is reported missing. It runs after the other policies
 * in each Analyze call (the policy SDK runs a pack's policies in order), so their reads are done.
 */
export async function unavailableUsage(run: PackRun, args: ResourceValidationArgs): Promise<{ user: NamedUser; access: AccountAccess; unjudged: UnjudgedCredentials } | undefined> {
    const named = managedUser(args);
    if (!named) return undefined;
    // Only what a policy asked for and could not judge; none asked (disabled, exempt): nothing.
    for (const access of run.accounts.accessesUsedBy(args.urn)) {
        const unjudged = await access.usage.failureOf(named.userName);
        if (unjudged) return { user: named, access, unjudged };
    }
    return undefined;
}
