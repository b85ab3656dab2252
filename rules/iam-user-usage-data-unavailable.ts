import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FRAMEWORK_TAGS, POLICY_URL } from "./config/policy-metadata";
import { unavailableMessage } from "./verdict/message";
import { ALL_KINDS, kindModule } from "./kinds/kinds";
import { judgementOf } from "./run/judging-policy";
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
    // It reports what each kind's judgement (the one its judging policy reports, computed once by whichever of them runs
    // first) could not judge: an exempt user, or one the report clears, needs no data.
    validateResource: async (args, reportViolation) => {
        const user = namedUserOf(args);
        if (!user) return;
        const unjudged = [];
        for (const kind of ALL_KINDS) {
            const judgement = await judgementOf(run, args, user, kind);
            if (judgement && judgement.status !== "exempt") unjudged.push(...judgement.unjudged);
        }
        if (unjudged.length)
            reportViolation(
                unavailableMessage(
                    user.userName,
                    unjudged.map(u => ({ name: kindModule(u.credential).nameOf(u.credentialId), reason: u.reason, account: u.account })),
                ),
            );
    },
});
