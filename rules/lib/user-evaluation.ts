// What every policy's validateResource starts with: which user, in which account, and what IAM says of it.
// Policies stay thin: they only turn this into their own verdicts and messages.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { AccountConfig, accountLabel, resolveAccount } from "./account";
import { AccountSource, AccountSources } from "./account-sources";
import { Need } from "./credential-report";
import { managedUserOf } from "./managed-user";
import { exemptionOf } from "./exemption";
import { startHeapWatch } from "./lean-heap";
import { UnusedCredentialConfig, withDefaults } from "./policy-config";
import { settingsFrom } from "./settings";
import { UnjudgedCredentials } from "./usage";
import { CredentialFacts } from "./verdict";

// Built on first use, not at load: the pack must print nothing and do no work before its port.
let sources: AccountSources | undefined;
// A provider's inputs do not change during a run: resolve each provider once, not once per policy and user.
let byProvider = new Map<string, { account: AccountConfig; source: AccountSource }>();

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
    byProvider = new Map();
}

function accountOf(provider: ResourceValidationArgs["provider"]): { account: AccountConfig; source: AccountSource } {
    const key = provider?.urn ?? "";
    let resolved = byProvider.get(key);
    if (!resolved) {
        const account = resolveAccount(provider, process.env);
        resolved = { account, source: accountSources().sourceFor(account) };
        byProvider.set(key, resolved);
    }
    return resolved;
}

export interface ManagedUserContext {
    userName: string;
    tags: Record<string, string>;
    /** This resource's own account configuration (its provider's name, the account ID when known). */
    account: AccountConfig;
    source: AccountSource;
    /** How messages name the account: its ID when known (from the provider or the credential report), and the provider. */
    accountLabel(): string;
}

/**
 * The managed user behind a resource and the source of its account, or undefined when the resource is
 * not an IAM user. A user whose name is unknown during preview is "not applicable" for now.
 */
export function managedUserContext(args: ResourceValidationArgs): ManagedUserContext | undefined {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") {
        args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    }
    const { account, source } = accountOf(args.provider);
    return { userName: user.userName, tags: user.tags, account, source, accountLabel: () => accountLabel(account, source.usage.knownAccountId()) };
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
    const user = managedUserContext(args);
    if (!user) return undefined;
    const config = withDefaults(args.getConfig<Partial<UnusedCredentialConfig>>());
    const exemption = exemptionOf(user.userName, user.tags, config, new Date());
    // "Not applicable", with the reason, so that `check` can list exempt users; no IAM call is made for them.
    if (exemption.exempt) args.notApplicable(`IAM user '${user.userName}' is ${exemption.why}`);
    const usage = await user.source.usage.usageOf(user.userName, { [credential]: config.maxUnusedDays });
    if (usage.status !== "found") return undefined;
    return { ...user, facts: usage.facts, config, exemptionNote: exemption.exempt ? undefined : exemption.note };
}

/**
 * For iam-user-usage-data-unavailable: why the data the judging policies needed for this user could not
 * be read, if it could not. It reads nothing itself: an exempt user, or one the credential report clears,
 * needs no data, and no data that was not needed is reported missing. It runs after the judging policies
 * in each Analyze call (the policy SDK runs a pack's policies in order), so their reads are done.
 */
export async function unavailableUsage(args: ResourceValidationArgs): Promise<{ user: ManagedUserContext; unjudged: UnjudgedCredentials } | undefined> {
    const user = managedUserContext(args);
    if (!user) return undefined;
    const unjudged = await user.source.usage.failureOf(user.userName);
    return unjudged ? { user, unjudged } : undefined;
}
