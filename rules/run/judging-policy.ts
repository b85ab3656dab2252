// The judging policy of a credential kind, made once for every kind, and the judgement it shares with the notice and
// unavailable policies: which user, exempt or not, in which verified account, what IAM says of its credentials of the
// kind, and, for each unused one, whether the deployment retires it. What cannot be judged goes on record. The kind's module holds the policy's name, texts and
// config schema, its reads and its messages; this file holds only what every kind does alike.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { UnusedCredentialConfig, withDefaults } from "../config/policy-config";
import { UNUSED_CREDENTIAL_FRAMEWORK } from "../config/policy-metadata";
import { VerifiedAccess } from "../accounts/accounts";
import { exemptionOf } from "../verdict/exemption";
import { formatUtc, MessageContext, unusedMessage } from "../verdict/message";
import { retirementOf, retires, Retirement } from "../verdict/retirement";
import type { Assessment } from "../verdict/verdict";
import type { Unjudged } from "../model/credentials";
import type { CredentialKindModule } from "../kinds/kind";
import { assessKind, recordedId, toldOf } from "../kinds/kinds";
import { FindingRecord } from "./findings";
import { NamedUser, namedUserOf } from "./managed-user";
import { PackRun, UnjudgedEntry } from "./pack-run";

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
    return {
        credential: a.credential,
        ...recordedId(a.credential, a.credentialId),
        lastUsed: a.lastUsed ? a.lastUsed.date.toISOString() : null,
        idleDays: a.idleDays,
        thresholdDays: a.thresholdDays,
    };
}

/** What one kind's judging decided for one user resource, once, whichever policy asked first. */
export type Judgement =
    /** Exempt by its tags: "not applicable" for the judging policy, nothing for the others. */
    | { status: "exempt"; why: string }
    /** Not judged (a tag unknown during preview, an account not verified, IAM unreadable…): on record, never a pass. */
    | { status: "not-judged"; unjudged: UnjudgedEntry[] }
    | {
          /** Settled (account verified, not exempt) and judged as far as IAM could be read. */
          status: "judged";
          settled: SettledUser;
          /** The credentials left unjudged (each on record): all of the kind when IAM could not be read. */
          unjudged: UnjudgedEntry[];
          /** The violations: each unused credential the deployment does not retire, with its message. */
          violations: string[];
      };

/**
 * Settles the user and judges its credentials of the kind, writing every decision to the findings once. The judging
 * policy reports the violations, the notice warns against the same settlement, the unavailable policy reports what
 * was not judged: each takes this one result, so none depends on the order in which the SDK runs them.
 */
async function judge(
    run: PackRun,
    args: ResourceValidationArgs,
    user: NamedUser,
    kind: CredentialKindModule,
    config: UnusedCredentialConfig,
): Promise<Judgement> {
    const policy = kind.policy.name;
    const now = new Date();
    const exemption = exemptionOf(user.userName, user.tags, config, now, user.unknownTags);
    if (exemption.exempt === true) {
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
        return { status: "exempt", why: `IAM user '${user.userName}' is ${exemption.why}` };
    }
    const unjudged = (access: Parameters<PackRun["recordUnjudged"]>[3], credentials: Unjudged[]) =>
        run.recordUnjudged(args.urn, user.userName, policy, access, credentials);
    const unknownRetiring = user.unknownTags !== "all" && user.unknownTags.includes(config.retiringTag);
    if (exemption.exempt === "unknown" || unknownRetiring) {
        const reason =
            exemption.exempt === "unknown"
                ? exemption.why
                : `its tag ${config.retiringTag} is not known during preview, so whether a credential is being retired cannot be known`;
        const label = run.accounts.labelOf(args.provider);
        return { status: "not-judged", unjudged: unjudged({ label }, [{ credential: kind.kind, errorCode: "NotKnownYet", reason }]) };
    }
    const access = await run.accounts.accessForUser(args, user.arn, config.accountRoles);
    if (access.status !== "verified")
        return { status: "not-judged", unjudged: unjudged(access, [{ credential: kind.kind, ...access.failure }]) };
    const settled: SettledUser = {
        user,
        config,
        access,
        now,
        exemptionNote: exemption.note,
        retirement: retirementOf(user.tags, config.retiringTag, now),
    };

    const base = { policy, urn: args.urn, user: user.userName, ...accountFields(access) };
    const passed = (reason: string) => run.recording && run.record({ ...base, kind: "passed", credential: kind.kind, reason });
    const usage = await access.usage.usageOf(user.userName, { [kind.kind]: config.maxUnusedDays });
    if (usage.status === "unavailable") {
        const { status: _status, ...failure } = usage;
        return { status: "judged", settled, unjudged: unjudged(access, [{ credential: kind.kind, ...failure }]), violations: [] };
    }
    if (usage.status === "no-such-user") passed("not in IAM yet (a preview that creates it)");
    if (usage.status === "fresh-by-report") passed(`fresh in the credential report of ${formatUtc(usage.reportGenerated)}`);
    if (usage.status !== "found") return { status: "judged", settled, unjudged: [], violations: [] };
    const verdict = assessKind(kind.kind, usage.facts, config.maxUnusedDays, now);
    const left = verdict.unjudged.length ? unjudged(access, verdict.unjudged) : [];
    if (run.recording) for (const a of verdict.assessments) if (!a.unused) run.record({ ...base, ...credentialFields(a), kind: "passed" });
    if (verdict.assessments.length === 0 && verdict.unjudged.length === 0) passed(kind.noneReason(usage.facts));
    const violations: string[] = [];
    for (const assessment of verdict.assessments.filter(a => a.unused)) {
        const finding = { ...base, ...credentialFields(assessment) };
        const { retirement } = settled;
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
            notes: [exemption.note, retiring.note].filter((n): n is string => n !== undefined),
        };
        const message = unusedMessage(assessment, toldOf(assessment), kind.fixText(assessment, args.type), ctx);
        violations.push(message);
        run.record({ ...finding, kind: "unused", message });
    }
    return { status: "judged", settled, unjudged: left, violations };
}

/**
 * The asks one judgement serves: for each resource, its kind's judging policy, the notice and the unavailable policy
 * ask once each. After the last it is dropped; while one of them is disabled, it is kept to the end of the run.
 */
const JUDGEMENT_ASKERS = 3;

/**
 * What a kind's judging decided for the user this resource is, made once per resource (and per what it depends on:
 * the user's name, tags and ARN, the resource's type and provider, the config); undefined when no policy judges the
 * kind (its judging policy is disabled, or has not run yet in this process).
 */
export function judgementOf(
    run: PackRun,
    args: ResourceValidationArgs,
    user: NamedUser,
    kind: CredentialKindModule,
    config = run.configOf(kind.kind),
): Promise<Judgement> | undefined {
    if (!config) return undefined;
    const key = JSON.stringify([args.urn, kind.kind, config, user, args.type, args.provider?.urn ?? null]);
    return run.once(key, JUDGEMENT_ASKERS, () => judge(run, args, user, kind, config));
}

/**
 * A kind's judging policy. Each active credential of the kind idle for maxUnusedDays or more is one violation, by
 * its ID; a credential the same deployment retires (retiring tag) is on record instead; a credential whose data
 * cannot be read or trusted is left to iam-user-usage-data-unavailable, and the others are judged all the same.
 */
export function judgingPolicy(run: PackRun, kind: CredentialKindModule): ResourceValidationPolicy {
    const { name, displayName, description, enforcementLevel, severity, remediationSteps, configSchema } = kind.policy;
    return {
        name,
        displayName,
        description,
        enforcementLevel,
        severity,
        ...UNUSED_CREDENTIAL_FRAMEWORK,
        remediationSteps,
        configSchema,
        validateResource: async (args, reportViolation) => {
            const config = withDefaults(args.getConfig());
            run.keepConfig(kind.kind, config);
            const user = namedUserOf(args);
            if (!user) return; // not a user (or "not applicable" while its name is unknown)
            const judgement = (await judgementOf(run, args, user, kind, config))!;
            // "Not applicable", with the reason, so that the CLI shows it (the SDK throws to end the validation).
            if (judgement.status === "exempt") args.notApplicable(judgement.why);
            if (judgement.status === "judged") for (const message of judgement.violations) reportViolation(message);
        },
    };
}
