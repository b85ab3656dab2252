import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedPasswordMessage } from "./lib/message";
import { unusedCredentialConfigSchema } from "./lib/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./lib/policy-metadata";
import { userToJudge } from "./lib/user-evaluation";
import { assessPassword } from "./lib/verdict";

export const iamUserUnusedPassword: ResourceValidationPolicy = {
    name: "iam-user-unused-password",
    displayName: "Unused IAM user console password",
    description: "Console passwords of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        "Confirm the person no longer signs in to the console, then delete the user's login profile: remove its " +
        "aws.iam.UserLoginProfile resource (or the aws-native user's loginProfile), or run " +
        "`aws iam delete-login-profile` for a password the stack does not manage.",
    configSchema: unusedCredentialConfigSchema("console password"),
    validateResource: async (args, reportViolation) => {
        const user = await userToJudge(args, "passwordDays");
        if (!user) return;
        const finding = assessPassword(user.facts, user.config.maxUnusedDays, new Date());
        if (finding?.unused) reportViolation(unusedPasswordMessage(finding, user.accountLabel(), user.exemptionNote));
    },
};
