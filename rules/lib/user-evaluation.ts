// What every policy's validateResource starts with: which user, in which (verified) account, and what IAM
// says of it.
// Policies stay thin: they only turn this into their own verdicts and messages.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { AccountSource, AccountSources } from "./account-sources";
import { Need } from "./credential-report";
import { ManagedUser, managedUserOf } from "./managed-user";

/** A resource that is an IAM user with a known name. */
type NamedUser = Extract<ManagedUser, { kind: "user" }>;
import { exemptionOf } from "./exemption";
import { startHeapWatch } from "./lean-heap";
import { UnusedCredentialConfig, withDefaults } from "./policy-config";
import { settingsFrom } from "./settings";
import { UnjudgedCredentials } from "./usage";
import { CredentialFacts } from "./verdict";

// Built on first use, not at load: the pack must print nothing and do no work before its port.
let sources: AccountSources | undefined;

export function accountSources(): AccountSources {
    if (!sources) {
        sources = new AccountSources(settingsFrom(process.env));
        startHeapWatch();
    }
    return sources;
}

/** Drops every client and cache; tests use it to start from a clean run. */
export function resetAccountSources(): void {
    sources = undefined;
}

export interface ManagedUserContext {
    userName: string;
    tags: Record<string, string>;
    /** The source of the user's account: its verified identity and label, or why it is unavailable. */
    source: AccountSource;
    /** How messages name the account: its verified ID and the provider, or the provider alone. */
    accountLabel(): string;
}

/** The IAM user a resource is (name and tags), or undefined when it is not one; "not applicable" while its name is unknown. */
function managedUser(args: ResourceValidationArgs): NamedUser | undefined {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    return user.kind === "user" ? user : undefined;
}

async function withSource(args: ResourceValidationArgs, user: NamedUser, accountRoles: Record<string, string>): Promise<ManagedUserContext> {
    const source = await accountSources().sourceForUser(args, user.arn, accountRoles);
    return { ...user, source, accountLabel: () => source.label };
}

export interface UserToJudge extends ManagedUserContext {
    facts: CredentialFacts;
    config: UnusedCredentialConfig;
    /** Why an exemption tag on the user did not apply, if it did not: said in the violation. */
    exemptionNote?: string;
}

/**
 * For the two unused-credential policies: the user's live facts and the policy's config (defaults
 * applied), or undefined when there is nothing to report: not a user, exempt, not in IAM yet, data
 * unavailable (iam-user-usage-data-unavailable speaks), or proven fresh by the credential report.
 */
export async function userToJudge(args: ResourceValidationArgs, credential: keyof Need): Promise<UserToJudge | undefined> {
    const named = managedUser(args);
    if (!named) return undefined;
    const config = withDefaults(args.getConfig<Partial<UnusedCredentialConfig>>());
    const exemption = exemptionOf(named.userName, named.tags, config, new Date(), named.unknownTags);
    // "Not applicable", with the reason, so that `check` can list exempt users; no AWS call is made for them.
    if (exemption.exempt === true) args.notApplicable(`IAM user '${named.userName}' is ${exemption.why}`);
    if (exemption.exempt === "unknown") {
        await accountSources().notJudged(args, named.userName, { [credential]: config.maxUnusedDays }, exemption.why);
        return undefined;
    }
    const user = await withSource(args, named, config.accountRoles);
    const usage = await user.source.usage.usageOf(user.userName, { [credential]: config.maxUnusedDays });
    if (usage.status !== "found") return undefined;
    return { ...user, facts: usage.facts, config, exemptionNote: exemption.note };
}

/**
 * For iam-user-usage-data-unavailable: why the data the judging policies needed for this user could not
 * be read, if it could not. It reads nothing itself: an exempt user, or one the credential report clears,
 * needs no data, and no data that was not needed is reported missing. It runs after the judging policies
 * in each Analyze call (the policy SDK runs a pack's policies in order), so their reads are done.
 */
export async function unavailableUsage(args: ResourceValidationArgs): Promise<{ user: ManagedUserContext; unjudged: UnjudgedCredentials } | undefined> {
    const named = managedUser(args);
    if (!named) return undefined;
    // Only what a judging policy asked for and could not judge; none asked (disabled, exempt): nothing.
    for (const source of accountSources().sourcesUsedBy(args.urn)) {
        const unjudged = await source.usage.failureOf(named.userName);
        if (unjudged) return { user: { ...named, source, accountLabel: () => source.label }, unjudged };
    }
    return undefined;
}
