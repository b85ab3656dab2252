import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedAccessKeyMessage } from "./lib/message";
import { matchingExemption, unusedCredentialConfigSchema, UnusedCredentialConfig, withDefaults } from "./lib/policy-config";
import { CIS_UNUSED_CREDENTIALS, FRAMEWORK_TAGS, POLICY_URL } from "./lib/policy-metadata";
import { evaluateManagedUser } from "./lib/user-evaluation";
import { assessAccessKey } from "./lib/verdict";

export const iamUserUnusedAccessKey: ResourceValidationPolicy = {
    name: "iam-user-unused-access-key",
    description: "Active access keys of managed IAM users must have been used within maxUnusedDays days.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: CIS_UNUSED_CREDENTIALS,
    tags: FRAMEWORK_TAGS,
    url: POLICY_URL,
    remediationSteps:
        "Confirm nobody needs the key, then deactivate it: set `status: \"Inactive\"` on its aws.iam.AccessKey resource, " +
        "or run `aws iam update-access-key --status Inactive` for keys the stack does not manage. " +
        "Delete the key once nothing has broken. Exempt a user by name with `exemptUsers` only with a recorded reason.",
    configSchema: unusedCredentialConfigSchema("access key"),
    validateResource: async (args, reportViolation) => {
        const evaluation = await evaluateManagedUser(args);
        if (evaluation?.usage.status !== "found") return;
        const config = withDefaults(args.getConfig<Partial<UnusedCredentialConfig>>());
        if (matchingExemption(evaluation.userName, config.exemptUsers)) return;
        const now = new Date();
        for (const key of evaluation.usage.facts.accessKeys) {
            const finding = assessAccessKey(evaluation.userName, key, config.maxUnusedDays, now);
            if (finding?.unused) reportViolation(unusedAccessKeyMessage(finding, evaluation.account.label));
        }
    },
};
