import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unavailableMessage } from "./verdict/message";
import { FRAMEWORK_TAGS, POLICY_URL } from "./config/policy-metadata";
import { PackRun, unavailableUsage } from "./run/pack-run";

export const iamUserUsageDataUnavailable = (run: PackRun): ResourceValidationPolicy => ({
    name: "iam-user-usage-data-unavailable",
    displayName: "IAM user credential usage unavailable",
    description: "Reports managed IAM users whose credential usage could not be read from IAM, so were not judged.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: FRAMEWORK_TAGS,
    url: POLICY_URL, // the APIs that read last-use data, and the permissions they need
    remediationSteps:
        "Give the identity that runs the pack the read-only IAM actions listed in the README (for AccessDenied the " +
        "message names the missing one), check that IAM is reachable, and run the preview again. Make this policy " +
        "mandatory to block deployments that could not be checked.",
    configSchema: { properties: {} },
    validateResource: async (args, reportViolation) => {
        const unavailable = await unavailableUsage(run, args);
        if (unavailable) reportViolation(unavailableMessage(unavailable.user.userName, unavailable.unjudged, unavailable.access.label));
    },
});
