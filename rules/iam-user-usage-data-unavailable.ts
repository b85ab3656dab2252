import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FRAMEWORK_TAGS, POLICY_URL } from "./config/policy-metadata";
import { unavailableMessage } from "./verdict/message";
import { kindModule } from "./kinds/kinds";
import { PackRun } from "./run/pack-run";
import { namedUserOf } from "./run/managed-user";

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
    // It reads nothing itself: it reports the run's record of the credentials the judging policies asked about and
    // could not judge (an exempt user, or one the report clears, needs no data). The SDK runs the policies of one
    // resource in the order of rules/policies.ts, and this one is last there, so the record is complete.
    validateResource: (args, reportViolation) => {
        const user = namedUserOf(args);
        const unjudged = user ? run.unjudgedOf(args.urn) : [];
        if (user && unjudged.length)
            reportViolation(
                unavailableMessage(
                    user.userName,
                    unjudged.map(u => ({ name: kindModule(u.credential).nameOf(u.accessKeyId), reason: u.reason, account: u.account })),
                ),
            );
    },
});
