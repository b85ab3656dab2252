// The steps a judging policy takes for one resource, as named functions it calls: which user (name, tags, ARN),
// exempt or not, in which verified account, what IAM says of its credentials of the policy's kind, and, for each
// unused one, whether the deployment retires it. What cannot be judged goes on the run's one record of it.
import type { ResourceValidationArgs } from "@pulumi/policy";
import type { CredentialFacts, CredentialKind } from "../model/credentials";
import { UnusedCredentialConfig, withDefaults } from "../config/policy-config";
import { VerifiedAccess } from "../accounts/accounts";
import { exemptionOf } from "../verdict/exemption";
import { MessageContext } from "../verdict/message";
import { retirementOf, retires, Retirement } from "../verdict/retirement";
import { Assessment, assessKind } from "../verdict/verdict";
import { FindingRecord } from "./findings";
import { ManagedUser, managedUserOf } from "./managed-user";
import { PackRun } from "./pack-run";

/** A resource that is an IAM user with a known name. */
export type NamedUser = Extract<ManagedUser, { kind: "user" }>;

/** A judging policy: its name and the kind of credential it judges. */
export interface JudgingPolicy<K extends CredentialKind = CredentialKind> {
    name: string;
    kind: K;
}

export type AssessmentOf<K extends CredentialKind> = Extract<Assessment, { credential: K }>;

/** The IAM user a resource is, or undefined when it is not one; "not applicable" while its name is unknown. */
export function managedUser(args: ResourceValidationArgs): NamedUser | undefined {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    return user.kind === "user" ? user : undefined;
}

export function accountRecord(access: VerifiedAccess): Pick<FindingRecord, "accountId" | "account"> {
    return { accountId: access.identity.accountId, account: access.label };
}

export function credentialRecord(
    a: Assessment,
): Pick<FindingRecord, "credential" | "accessKeyId" | "lastUsed" | "idleDays" | "thresholdDays"> {
    return {
        credential: a.credential,
        accessKeyId: a.credential === "access-key" ? a.accessKeyId : undefined,
        lastUsed: a.lastUsed ? a.lastUsed.date.toISOString() : null,
        idleDays: a.idleDays,
        thresholdDays: a.thresholdDays,
    };
}

/** Why a user has nothing of a kind to judge: no password (a deleted one's last use is no credential), or no active key. */
function noneOf(kind: CredentialKind, facts: CredentialFacts): string {
    if (kind === "password")
        return facts.passwordLastUsed ? "no console password (deleted; its last use is history)" : "no console password";
    const inactive = facts.accessKeys.filter(k => k.status !== "Active").length;
    return inactive ? `no active access key (${inactive} inactive, which cannot be used)` : "no access key";
}

/** A credential as a retiring tag names it: its key ID, or `password`. */
export const refOf = (a: Assessment): string => (a.credential === "password" ? "password" : a.accessKeyId);

/** What a judging policy settled about a user before reading IAM. */
interface Settled<K extends CredentialKind> {
    policy: JudgingPolicy<K>;
    user: NamedUser;
    config: UnusedCredentialConfig;
    access: VerifiedAccess;
    now: Date;
    /** Why an exemption tag on the user did not apply, for each violation's message. */
    exemptionNote?: string;
    retirement: Retirement;
}

/** One user a judging policy judges in this Analyze call: its account is verified and it is not exempt. */
export class UserToJudge<K extends CredentialKind> {
    readonly policy: JudgingPolicy<K>;
    readonly user: NamedUser;
    readonly config: UnusedCredentialConfig;
    readonly access: VerifiedAccess;
    private readonly now: Date;
    private readonly exemptionNote?: string;
    private readonly retirement: Retirement;

    constructor(
        private readonly run: PackRun,
        private readonly args: ResourceValidationArgs,
        settled: Settled<K>,
    ) {
        ({
            policy: this.policy,
            user: this.user,
            config: this.config,
            access: this.access,
            now: this.now,
            exemptionNote: this.exemptionNote,
            retirement: this.retirement,
        } = settled);
    }

    /**
     * The user's credentials of the policy's kind idle for at least its threshold, from live data (or a report that
     * clears them). What could not be read or trusted goes on the run's record, naming each credential.
     */
    async unusedCredentials(): Promise<AssessmentOf<K>[]> {
        const { kind } = this.policy;
        const usage = await this.access.usage.usageOf(this.user.userName, { [kind]: this.config.maxUnusedDays });
        if (usage.status === "unavailable") {
            const { status: _status, ...failure } = usage;
            this.run.unjudged(this.args, this.user.userName, this.policy.name, this.access, [{ credential: kind, ...failure }]);
        }
        if (usage.status === "no-such-user") this.recordPassed(kind, "not in IAM yet (a preview that creates it)");
        if (usage.status === "fresh-by-report")
            this.recordPassed(
                kind,
                `fresh in the credential report of ${usage.reportGenerated.toISOString().slice(0, 16).replace("T", " ")} UTC`,
            );
        if (usage.status !== "found") return [];
        const verdict = assessKind(kind, usage.facts, this.config.maxUnusedDays, this.now);
        if (verdict.unjudged.length) this.run.unjudged(this.args, this.user.userName, this.policy.name, this.access, verdict.unjudged);
        if (this.run.recording) {
            for (const a of verdict.assessments) if (!a.unused) this.run.record({ ...this.recordOf(a), kind: "passed" });
            if (verdict.assessments.length === 0 && verdict.unjudged.length === 0) this.recordPassed(kind, noneOf(kind, usage.facts));
        }
        return verdict.assessments.filter((a): a is AssessmentOf<K> => a.unused);
    }

    /** Records that nothing of this kind was flagged, and why (for `check`'s list of what was not flagged). */
    private recordPassed(kind: K, reason: string): void {
        if (!this.run.recording) return;
        this.run.record({
            kind: "passed",
            policy: this.policy.name,
            urn: this.args.urn,
            user: this.user.userName,
            ...accountRecord(this.access),
            credential: kind,
            reason,
        });
    }

    /** Whether the deployment retires this unused credential (retiring tag in force): then it is on record, not a violation. */
    retires(credential: AssessmentOf<K>): boolean {
        if (this.retirement.status !== "in-force" || !retires(this.retirement, refOf(credential)).retired) return false;
        this.run.record({ ...this.recordOf(credential), kind: "retiring", retiringUntil: this.retirement.until });
        return true;
    }

    /** How a violation of this credential is told: where, for which resource type, and which tag did not apply. */
    messageContext(credential: AssessmentOf<K>): MessageContext {
        const notes = [this.exemptionNote, retires(this.retirement, refOf(credential)).note].filter((n): n is string => n !== undefined);
        return {
            accountLabel: this.access.label,
            resourceType: this.args.type,
            retiringTag: this.config.retiringTag,
            now: this.now,
            notes,
        };
    }

    /** Records a credential reported as a violation. */
    recordUnused(credential: AssessmentOf<K>): void {
        this.run.record({ ...this.recordOf(credential), kind: "unused" });
    }

    private recordOf(credential: Assessment): Omit<FindingRecord, "kind"> {
        return {
            policy: this.policy.name,
            urn: this.args.urn,
            user: this.user.userName,
            ...accountRecord(this.access),
            ...credentialRecord(credential),
        };
    }
}

/**
 * The user a judging policy judges on this resource, or undefined: not an IAM user; its name unknown during
 * preview or the user exempt ("not applicable", with why); or it cannot be judged (an exemption or retiring tag
 * unknown during preview, an account not verified), which goes on the run's record.
 */
export async function userToJudge<K extends CredentialKind>(
    run: PackRun,
    args: ResourceValidationArgs,
    policy: JudgingPolicy<K>,
): Promise<UserToJudge<K> | undefined> {
    const user = managedUser(args);
    if (!user) return undefined;
    const config = withDefaults(args.getConfig());
    const now = new Date();
    const exemption = exemptionOf(user.userName, user.tags, config, now, user.unknownTags);
    if (exemption.exempt === true) {
        // No IAM call is made for an exempt user; its account (verified once per provider) goes on record for review.
        if (run.recording) {
            const access = await run.accounts.accessForUser(args, user.arn, config.accountRoles);
            const accountId = access.status === "verified" ? access.identity.accountId : null;
            run.record({
                kind: "exempt",
                policy: policy.name,
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
        run.unjudged(args, user.userName, policy.name, { label: run.accounts.labelOf(args.provider) }, [
            { credential: policy.kind, errorCode: "NotKnownYet", reason },
        ]);
        return undefined;
    }
    const access = await run.accounts.accessForUser(args, user.arn, config.accountRoles);
    if (access.status !== "verified") {
        run.unjudged(args, user.userName, policy.name, access, [{ credential: policy.kind, ...access.failure }]);
        return undefined;
    }
    const retirement = retirementOf(user.tags, config.retiringTag, now);
    run.judged(args.urn, {
        policy: policy.name,
        kind: policy.kind,
        thresholdDays: config.maxUnusedDays,
        user,
        access,
        retirement,
        retiringTag: config.retiringTag,
    });
    return new UserToJudge(run, args, { policy, user, config, access, now, exemptionNote: exemption.note, retirement });
}
