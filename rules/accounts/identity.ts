// Who the credentials really are, verified once per credential configuration before any user is judged:
// `sts:GetCallerIdentity` (which needs no permission), its answer checked like any other, and the account
// held to the provider's constraints. A read of one account is never judged as another's.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialStepError } from "./credentials";
import { describeIamError } from "../iam/iam-errors";
import { accountIdOfArn, ProviderSettings } from "./provider-settings";
import { UsageUnavailable } from "../iam/usage";

export interface VerifiedIdentity {
    accountId: string;
    /** aws, aws-cn, aws-us-gov…: with the account, what one IAM is. */
    partition: string;
    /** The caller's ARN, e.g. `arn:aws:sts::111122223333:assumed-role/auditor/unused-iam-credentials`. */
    arn: string;
}

export type IdentityCheck = { status: "verified"; identity: VerifiedIdentity } | UsageUnavailable;

const CALLER_ARN = /^arn:(aws[\w-]*):(?:iam|sts)::(\d{12}):\S+$/;

function partitionOfRegion(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    return "aws";
}

const mismatch = (reason: string): UsageUnavailable => ({ status: "unavailable", errorCode: "AccountMismatch", reason });

/** Pure: the GetCallerIdentity answer against what the provider's settings say the account must be. */
export function checkIdentity(answer: { Account?: string; Arn?: string }, settings: ProviderSettings): IdentityCheck {
    const match = CALLER_ARN.exec(answer.Arn ?? "");
    if (!match || answer.Account !== match[2]) {
        return { status: "unavailable", errorCode: "UntrustedAnswer", reason: `sts:GetCallerIdentity answered account ${JSON.stringify(answer.Account)} and ARN ${JSON.stringify(answer.Arn)}, which do not name one account` };
    }
    const [, partition, accountId] = match;
    const reached = `the credentials of ${settings.label} reach account ${accountId}`;
    if (partition !== partitionOfRegion(settings.region)) return mismatch(`${reached} in partition ${partition}, but its region ${settings.region} is in ${partitionOfRegion(settings.region)}`);
    if (settings.allowedAccountIds && !settings.allowedAccountIds.includes(accountId)) {
        return mismatch(`${reached}, but its allowedAccountIds allow only ${settings.allowedAccountIds.join(", ")}`);
    }
    if (settings.forbiddenAccountIds?.includes(accountId)) return mismatch(`${reached}, which its forbiddenAccountIds forbid`);
    const lastRole = settings.assumeRoles.at(-1)?.roleArn ?? settings.webIdentity?.roleArn;
    const roleAccount = accountIdOfArn(lastRole);
    if (lastRole && roleAccount !== accountId) return mismatch(`${reached}, but the role it assumes last, ${lastRole}, is in account ${roleAccount ?? "(none named)"}`);
    return { status: "verified", identity: { accountId, partition, arn: answer.Arn! } };
}

export interface VerifyOptions {
    timeoutMs: number;
    maxAttempts: number;
    /** The STS region and endpoint (the provider's stsRegion / endpoints.sts, else AWS_ENDPOINT_URL_STS). */
    sts: { region: string; endpoint?: string };
}

/** Asks STS who the credentials are, bounded in time, and checks the answer. Never rejects. */
export async function verifyIdentity(settings: ProviderSettings, credentials: AwsCredentialIdentityProvider, options: VerifyOptions): Promise<IdentityCheck> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
    const sts = new STSClient({
        ...options.sts,
        credentials,
        maxAttempts: options.maxAttempts,
        requestHandler: { connectionTimeout: Math.min(5_000, options.timeoutMs), requestTimeout: options.timeoutMs },
    });
    const controller = new AbortController();
    // The request's own deadline, retries included, as for IAM's (credentials are bounded step by step).
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
        const answer = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: controller.signal });
        return checkIdentity(answer, settings);
    } catch (error) {
        const described = describeIamError(error, "sts:GetCallerIdentity", options.timeoutMs / 1000);
        if (error instanceof CredentialStepError) return described;
        const where = options.sts.endpoint ? ` at ${options.sts.endpoint}` : "";
        return { ...described, reason: `the account of ${settings.label} could not be verified${where}: ${described.reason}` };
    } finally {
        clearTimeout(timer);
        sts.destroy();
    }
}
