// What every policy's validateResource starts with: which user, in which account, and its live usage.
// Policies stay thin: they only turn this into their own verdicts and messages.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { AccountConfig, resolveAccount } from "./account";
import { AccountSources } from "./account-sources";
import { managedUserOf } from "./managed-user";
import { matchingExemption, UnusedCredentialConfig, withDefaults } from "./policy-config";
import { settingsFrom } from "./settings";
import { UserUsage } from "./usage";
import { CredentialFacts } from "./verdict";

export interface UserEvaluation {
    userName: string;
    tags: Record<string, string>;
    account: AccountConfig;
    usage: UserUsage;
}

// Built on first use, not at load: the pack must print nothing and do no work before its port.
let sources: AccountSources | undefined;

export function accountSources(): AccountSources {
    sources ??= new AccountSources(settingsFrom(process.env));
    return sources;
}

/** Drops every client and cache; tests use it to start from a clean run. */
export function resetAccountSources(): void {
    sources = undefined;
}

/**
 * The managed user behind a resource and its live usage, or undefined when the resource is not an
 * IAM user. A user whose name is unknown during preview is "not applicable" for now.
 */
export async function evaluateManagedUser(args: ResourceValidationArgs): Promise<UserEvaluation | undefined> {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") {
        args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    }
    const account = resolveAccount(args.provider, process.env);
    const source = accountSources().sourceFor(account);
    const usage = await source.usage.usageOf(user.userName);
    return { userName: user.userName, tags: user.tags, account: source.account, usage };
}

export interface UserToJudge {
    evaluation: UserEvaluation;
    facts: CredentialFacts;
    config: UnusedCredentialConfig;
}

/**
 * For the two unused-credential policies: the user's facts and the policy's config (defaults applied),
 * or undefined when there is nothing to judge (not a user, not in IAM yet, data unavailable, exempt).
 */
export async function userToJudge(args: ResourceValidationArgs): Promise<UserToJudge | undefined> {
    const evaluation = await evaluateManagedUser(args);
    if (evaluation?.usage.status !== "found") return undefined;
    const config = withDefaults(args.getConfig<Partial<UnusedCredentialConfig>>());
    if (matchingExemption(evaluation.userName, config.exemptUsers)) return undefined;
    return { evaluation, facts: evaluation.usage.facts, config };
}
