import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FRAMEWORK_TAGS, POLICY_URL } from "./config/policy-metadata";
import { unavailableMessage } from "./verdict/message";
import { PackRun } from "./run/pack-run";
import { managedUser } from "./run/user-to-judge";

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
    // It reads nothing itself: it runs last in each Analyze call and reports the run's record of the credentials the
    // judging policies asked about and could not judge (an exempt user, or one the report clears, needs no data).
    validateResource: (args, reportViolation) => {
        const user = managedUser(args);
        const unjudged = user ? run.unjudgedOf(args.urn) : [];
        if (user && unjudged.length) reportViolation(unavailableMessage(user.userName, unjudged));
    },
});
