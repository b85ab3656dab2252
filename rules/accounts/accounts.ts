// rules/accounts/ owns which verified account each user is read in (provider settings, credentials, identity); it reads no user's data.
// Where each user's IAM data comes from, for the whole run. A provider's settings decide its credentials (one
// configuration → one IAM client and one GetCallerIdentity); the verified account and partition decide the rest:
// one credential report, one cache of users' data and one rate cap per account, shared by every region and
// provider that reaches it (IAM's rate limit is the account's). A provider whose account cannot be verified, or
// is not the one it must be, is unverified, with the reason: its users are never read.
// A user's state may name its account (its ARN): a user of another account than the credentials reach is read
// through the role mapped to that account, or is unverified: never judged in another account.
import { IAMClient } from "@aws-sdk/client-iam";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { createHash } from "node:crypto";
import type { UserArn } from "../model/arn";
import type { Failure } from "../model/credentials";
import { Memo } from "../lib/memo";
import { AccountUsageReader, ReportNotice } from "../reading/account-usage-reader";
import { IamRequester, makeIamRequester } from "../iam/iam-requester";
import { UsageReader } from "../iam/usage";
import { PackSettings, PROBE_TIMEOUT_MS } from "../config/settings";
import { credentialsFor } from "./credentials";
import { askCallerIdentity, CallerAnswer, checkIdentity, VerifiedIdentity } from "./identity";
import { credentialKey, ProviderLike, providerLabel, providerSettings, ProviderSettings } from "./provider-settings";

interface AccessBase {
    /** How messages name the account: `account 111122223333 (provider prod)`, or the provider when unverified. */
    label: string;
    /** What the data is read with: `provider prod`, or `the environment's AWS configuration, role arn:…`. */
    readWith: string;
}

/** A verified account: what its users are read through. */
export interface VerifiedAccess extends AccessBase {
    status: "verified";
    identity: VerifiedIdentity;
    usage: UsageReader;
    /** The account's requester (caps, deadline), for re-reads and fixes. */
    iam: IamRequester;
}

/** An account that could not be verified, or is not the one it must be: none of its users is read. */
export interface UnverifiedAccess extends AccessBase {
    status: "unverified";
    failure: Failure;
}

export type AccountAccess = VerifiedAccess | UnverifiedAccess;

export function makeIamClient(
    settings: ProviderSettings,
    credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
    pack: PackSettings,
): IAMClient {
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

interface Verification {
    client: IAMClient;
    answer: Promise<CallerAnswer>;
}

const unverified = (label: string, failure: Failure, readWith = label): UnverifiedAccess => ({
    status: "unverified",
    label,
    readWith,
    failure,
});

export class Accounts {
    private readonly byProvider = new Memo<Promise<AccountAccess>>();
    private readonly byCredentials = new Memo<Verification>();
    private readonly byAccount = new Memo<{ iam: IamRequester; usage: AccountUsageReader }>();
    private readonly byMapping = new Memo<Promise<AccountAccess>>();

    /**
     * `env` is the run's environment: provider settings fall back to it, never to the process's own. `reportNotice`
     * hears what each account's credential report set aside (the line goes to stderr all the same).
     */
    constructor(
        private readonly pack: PackSettings,
        private readonly env: NodeJS.ProcessEnv,
        private readonly reportNotice?: (notice: ReportNotice) => void,
    ) {}

    /**
     * Starts, as the pack starts, what the stack's default AWS configuration will need: its account check, then its
     * credential report (the stack's config is known before the first resource). The engine asks about one resource
     * at a time and waits for each answer, so its first user then finds both under way. Never rejects: a failure
     * is kept and reported only to the users that need this account. A stack with no IAM user pays one
     * GetCallerIdentity and one GetCredentialReport for it.
     */
    startDefault(): void {
        const reading = providerSettings(undefined, this.env);
        if (reading.status !== "ok") return;
        this.resolveSettings(reading.settings)
            .then(access => {
                if (access.status === "verified") access.usage.startReport();
            })
            .catch(() => undefined);
    }

    /** The account a provider's users are read in (a provider's inputs do not change during a run: resolved once). */
    accessFor(provider: ProviderLike | undefined): Promise<AccountAccess> {
        return this.byProvider.get(provider?.urn ?? "", () => this.resolve(provider));
    }

    /**
     * The account one user resource is read in: its provider's; or, when the user's ARN names another account,
     * that account through the role `accountRoles` maps it to (the pack's setting, then the policy's config).
     */
    async accessForUser(
        resource: { provider?: ProviderLike },
        arn: UserArn | undefined,
        accountRoles: Record<string, string>,
    ): Promise<AccountAccess> {
        const base = await this.accessFor(resource.provider);
        if (!arn || base.status !== "verified" || base.identity.accountId === arn.accountId) return base;
        const role = { ...this.pack.accountRoles, ...accountRoles }[arn.accountId];
        return role ? this.mapped(resource.provider, arn, role) : this.elsewhere(arn, base);
    }

    /** How a resource's account is named before it is resolved (a reason found before any read). */
    labelOf(provider: ProviderLike | undefined): string {
        return providerLabel(provider, this.env);
    }

    /** The user's account through its mapped role, assumed with the provider's own credentials. */
    private mapped(provider: ProviderLike | undefined, arn: UserArn, roleArn: string): Promise<AccountAccess> {
        return this.byMapping.get(`${provider?.urn ?? ""}\n${roleArn}`, async () => {
            const reading = providerSettings(provider, this.env);
            if (reading.status === "unreadable")
                return unverified(reading.label, { errorCode: "UnreadableProvider", reason: reading.reason });
            return this.resolveSettings({
                ...reading.settings,
                label: `${reading.settings.label}, role ${roleArn}`,
                assumeRoles: [...reading.settings.assumeRoles, { roleArn }],
                allowedAccountIds: [arn.accountId],
                forbiddenAccountIds: undefined,
            });
        });
    }

    /** A user of an account the credentials do not reach, with no role mapped to it: unverified, naming both. */
    private elsewhere(arn: UserArn, base: VerifiedAccess): Promise<AccountAccess> {
        const reason =
            `the user's ARN names account ${arn.accountId}, but the credentials of ${base.readWith} reach account ${base.identity.accountId}; ` +
            `map account ${arn.accountId} to a role in it (accountRoles in the policy config, or UNUSED_CREDENTIALS_ACCOUNT_ROLES) to judge it`;
        return Promise.resolve(unverified(base.label, { errorCode: "AccountMismatch", reason }, base.readWith));
    }

    private async resolve(provider: ProviderLike | undefined): Promise<AccountAccess> {
        const reading = providerSettings(provider, this.env);
        return reading.status === "unreadable"
            ? unverified(reading.label, { errorCode: "UnreadableProvider", reason: reading.reason })
            : this.resolveSettings(reading.settings);
    }

    private async resolveSettings(settings: ProviderSettings): Promise<AccountAccess> {
        const { client, answer } = this.verification(settings);
        // The answer is shared by every provider of this configuration; each is checked against its own constraints.
        const check = checkIdentity(await answer, settings);
        if (check.status !== "verified") {
            const { status: _status, ...failure } = check;
            return unverified(settings.label, failure);
        }
        const { accountId, partition } = check.identity;
        const account = this.byAccount.get(`${partition}:${accountId}`, () => {
            const iam = makeIamRequester(client, {
                maxInFlight: this.pack.maxInFlight,
                timeoutMs: this.pack.requestTimeoutMs,
                maxRequestsPerSecond: this.pack.maxRequestsPerSecond,
                probeIntervalMs: this.pack.probeIntervalMs,
                probeTimeoutMs: PROBE_TIMEOUT_MS,
                accountName: `account ${accountId}`,
            });
            const usage = new AccountUsageReader(iam, this.pack, {
                accountName: `account ${accountId}`,
                accountId,
                notice: this.reportNotice,
            });
            return { iam, usage };
        });
        return {
            status: "verified",
            label: `account ${accountId} (${settings.label})`,
            readWith: settings.label,
            usage: account.usage,
            identity: check.identity,
            iam: account.iam,
        };
    }

    /** One client and one GetCallerIdentity per credential configuration. */
    private verification(settings: ProviderSettings): Verification {
        return this.byCredentials.get(credentialKey(settings, digest), () => {
            const sts = { region: settings.stsRegion ?? settings.region, endpoint: settings.stsEndpoint };
            const bounds = { timeoutMs: this.pack.requestTimeoutMs, maxAttempts: this.pack.maxAttempts, sts };
            const credentials = credentialsFor(settings, bounds, this.env);
            return { client: makeIamClient(settings, credentials, this.pack), answer: askCallerIdentity(credentials, bounds) };
        });
    }
}
