import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unusedAccessKeyMessage } from "./lib/message";
import { unusedCredentialConfigSchema } from "./lib/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./lib/policy-metadata";
import { userToJudge } from "./lib/user-evaluation";
import { assessAccessKey } from "./lib/verdict";

export const iamUserUnusedAccessKey: ResourceValidationPolicy = {
    name: "iam-user-unused-access-key",
    displayName: "Unused IAM user access key",
    description: "Active access keys of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        "Confirm nobody needs the key, then deactivate it: set `status: \"Inactive\"` on its aws.iam.AccessKey resource, " +
        "or run `aws iam update-access-key --status Inactive` for keys the stack does not manage. " +
        "Delete the key once nothing has broken. Exempt a user by name with `exemptUsers` only with a recorded reason.",
    configSchema: unusedCredentialConfigSchema("access key"),
    validateResource: async (args, reportViolation) => {
        const user = await userToJudge(args, "accessKeyDays");
        if (!user) return;
        const now = new Date();
        for (const key of user.facts.accessKeys) {
            const finding = assessAccessKey(user.userName, key, user.config.maxUnusedDays, now);
            if (finding?.unused) reportViolation(unusedAccessKeyMessage(finding, user.accountLabel(), user.exemptionNote));
        }
    },
};
