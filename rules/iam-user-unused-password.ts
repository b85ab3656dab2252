import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedPasswordMessage } from "./lib/message";
import { matchingExemption, unusedCredentialConfigSchema, UnusedCredentialConfig, withDefaults } from "./lib/policy-config";
import { CIS_UNUSED_CREDENTIALS, FRAMEWORK_TAGS, POLICY_URL } from "./lib/policy-metadata";
import { evaluateManagedUser } from "./lib/user-evaluation";
import { assessPassword } from "./lib/verdict";

export const iamUserUnusedPassword: ResourceValidationPolicy = {
    name: "iam-user-unused-password",
    description: "Console passwords of managed IAM users must have been used within maxUnusedDays days.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: CIS_UNUSED_CREDENTIALS,
    tags: FRAMEWORK_TAGS,
    url: POLICY_URL,
    remediationSteps:
        "Confirm the person no longer signs in to the console, then delete the user's login profile: remove its " +
        "aws.iam.UserLoginProfile resource (or the aws-native user's loginProfile), or run " +
        "`aws iam delete-login-profile` for a password the stack does not manage.",
    configSchema: unusedCredentialConfigSchema("console password"),
    validateResource: async (args, reportViolation) => {
        const evaluation = await evaluateManagedUser(args);
        if (evaluation?.usage.status !== "found") return;
        const config = withDefaults(args.getConfig<Partial<UnusedCredentialConfig>>());
        if (matchingExemption(evaluation.userName, config.exemptUsers)) return;
        const finding = assessPassword(evaluation.usage.facts, config.maxUnusedDays, new Date());
        if (finding?.unused) reportViolation(unusedPasswordMessage(finding, evaluation.account.label));
    },
};
