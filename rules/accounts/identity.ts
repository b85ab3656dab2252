// Who the credentials really are, verified once per credential configuration before any user is judged:
// `sts:GetCallerIdentity` (which needs no permission), its answer checked like any other, and the account held to
// each provider's constraints. A read of one account is never judged as another's.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { accountOfArn, parseArn } from "../model/arn";
import type { Failure } from "../model/credentials";
import { withDeadline } from "../lib/deadline";
import { CredentialStepError } from "./credentials";
import { describeIamError } from "../iam/iam-errors";
import { ProviderSettings } from "./provider-settings";

export interface VerifiedIdentity {
    accountId: string;
    /** aws, aws-cn, aws-us-gov…: with the account, what one IAM is. */
    partition: string;
    /** The caller's ARN, e.g. `arn:aws:sts::111122223333:assumed-role/auditor/unused-iam-credentials`. */
    arn: string;
}

/** What GetCallerIdentity said, before any provider's constraints are applied; shared by every provider of one configuration. */
export type CallerAnswer = { status: "answered"; account?: string; arn?: string } | ({ status: "failed" } & Failure);

export type IdentityCheck = { status: "verified"; identity: VerifiedIdentity } | ({ status: "unavailable" } & Failure);

function partitionOfRegion(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    return "aws";
}

const mismatch = (reason: string): IdentityCheck => ({ status: "unavailable", errorCode: "AccountMismatch", reason });

/** Pure: the caller's identity against what one provider's settings say the account must be; reasons name that provider. */
export function checkIdentity(answer: CallerAnswer, settings: ProviderSettings): IdentityCheck {
    if (answer.status === "failed") {
        const { status: _status, ...failure } = answer;
        if (failure.errorCode === "CredentialStepError")
            return { status: "unavailable", ...failure, reason: `${settings.label}: ${failure.reason}` };
        const where = settings.stsEndpoint ? ` at ${settings.stsEndpoint}` : "";
        return {
            status: "unavailable",
            ...failure,
            reason: `the account of ${settings.label} could not be verified${where}: ${failure.reason}`,
        };
    }
    const arn = parseArn(answer.arn);
    if (!arn || (arn.service !== "iam" && arn.service !== "sts") || answer.account !== arn.accountId) {
        return {
            status: "unavailable",
            errorCode: "UntrustedAnswer",
            reason:
                `sts:GetCallerIdentity answered account ${JSON.stringify(answer.account)} and ARN ${JSON.stringify(answer.arn)} ` +
                `for ${settings.label}, which do not name one account`,
        };
    }
    const { partition, accountId } = arn;
    const reached = `the credentials of ${settings.label} reach account ${accountId}`;
    if (partition !== partitionOfRegion(settings.region))
        return mismatch(
            `${reached} in partition ${partition}, but its region ${settings.region} is in ${partitionOfRegion(settings.region)}`,
        );
    if (settings.allowedAccountIds && !settings.allowedAccountIds.includes(accountId)) {
        return mismatch(`${reached}, but its allowedAccountIds allow only ${settings.allowedAccountIds.join(", ")}`);
    }
    if (settings.forbiddenAccountIds?.includes(accountId)) return mismatch(`${reached}, which its forbiddenAccountIds forbid`);
    const lastRole = settings.assumeRoles.at(-1)?.roleArn ?? settings.webIdentity?.roleArn;
    const roleAccount = accountOfArn(lastRole);
    if (lastRole && roleAccount !== accountId)
        return mismatch(`${reached}, but the role it assumes last, ${lastRole}, is in account ${roleAccount ?? "(none named)"}`);
    return { status: "verified", identity: { accountId, partition, arn: answer.arn! } };
}

export interface VerifyOptions {
    timeoutMs: number;
    maxAttempts: number;
    /** The STS region and endpoint (the provider's stsRegion / endpoints.sts, else the environment's). */
    sts: { region: string; endpoint?: string };
}

/** Asks STS who the credentials are, bounded in time. Never rejects. */
export async function askCallerIdentity(credentials: AwsCredentialIdentityProvider, options: VerifyOptions): Promise<CallerAnswer> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when a run first verifies an account, not at start
    const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
    const sts = new STSClient({
        ...options.sts,
        credentials,
        maxAttempts: options.maxAttempts,
        requestHandler: { connectionTimeout: Math.min(5_000, options.timeoutMs), requestTimeout: options.timeoutMs },
    });
    const seconds = options.timeoutMs / 1000;
    try {
        // The credentials first, each step under its own deadline, so that a hang is named after the step that hung;
        // then the request's own deadline, retries included, as for IAM's.
        await credentials();
        const answer = await withDeadline(
            options.timeoutMs,
            abortSignal => sts.send(new GetCallerIdentityCommand({}), { abortSignal }),
            () => {
                throw Object.assign(new Error(`no answer within ${seconds} s`), { name: "TimeoutError" });
            },
        );
        return { status: "answered", account: answer.Account, arn: answer.Arn };
    } catch (error) {
        const failure = describeIamError(error, "sts:GetCallerIdentity", seconds);
        return {
            status: "failed",
            ...failure,
            errorCode: error instanceof CredentialStepError ? "CredentialStepError" : failure.errorCode,
        };
    } finally {
        sts.destroy();
    }
}
