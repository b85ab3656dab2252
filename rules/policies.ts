// The pack's policies, in the order the CLI lists them, and what the Policy Findings pages show of the pack.
// Tests import this, never index.ts, so that no gRPC server starts.
import type { PolicyPackArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { newPackRun, PackRun } from "./run/pack-run";
import { DEFAULT_SETTINGS } from "./config/settings";
import { ALL_KINDS } from "./kinds/kinds";
import { judgingPolicy } from "./run/judging-policy";
import { iamUserUsageDataUnavailable } from "./iam-user-usage-data-unavailable";
import { iamUserCredentialUnusedSoon } from "./iam-user-credential-unused-soon";
import { MAX_RETIRING_DAYS } from "./model/limits";
import { DEFAULT_MAX_EXEMPTION_DAYS, DEFAULT_MAX_UNUSED_DAYS, DEFAULT_NOTICE_DAYS, DEFAULT_RETIRING_TAG } from "./config/policy-config";

export const PACK_NAME = "unused-iam-credentials";

/**
 * The pack's policies over one run's state: one judging policy per credential kind (its name, texts and schema are
 * in the kind's file, rules/kinds/), the notice, and iam-user-usage-data-unavailable, last, which reports the failed
 * reads the judging policies recorded for the resource.
 */
export function packPolicies(run: PackRun): ResourceValidationPolicy[] {
    return [...ALL_KINDS.map(kind => judgingPolicy(run, kind)), iamUserCredentialUnusedSoon(run), iamUserUsageDataUnavailable(run)];
}

/** Each policy's name and config fields, for a tool that checks a policy-pack config before it runs the pack. */
export function policyCatalog(): { name: string; fields: string[] }[] {
    return packPolicies(newPackRun({ settings: DEFAULT_SETTINGS, env: {} })).map(p => ({
        name: p.name,
        fields: Object.keys(p.configSchema?.properties ?? {}),
    }));
}

const README = `Flags (advisory) or blocks (mandatory) IAM users that hold a console password or an active access key
nobody has used for \`maxUnusedDays\` (${DEFAULT_MAX_UNUSED_DAYS} by default), judged from **live** IAM data: in \`pulumi preview\` /
\`pulumi up\` for the users a stack manages, and in audit runs (stack scans, accounts discovered by Insights,
\`pulumi policy analyze\`) for every user they see.

- Each finding names one credential (the access key ID, never a secret), when and where it was last used,
  its idle days and the fix.
- \`iam-user-credential-unused-soon\` (advisory) warns \`noticeDays\` (${DEFAULT_NOTICE_DAYS}) days before a credential reaches its threshold.
- The fix deployed in code passes the gate when the user carries the tag \`${DEFAULT_RETIRING_TAG}\` naming the
  credential it retires (at most ${MAX_RETIRING_DAYS} days ahead); exemptions by tag reach at most \`maxExemptionDays\` (${DEFAULT_MAX_EXEMPTION_DAYS}) ahead.
- The defaults implement Security Hub IAM.8 (90 days); \`compliance/cis-aws-foundations-1.12.json\` sets CIS 1.12 /
  Security Hub IAM.22 (45 days).
- Data that could not be read, or read in another account than the user's, is reported by
  \`iam-user-usage-data-unavailable\`: never a pass.
- The identity the pack reads with needs the read-only IAM actions \`GetUser\`, \`GetLoginProfile\`,
  \`ListAccessKeys\`, \`GetAccessKeyLastUsed\`, \`GetCredentialReport\`, \`GenerateCredentialReport\`; audit runs
  over several accounts map each account to a role with \`accountRoles\`.`;

/** What the Policy Findings pages show of the pack beside its policies. */
export function packMetadata(repository?: string): Omit<PolicyPackArgs, "policies"> {
    return {
        displayName: "Unused IAM credentials",
        description:
            "Flags or blocks IAM users holding console passwords or access keys unused past a threshold, judged from live IAM data.",
        readme: README,
        provider: "aws",
        tags: ["aws", "iam", "credentials", "security", "compliance"],
        repository,
    };
}
