// The credentials an account configuration signs with: the provider's static keys, or a profile and its
// shared files, or the SDK's default chain; then each of the provider's assumeRoles in turn.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { AccountConfig, AssumeRoleStep } from "./account";

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** A role in the provider's assumeRoles chain could not be assumed: named so the report says which. */
export class AssumeRoleError extends Error {
    constructor(readonly roleArn: string, cause: unknown) {
        const e = cause as { name?: string; message?: string };
        super(`could not assume role ${roleArn}: ${e?.name ?? "Error"}: ${(e?.message ?? String(cause)).split("\n")[0]}`);
        this.name = "AssumeRoleError";
    }
}

/** Undefined leaves the SDK's default chain (which honours the client's `profile`) in charge. */
function baseCredentials(account: AccountConfig): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
    if (account.staticCredentials) return account.staticCredentials;
    if (account.sharedCredentialsFiles || account.sharedConfigFiles) {
        // Loaded only for providers that name their own files.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { fromIni } = require("@aws-sdk/credential-provider-ini") as typeof import("@aws-sdk/credential-provider-ini");
        return fromIni({
            profile: account.profile,
            filepath: account.sharedCredentialsFiles?.[0],
            configFilepath: account.sharedConfigFiles?.[0],
        });
    }
    return undefined;
}

/** Shares one AssumeRole among concurrent callers and reuses it until shortly before it expires. */
function memoized(provider: () => Promise<AwsCredentialIdentity>): AwsCredentialIdentityProvider {
    let current: Promise<AwsCredentialIdentity> | undefined;
    return async () => {
        const held = current ? await current.catch(() => undefined) : undefined;
        if (!current || !held || (held.expiration && held.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS)) {
            current = provider();
        }
        return current;
    };
}

function assumeRole(step: AssumeRoleStep, previous: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined, account: AccountConfig): AwsCredentialIdentityProvider {
    return memoized(async () => {
        // Loaded only for providers that assume roles.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { STSClient, AssumeRoleCommand } = require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
        const sts = new STSClient({ region: account.region, endpoint: account.stsEndpoint, credentials: previous, profile: account.profile });
        const out = await sts
            .send(
                new AssumeRoleCommand({
                    RoleArn: step.roleArn,
                    RoleSessionName: step.sessionName ?? "unused-iam-credentials",
                    ExternalId: step.externalId,
                    DurationSeconds: step.durationSeconds,
                }),
            )
            .catch(error => Promise.reject(new AssumeRoleError(step.roleArn, error)));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${step.roleArn} returned no credentials`);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    });
}

export function credentialsFor(account: AccountConfig): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
    let credentials = baseCredentials(account);
    for (const step of account.assumeRoles) credentials = assumeRole(step, credentials, account);
    return credentials;
}
