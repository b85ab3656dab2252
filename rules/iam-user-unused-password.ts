import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedCredentialConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./config/policy-metadata";
import { judgeCredentials, PackRun } from "./run/pack-run";

export const iamUserUnusedPassword = (run: PackRun): ResourceValidationPolicy => ({
    name: "iam-user-unused-password",
    displayName: "Unused IAM user console password",
    description: "Console passwords of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        "Confirm the person no longer signs in to the console, then delete the user's login profile. In code: remove its " +
        "aws.iam.UserLoginProfile resource (or the aws-native user's `loginProfile`) and, in the same change, tag the user " +
        "`unused-credentials:retiring` = `password until <date within 14 days>` so that the deployment that removes it is not " +
        "blocked by it. For a password the stack does not manage: `aws iam delete-login-profile`.",
    configSchema: unusedCredentialConfigSchema("console password"),
    validateResource: (args, reportViolation) => judgeCredentials(run, args, reportViolation, "iam-user-unused-password", "password"),
});
