// The judging policy of a credential kind, made once for every kind: which user, exempt or not, in which verified
// account, what IAM says of its credentials of the kind, and, for each unused one, whether the deployment retires
// it. What cannot be judged goes on the run's one record of it. The kind's module holds the policy's name, texts and
// config schema, its reads and its messages; this file holds only what every kind does alike.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { UnusedCredentialConfig, withDefaults } from "../config/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "../config/policy-metadata";
import { VerifiedAccess } from "../accounts/accounts";
import { exemptionOf } from "../verdict/exemption";
import { MessageContext } from "../verdict/message";
import { retirementOf, retires, Retirement } from "../verdict/retirement";
import type { Assessment } from "../verdict/verdict";
import type { CredentialKindModule } from "../kinds/kind";
import { assessKind, kindModule } from "../kinds/kinds";
import { FindingRecord } from "./findings";
import { NamedUser, namedUserOf } from "./managed-user";
import { PackRun } from "./pack-run";

/** A user whose account is verified and who is not exempt: what a kind's credentials are judged for. */
export interface SettledUser {
    user: NamedUser;
    config: UnusedCredentialConfig;
    access: VerifiedAccess;
    now: Date;
    /** Why an exemption tag on the user did not apply, for each violation's message. */
    exemptionNote?: string;
    retirement: Retirement;
}

/** The account part of a findings record. */
export function accountFields(access: VerifiedAccess): Pick<FindingRecord, "accountId" | "account"> {
    return { accountId: access.identity.accountId, account: access.label };
}

/** The credential part of a findings record: which credential, its last use and idle days. */
export function credentialFields(
    a: Assessment,
): Pick<FindingRecord, "credential" | "credentialId" | "accessKeyId" | "lastUsed" | "idleDays" | "thresholdDays"> {
    const { idField } = kindModule(a.credential);
    return {
        credential: a.credential,
        credentialId: a.credentialId,
        ...(idField ? { [idField]: a.credentialId } : {}),
        lastUsed: a.lastUsed ? a.lastUsed.date.toISOString() : null,
        idleDays: a.idleDays,
        thresholdDays: a.thresholdDays,
    };
}

/**
 * The user a kind's credentials are judged for on this resource, or undefined: not an IAM user; its name unknown
 * during preview or the user exempt ("not applicable", with why); or it cannot be judged (an exemption or retiring
 * tag unknown during preview, an account not verified). With `onRecord`, as the judging policy calls it, an exempt
 * user and what cannot be judged go on the run's record; the notice policy calls it without, as it only warns.
 */
export async function settleUser(
    run: PackRun,
    args: ResourceValidationArgs,
    kind: CredentialKindModule,
    config: UnusedCredentialConfig,
    onRecord: boolean,
): Promise<SettledUser | undefined> {
    const user = namedUserOf(args);
    if (!user) return undefined;
    const policy = kind.policy.name;
    const now = new Date();
    const exemption = exemptionOf(user.userName, user.tags, config, now, user.unknownTags);
    if (exemption.exempt === true) {
        if (!onRecord) return undefined;
        // No IAM call is made for an exempt user; its account (verified once per provider) goes on record for review.
        if (run.recording) {
            const access = await run.accounts.accessForUser(args, user.arn, config.accountRoles);
            const accountId = access.status === "verified" ? access.identity.accountId : null;
            run.record({
                kind: "exempt",
                policy,
                urn: args.urn,
                user: user.userName,
                accountId,
                account: access.label,
                exemption: exemption.record,
            });
        }
        // "Not applicable", with the reason, so that the CLI shows it (the SDK throws to end the validation).
        args.notApplicable(`IAM user '${user.userName}' is ${exemption.why}`);
        return undefined;
    }
    const unknownRetiring = user.unknownTags !== "all" && user.unknownTags.includes(config.retiringTag);
    if (exemption.exempt === "unknown" || unknownRetiring) {
        const reason =
            exemption.exempt === "unknown"
                ? exemption.why
                : `its tag ${config.retiringTag} is not known during preview, so whether a credential is being retired cannot be known`;
        if (onRecord)
            run.recordUnjudged(args.urn, user.userName, policy, { label: run.accounts.labelOf(args.provider) }, [
                { credential: kind.kind, errorCode: "NotKnownYet", reason },
            ]);
        return undefined;
    }
    const access = await run.accounts.accessForUser(args, user.arn, config.accountRoles);
    if (access.status !== "verified") {
        if (onRecord) run.recordUnjudged(args.urn, user.userName, policy, access, [{ credential: kind.kind, ...access.failure }]);
        return undefined;
    }
    const retirement = retirementOf(user.tags, config.retiringTag, now);
    return { user, config, access, now, exemptionNote: exemption.note, retirement };
}

/** Judges one user's credentials of a kind, reports each unused one, and records every decision. */
async function judgeCredentials(
    run: PackRun,
    args: ResourceValidationArgs,
    kind: CredentialKindModule,
    settled: SettledUser,
    reportViolation: (message: string) => void,
): Promise<void> {
    const { user, config, access, now, retirement } = settled;
    const policy = kind.policy.name;
    const base = { policy, urn: args.urn, user: user.userName, ...accountFields(access) };
    const passed = (reason: string) => run.recording && run.record({ ...base, kind: "passed", credential: kind.kind, reason });
    const usage = await access.usage.usageOf(user.userName, { [kind.kind]: config.maxUnusedDays });
    if (usage.status === "unavailable") {
        const { status: _status, ...failure } = usage;
        run.recordUnjudged(args.urn, user.userName, policy, access, [{ credential: kind.kind, ...failure }]);
    }
    if (usage.status === "no-such-user") passed("not in IAM yet (a preview that creates it)");
    if (usage.status === "fresh-by-report")
        passed(`fresh in the credential report of ${usage.reportGenerated.toISOString().slice(0, 16).replace("T", " ")} UTC`);
    if (usage.status !== "found") return;
    const verdict = assessKind(kind.kind, usage.facts, config.maxUnusedDays, now);
    if (verdict.unjudged.length) run.recordUnjudged(args.urn, user.userName, policy, access, verdict.unjudged);
    if (run.recording) for (const a of verdict.assessments) if (!a.unused) run.record({ ...base, ...credentialFields(a), kind: "passed" });
    if (verdict.assessments.length === 0 && verdict.unjudged.length === 0) passed(kind.noneReason(usage.facts));
    for (const assessment of verdict.assessments.filter(a => a.unused)) {
        const finding = { ...base, ...credentialFields(assessment) };
        const retiring = retires(retirement, assessment.credentialId);
        if (retirement.status === "in-force" && retiring.retired) {
            run.record({ ...finding, kind: "retiring", retiringUntil: retirement.until });
            continue;
        }
        const ctx: MessageContext = {
            accountLabel: access.label,
            resourceType: args.type,
            retiringTag: config.retiringTag,
            now,
            notes: [settled.exemptionNote, retiring.note].filter((n): n is string => n !== undefined),
        };
        const message = kind.unusedMessage(assessment, ctx);
        reportViolation(message);
        run.record({ ...finding, kind: "unused", message });
    }
}

/**
 * A kind's judging policy. Each active credential of the kind idle for maxUnusedDays or more is one violation, by
 * its ID; a credential the same deployment retires (retiring tag) is on record instead; a credential whose data
 * cannot be read or trusted is left to iam-user-usage-data-unavailable, and the others are judged all the same.
 */
export function judgingPolicy(run: PackRun, kind: CredentialKindModule): ResourceValidationPolicy {
    const { name, displayName, description, remediationSteps, configSchema } = kind.policy;
    return {
        name,
        displayName,
        description,
        ...UNUSED_CREDENTIAL_POLICY_METADATA,
        remediationSteps,
        configSchema,
        validateResource: async (args, reportViolation) => {
            const config = withDefaults(args.getConfig());
            run.keepConfig(kind.kind, config);
            const settled = await settleUser(run, args, kind, config, true);
            if (settled) await judgeCredentials(run, args, kind, settled, reportViolation);
        },
    };
}
