import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedCredentialConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./config/policy-metadata";
import { judgeCredentials, PackRun } from "./run/pack-run";

export const iamUserUnusedAccessKey = (run: PackRun): ResourceValidationPolicy => ({
    name: "iam-user-unused-access-key",
    displayName: "Unused IAM user access key",
    description: "Active access keys of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        "Confirm nobody needs the key, then deactivate it. In code: set `status: \"Inactive\"` on its aws.iam.AccessKey resource " +
        "and, in the same change, tag the user `unused-credentials:retiring` = `<key ID> until <date within 14 days>` so that the " +
        "deployment that deactivates the key is not blocked by it. For keys the stack does not manage: " +
        "`aws iam update-access-key --status Inactive`. Delete the key once nothing has broken.",
    configSchema: unusedCredentialConfigSchema("access key"),
    validateResource: (args, reportViolation) => judgeCredentials(run, args, reportViolation, "iam-user-unused-access-key", "access-key"),
});
