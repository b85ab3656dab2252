// rules/accounts/ owns which verified account each user is read in (provider settings, credentials, identity); it reads no user's data.
// Where each user's IAM data comes from, for the whole run. A provider's settings decide its credentials
// (one configuration → one IAM client and one verified identity); the verified account and partition decide
// the rest: one credential report, one cache of users' data and one rate cap per account, shared by every
// region and every provider that reaches it (IAM's rate limit is the account's). A provider whose account
// cannot be verified, or is not the one it must be, makes each of its users unavailable, with the reason.
// In audit runs a user's state names its account (its ARN): a user of another account than the credentials
// reach is read through the role mapped to that account, or reported unavailable: never judged elsewhere.
import { IAMClient } from "@aws-sdk/client-iam";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { createHash } from "node:crypto";
import { AccountUsageReader } from "../iam/account-usage-reader";
import { credentialsFor } from "./credentials";
import { IamRequester, makeIamRequester } from "../iam/iam-requester";
import { IdentityCheck, VerifiedIdentity, verifyIdentity } from "./identity";
import { UserArn } from "../run/managed-user";
import { credentialKey, ProviderLike, providerLabel, providerSettings, ProviderSettings } from "./provider-settings";
import { PackSettings } from "../config/settings";
import { noteUnjudged, UnjudgedCredentials, UsageReader, UsageUnavailable, UserUsage } from "../iam/usage";
import type { Need } from "../iam/credential-report";

/** What a policy reads a user's data through. */
export interface AccountAccess {
    /** How messages name the account: `account 111122223333 (provider prod)`, or the provider when unverified. */
    label: string;
    /** What the data is read with: `provider prod`, or `the environment's AWS configuration, role arn:…`. */
    readWith: string;
    usage: UsageReader;
    /** The verified identity; undefined when it could not be verified (then every user is unavailable). */
    identity?: VerifiedIdentity;
    /** The account's requester (caps, deadline), for `check`'s re-reads and fixes; only when verified. */
    iam?: IamRequester;
    /** Why the account is not verified, when it is not. */
    unverified?: string;
}

/** Every user of a provider whose account is not verified: unavailable, never read, never a pass. */
class UnverifiedAccountReader implements UsageReader {
    private readonly unjudged = new Map<string, UnjudgedCredentials>();

    constructor(private readonly failure: UsageUnavailable) {}

    async usageOf(userName: string, need: Need): Promise<UserUsage> {
        noteUnjudged(this.unjudged, userName, this.failure, need);
        return this.failure;
    }

    async failureOf(userName: string): Promise<UnjudgedCredentials | undefined> {
        return this.unjudged.get(userName);
    }
}

export function makeIamClient(settings: ProviderSettings, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, pack: PackSettings): IAMClient {
    // The SDK warns on every run that its 2027 releases need Node 22; inside a preview that is noise
    // about a pinned dependency, not about the stack. A user who sets the variable keeps their choice.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    return new IAMClient({
        region: settings.region,
        endpoint: settings.iamEndpoint,
        credentials,
        useFipsEndpoint: settings.useFipsEndpoint,
        useDualstackEndpoint: settings.useDualstackEndpoint,
        retryMode: "adaptive", // client-side rate limiting that backs off when IAM throttles
        maxAttempts: pack.maxAttempts,
        requestHandler: { connectionTimeout: Math.min(5_000, pack.requestTimeoutMs), requestTimeout: pack.requestTimeoutMs },
    });
}

const digest = (secret: string) => createHash("sha256").update(secret).digest("hex").slice(0, 16);

interface Verified {
    client: IAMClient;
    check: IdentityCheck;
}

export class Accounts {
    private readonly byProvider = new Map<string, Promise<AccountAccess>>();
    private readonly byCredentials = new Map<string, Promise<Verified>>();
    private readonly byAccount = new Map<string, { iam: IamRequester; usage: AccountUsageReader }>();
    private readonly byMapping = new Map<string, Promise<AccountAccess>>();
    private readonly preRead = new Map<string, AccountAccess>();
    /** The sources each user resource was read through, for the policy that reports what went unjudged. */
    private readonly usedByResource = new Map<string, Set<AccountAccess>>();

    constructor(private readonly pack: PackSettings, private readonly env: NodeJS.ProcessEnv = process.env) {}

    /** The source of a provider's users (a provider's inputs do not change during a run: resolved once). */
    accessFor(provider: ProviderLike | undefined): Promise<AccountAccess> {
        const key = provider?.urn ?? "";
        let source = this.byProvider.get(key);
        if (!source) {
            source = this.resolve(provider);
            this.byProvider.set(key, source);
        }
        return source;
    }

    /**
     * The source of one user resource: its provider's account; or, when the user's ARN names another account,
     * that account through the role `accountRoles` maps it to (the pack's setting, then the policy's config).
     */
    async accessForUser(resource: { urn: string; provider?: ProviderLike }, arn: UserArn | undefined, accountRoles: Record<string, string>): Promise<AccountAccess> {
        const base = await this.accessFor(resource.provider);
        let source = base;
        if (arn && base.identity?.accountId !== arn.accountId) {
            const role = { ...this.pack.accountRoles, ...accountRoles }[arn.accountId];
            if (role) source = await this.mapped(resource.provider, arn, role);
            else if (base.identity) source = await this.elsewhere(resource.provider, arn, base);
        }
        const used = this.usedByResource.get(resource.urn) ?? new Set<AccountAccess>();
        used.add(source);
        this.usedByResource.set(resource.urn, used);
        return source;
    }

    /** Records credentials of a user resource that were not judged for a reason found before any read. */
    async notJudged(resource: { urn: string; provider?: ProviderLike }, userName: string, need: Need, reason: string): Promise<void> {
        let source = this.preRead.get(resource.urn);
        if (!source) {
            const label = providerLabel(resource.provider, this.env);
            source = { label, readWith: label, unverified: reason, usage: new UnverifiedAccountReader({ status: "unavailable", errorCode: "NotKnownYet", reason }) };
            this.preRead.set(resource.urn, source);
            this.usedByResource.set(resource.urn, new Set([...(this.usedByResource.get(resource.urn) ?? []), source]));
        }
        await source.usage.usageOf(userName, need);
    }

    /** The sources a user resource was read through so far (none when no judging policy asked). */
    accessesUsedBy(urn: string): AccountAccess[] {
        return [...(this.usedByResource.get(urn) ?? [])];
    }

    /** The user's account through its mapped role, assumed with the provider's own credentials. */
    private mapped(provider: ProviderLike | undefined, arn: UserArn, roleArn: string): Promise<AccountAccess> {
        const key = `${provider?.urn ?? ""}\n${roleArn}`;
        let source = this.byMapping.get(key);
        if (!source) {
            const reading = providerSettings(provider, this.env);
            source = reading.status === "unreadable"
                ? Promise.resolve(this.unreadable(reading))
                : this.resolveSettings({
                    ...reading.settings,
                    label: `${reading.settings.label}, role ${roleArn}`,
                    assumeRoles: [...reading.settings.assumeRoles, { roleArn }],
                    allowedAccountIds: [arn.accountId],
                    forbiddenAccountIds: undefined,
                });
            this.byMapping.set(key, source);
        }
        return source;
    }

    /** A user of an account the credentials do not reach, with no role mapped to it: unavailable, naming both. */
    private elsewhere(provider: ProviderLike | undefined, arn: UserArn, base: AccountAccess): Promise<AccountAccess> {
        const key = `${provider?.urn ?? ""}\n!${arn.accountId}`;
        let source = this.byMapping.get(key);
        if (!source) {
            const reason =
                `the user's ARN names account ${arn.accountId}, but the credentials of ${base.readWith} reach account ` +
                `${base.identity!.accountId}; map account ${arn.accountId} to a role in it (accountRoles in the policy config, or UNUSED_CREDENTIALS_ACCOUNT_ROLES) to judge it`;
            source = Promise.resolve({ label: base.label, readWith: base.readWith, unverified: reason, usage: new UnverifiedAccountReader({ status: "unavailable", errorCode: "AccountMismatch", reason }) });
            this.byMapping.set(key, source);
        }
        return source;
    }

    private unreadable(reading: { label: string; reason: string }): AccountAccess {
        return { label: reading.label, readWith: reading.label, unverified: reading.reason, usage: new UnverifiedAccountReader({ status: "unavailable", errorCode: "UnreadableProvider", reason: reading.reason }) };
    }

    private async resolve(provider: ProviderLike | undefined): Promise<AccountAccess> {
        const reading = providerSettings(provider, this.env);
        return reading.status === "unreadable" ? this.unreadable(reading) : this.resolveSettings(reading.settings);
    }

    private async resolveSettings(settings: ProviderSettings): Promise<AccountAccess> {
        const { client, check } = await this.verified(settings);
        if (check.status !== "verified") return { label: settings.label, readWith: settings.label, unverified: check.reason, usage: new UnverifiedAccountReader(check) };
        const { accountId, partition } = check.identity;
        const accountKey = `${partition}:${accountId}`;
        let account = this.byAccount.get(accountKey);
        if (!account) {
            const label = `account ${accountId}`;
            const iam = makeIamRequester(client, { maxInFlight: this.pack.maxInFlight, timeoutMs: this.pack.requestTimeoutMs, maxRequestsPerSecond: this.pack.maxRequestsPerSecond });
            account = { iam, usage: new AccountUsageReader(iam, this.pack, { accountName: label, accountId }) };
            this.byAccount.set(accountKey, account);
        }
        return { label: `account ${accountId} (${settings.label})`, readWith: settings.label, usage: account.usage, identity: check.identity, iam: account.iam };
    }

    /** One client and one GetCallerIdentity per credential configuration. */
    private verified(settings: ProviderSettings): Promise<Verified> {
        const key = credentialKey(settings, digest);
        let verified = this.byCredentials.get(key);
        if (!verified) {
            const sts = { region: settings.stsRegion ?? settings.region, endpoint: settings.stsEndpoint };
            const bounds = { timeoutMs: this.pack.requestTimeoutMs, maxAttempts: this.pack.maxAttempts, sts };
            const credentials = credentialsFor(settings, bounds);
            const client = makeIamClient(settings, credentials, this.pack);
            verified = verifyIdentity(settings, credentials, bounds).then(check => ({ client, check }));
            this.byCredentials.set(key, verified);
        }
        return verified;
    }
}
