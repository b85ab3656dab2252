import type { ResourceValidationPolicy } from "@pulumi/policy";
import { MAX_RETIRING_DAYS } from "./model/limits";
import { DEFAULT_RETIRING_TAG, unusedCredentialConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./config/policy-metadata";
import { unusedAccessKeyMessage } from "./verdict/message";
import { PackRun } from "./run/pack-run";
import { JudgingPolicy, userToJudge } from "./run/user-to-judge";

const POLICY: JudgingPolicy<"access-key"> = { name: "iam-user-unused-access-key", kind: "access-key" };

export const iamUserUnusedAccessKey = (run: PackRun): ResourceValidationPolicy => ({
    name: POLICY.name,
    displayName: "Unused IAM user access key",
    description: "Active access keys of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        'Confirm nobody needs the key, then deactivate it. In code: set `status: "Inactive"` on its aws.iam.AccessKey resource ' +
        `and, in the same change, tag the user \`${DEFAULT_RETIRING_TAG}\` = \`<key ID> until <date within ${MAX_RETIRING_DAYS} days>\` so that the ` +
        "deployment that deactivates the key is not blocked by it. For keys the stack does not manage: " +
        "`aws iam update-access-key --status Inactive`. Delete the key once nothing has broken.",
    configSchema: unusedCredentialConfigSchema("access key"),
    // Each active key of the user idle for maxUnusedDays or more is one violation, by key ID; a key the same deployment
    // retires (retiring tag) is on record instead; a key whose data cannot be read or trusted is left to
    // iam-user-usage-data-unavailable, and its siblings are judged all the same.
    validateResource: async (args, reportViolation) => {
        const user = await userToJudge(run, args, POLICY);
        if (!user) return; // not a user, exempt, or not judgeable (on record)
        for (const key of await user.unusedCredentials()) {
            if (user.retires(key)) continue;
            reportViolation(unusedAccessKeyMessage(key, user.messageContext(key)));
            user.recordUnused(key);
        }
    },
});
