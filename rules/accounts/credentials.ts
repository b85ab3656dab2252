// The credentials a provider's settings sign with, as pulumi-aws builds them: the provider's static keys, or
// its profile in its shared files, or the SDK's default chain (environment, AWS_PROFILE, web identity token
// file, container, instance); then assumeRoleWithWebIdentity, then each of assumeRoles in turn, with their
// session policies and tags. Every step is bounded in time and names itself when it fails.
// I/O: STS and credential sources; judges nothing.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { withDeadline } from "../lib/deadline";
import { AssumeRoleStep, ProviderSettings, WebIdentitySettings } from "./provider-settings";

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
const SESSION_NAME = "unused-iam-credentials";

/**
 * What a failed step says, without what it must not: a credential_process command line (it can carry a token) or
 * the output of a command or file that is not JSON (V8 quotes it, and it may be the secret itself).
 */
export function safeDetail(cause: unknown): string {
    const e = cause as { name?: string; message?: string } | undefined;
    const message = e?.message ?? String(cause);
    if (/^Command failed/.test(message)) {
        return "its credential_process command failed (its command line and output are not shown: they may hold a secret; run it yourself to see why)";
    }
    if (/not valid JSON|Unexpected token|in JSON at position|end of JSON input/.test(message))
        return `${e?.name ?? "Error"}: an answer that is not JSON (not shown: it may hold a secret)`;
    return `${e?.name ?? "Error"}: ${message.split("\n")[0].slice(0, 300)}`;
}

/** A credential step failed: the message names the role or source, so the report says which. */
export class CredentialStepError extends Error {
    constructor(
        readonly what: string,
        cause: unknown,
    ) {
        super(`could not ${what}: ${safeDetail(cause)}`);
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

/**
 * Fails a credential step that takes longer than its deadline, naming it: a hung STS never hangs a preview. At the
 * deadline the step's own connections are destroyed (`release`): an answer dripping a byte at a time is let go.
 */
function bounded(
    provider: AwsCredentialIdentityProvider,
    timeoutMs: number,
    what: string,
    release?: () => void,
): AwsCredentialIdentityProvider {
    return async () => {
        try {
            return await withDeadline(
                timeoutMs,
                () => provider(),
                () => {
                    release?.();
                    throw new CredentialStepError(what, { name: "TimeoutError", message: `no answer within ${timeoutMs / 1000} s` });
                },
            );
        } catch (error) {
            throw error instanceof CredentialStepError ? error : new CredentialStepError(what, error);
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

/** The STS client settings of one credential step, on connections of its own that `release` destroys. */
function stsConnections(options: CredentialOptions) {
    const timeout = options.timeoutMs;
    const httpAgent = new http.Agent({ keepAlive: true });
    const httpsAgent = new https.Agent({ keepAlive: true });
    return {
        clientConfig: {
            region: options.sts.region,
            endpoint: options.sts.endpoint,
            maxAttempts: options.maxAttempts,
            requestHandler: { connectionTimeout: Math.min(5_000, timeout), requestTimeout: timeout, httpAgent, httpsAgent },
        },
        release: () => {
            httpAgent.destroy();
            httpsAgent.destroy();
        },
    };
}

function base(settings: ProviderSettings, options: CredentialOptions, env: NodeJS.ProcessEnv): AwsCredentialIdentityProvider {
    if (settings.staticCredentials) {
        const c = settings.staticCredentials;
        return () => Promise.resolve({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken });
    }
    // The run's environment, not the process's, decides the environment's part of the chain: keys first, then its profile.
    if (!settings.profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
        const credentials = {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            sessionToken: env.AWS_SESSION_TOKEN || undefined,
        };
        return () => Promise.resolve(credentials);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromIni, fromNodeProviderChain } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const sts = stsConnections(options);
    const files = { filepath: settings.sharedCredentialsFile, configFilepath: settings.sharedConfigFile, clientConfig: sts.clientConfig };
    // A provider's own profile wins over environment keys; without one, the SDK's default chain (which reads
    // AWS_PROFILE and the provider's shared files) decides, as for pulumi-aws.
    const provider = settings.profile
        ? fromIni({ ...files, profile: settings.profile })
        : fromNodeProviderChain({ ...files, profile: env.AWS_PROFILE || undefined });
    const what = settings.profile ? `read the credentials of profile ${settings.profile}` : "find AWS credentials in the environment";
    return bounded(provider, options.timeoutMs, what, sts.release);
}

function webIdentityStep(web: WebIdentitySettings, options: CredentialOptions): AwsCredentialIdentityProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromWebToken } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const sts = stsConnections(options);
    const provider: AwsCredentialIdentityProvider = async () => {
        const token = web.webIdentityToken ?? fs.readFileSync(web.webIdentityTokenFile!, "utf8").trim();
        return fromWebToken({
            roleArn: web.roleArn,
            webIdentityToken: token,
            roleSessionName: web.sessionName ?? SESSION_NAME,
            durationSeconds: web.durationSeconds,
            policy: web.policy,
            policyArns: web.policyArns?.map(arn => ({ arn })),
            clientConfig: sts.clientConfig,
        })();
    };
    return bounded(provider, options.timeoutMs, `assume role ${web.roleArn} with a web identity`, sts.release);
}

function roleStep(
    step: AssumeRoleStep,
    previous: AwsCredentialIdentityProvider,
    options: CredentialOptions,
): AwsCredentialIdentityProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fromTemporaryCredentials } = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const sts = stsConnections(options);
    const assume = (master: AwsCredentialIdentity) =>
        fromTemporaryCredentials({
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
            clientConfig: sts.clientConfig,
        });
    // The previous step first, under its own deadline: a hang is then named after the step that hung.
    return memoized(async () => {
        const master = await previous();
        return bounded(assume(master), options.timeoutMs, `assume role ${step.roleArn}`, sts.release)();
    });
}

/** The provider's final credentials, memoized: every client of this configuration shares one resolution. */
export function credentialsFor(
    settings: ProviderSettings,
    options: CredentialOptions,
    env: NodeJS.ProcessEnv,
): AwsCredentialIdentityProvider {
    let credentials = settings.webIdentity ? webIdentityStep(settings.webIdentity, options) : base(settings, options, env);
    for (const step of settings.assumeRoles) credentials = roleStep(step, credentials, options);
    return memoized(credentials);
}
