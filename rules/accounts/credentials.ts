// The credentials a provider's settings sign with, as pulumi-aws builds them: the provider's static keys, or
// its profile in its shared files, or the SDK's default chain (environment, AWS_PROFILE, web identity token
// file, container, instance); then assumeRoleWithWebIdentity, then each of assumeRoles in turn, with their
// session policies and tags. Every step is bounded in time and names itself when it fails.
// I/O: STS and credential sources; judges nothing.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import * as fs from "node:fs";
import { AssumeRoleStep, ProviderSettings, WebIdentitySettings } from "./provider-settings";

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
const SESSION_NAME = "unused-iam-credentials";

/** A credential step failed: the message names the role or source, so the report says which. */
export class CredentialStepError extends Error {
    constructor(readonly what: string, cause: unknown) {
        const e = cause as { name?: string; message?: string };
        super(`could not ${what}: ${e?.name ?? "Error"}: ${(e?.message ?? String(cause)).split("\n")[0]}`);
        this.name = "CredentialStepError";
    }
}

export interface CredentialOptions {
    /** Deadline of each credential step (an STS call, a profile's resolution). */
    timeoutMs: number;
    /** SDK attempts per STS request, as for IAM's. */
    maxAttempts: number;
    /** Client settings for the STS calls of role steps. */
    sts: { region: string; endpoint?: string };
}

/** Fails a credential step that takes longer than its deadline, naming it: a hung STS never hangs a preview. */
function bounded(provider: AwsCredentialIdentityProvider, timeoutMs: number, what: string): AwsCredentialIdentityProvider {
    return async () => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new CredentialStepError(what, { name: "TimeoutError", message: `no answer within ${timeoutMs / 1000} s` })), timeoutMs);
        });
        try {
            return await Promise.race([provider(), expired]);
        } catch (error) {
            throw error instanceof CredentialStepError ? error : new CredentialStepError(what, error);
        } finally {
            clearTimeout(timer);
        }
    };
}

/** Shares one resolution among concurrent callers and reuses it until shortly before it expires. */
export function memoized(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
    let current: Promise<AwsCredentialIdentity> | undefined;
    let held: AwsCredentialIdentity | undefined;
    return async () => {
        const stale = !held || (held.expiration !== undefined && held.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS);
        if (!current || stale) {
            const attempt = provider().then(c => (held = c));
            current = attempt;
            attempt.catch(() => {
                if (current === attempt) current = undefined; // a failure is not cached
            });
        }
        return current;
    };
}

function stsClientConfig(options: CredentialOptions) {
    const timeout = options.timeoutMs;
    return {
        region: options.sts.region,
        endpoint: options.sts.endpoint,
        maxAttempts: options.maxAttempts,
        requestHandler: { connectionTimeout: Math.min(5_000, timeout), requestTimeout: timeout },
    };
}

function base(settings: ProviderSettings, options: CredentialOptions): AwsCredentialIdentityProvider {
    if (settings.staticCredentials) {
        const c = settings.staticCredentials;
        return async () => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromIni, fromNodeProviderChain } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const files = { filepath: settings.sharedCredentialsFile, configFilepath: settings.sharedConfigFile, clientConfig: stsClientConfig(options) };
    // A provider's own profile wins over environment keys; without one, the SDK's default chain (which reads
    // AWS_PROFILE and the provider's shared files) decides, as for pulumi-aws.
    const provider = settings.profile ? fromIni({ ...files, profile: settings.profile }) : fromNodeProviderChain(files);
    const what = settings.profile ? `read the credentials of profile ${settings.profile}` : "find AWS credentials in the environment";
    return bounded(provider, options.timeoutMs, what);
}

function webIdentityStep(web: WebIdentitySettings, options: CredentialOptions): AwsCredentialIdentityProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromWebToken } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const provider: AwsCredentialIdentityProvider = async () => {
        const token = web.webIdentityToken ?? fs.readFileSync(web.webIdentityTokenFile!, "utf8").trim();
        return fromWebToken({
            roleArn: web.roleArn,
            webIdentityToken: token,
            roleSessionName: web.sessionName ?? SESSION_NAME,
            durationSeconds: web.durationSeconds,
            policy: web.policy,
            policyArns: web.policyArns?.map(arn => ({ arn })),
            clientConfig: stsClientConfig(options),
        })();
    };
    return bounded(provider, options.timeoutMs, `assume role ${web.roleArn} with a web identity`);
}

function roleStep(step: AssumeRoleStep, previous: AwsCredentialIdentityProvider, options: CredentialOptions): AwsCredentialIdentityProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromTemporaryCredentials } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const assume = (master: AwsCredentialIdentity) => fromTemporaryCredentials({
        masterCredentials: master,
        params: {
            RoleArn: step.roleArn,
            RoleSessionName: step.sessionName ?? SESSION_NAME,
            ExternalId: step.externalId,
            DurationSeconds: step.durationSeconds,
            Policy: step.policy,
            PolicyArns: step.policyArns?.map(arn => ({ arn })),
            Tags: step.tags && Object.entries(step.tags).map(([Key, Value]) => ({ Key, Value })),
            TransitiveTagKeys: step.transitiveTagKeys,
            SourceIdentity: step.sourceIdentity,
        },
        clientConfig: stsClientConfig(options),
    });
    // The previous step first, under its own deadline: a hang is then named after the step that hung.
    return memoized(async () => {
        const master = await previous();
        return bounded(assume(master), options.timeoutMs, `assume role ${step.roleArn}`)();
    });
}

/** The provider's final credentials, memoized: every client of this configuration shares one resolution. */
export function credentialsFor(settings: ProviderSettings, options: CredentialOptions): AwsCredentialIdentityProvider {
    let credentials = settings.webIdentity ? webIdentityStep(settings.webIdentity, options) : base(settings, options);
    for (const step of settings.assumeRoles) credentials = roleStep(step, credentials, options);
    return memoized(credentials);
}
