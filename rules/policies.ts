// The pack's policies, in the order the CLI lists them, and what the Policy Findings pages show of the pack.
// Tests import this, never index.ts, so that no gRPC server starts.
import type { PolicyPackArgs } from "@pulumi/policy";
import { iamUserUnusedAccessKey } from "./iam-user-unused-access-key";
import { iamUserUnusedPassword } from "./iam-user-unused-password";
import { iamUserUsageDataUnavailable } from "./iam-user-usage-data-unavailable";

export const PACK_NAME = "unused-iam-credentials";

// iam-user-usage-data-unavailable comes last: it reports the failed reads of the policies before it.
export const policies = [iamUserUnusedPassword, iamUserUnusedAccessKey, iamUserUsageDataUnavailable];

const README = `Flags (advisory) or blocks (mandatory) IAM users that hold a console password or an active access key
nobody has used for \`maxUnusedDays\` (90 by default), judged from **live** IAM data: in \`pulumi preview\` /
\`pulumi up\` for the users a stack manages, and in audit runs (stack scans, accounts discovered by Insights,
\`pulumi policy analyze\`) for every user they see.

- Each finding names one credential (the access key ID, never a secret), when and where it was last used,
  its idle days and the fix.
- Data that could not be read, or read in another account than the user's, is reported by
  \`iam-user-usage-data-unavailable\`: never a pass.
- The identity the pack reads with needs the read-only IAM actions \`GetUser\`, \`GetLoginProfile\`,
  \`ListAccessKeys\`, \`GetAccessKeyLastUsed\`, \`GetCredentialReport\`, \`GenerateCredentialReport\`; audit runs
  over several accounts map each account to a role with \`accountRoles\`.`;

/** What the Policy Findings pages show of the pack beside its policies. */
export function packMetadata(repository?: string): Omit<PolicyPackArgs, "policies"> {
    return {
        displayName: "Unused IAM credentials",
        description: "Flags or blocks IAM users holding console passwords or access keys unused past a threshold, judged from live IAM data.",
        readme: README,
        provider: "aws",
        tags: ["aws", "iam", "credentials", "security", "compliance"],
        repository,
    };
}
