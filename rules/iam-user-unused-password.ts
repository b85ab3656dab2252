import type { ResourceValidationPolicy } from "@pulumi/policy";
import { MAX_RETIRING_DAYS } from "./model/limits";
import { DEFAULT_RETIRING_TAG, unusedCredentialConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_POLICY_METADATA } from "./config/policy-metadata";
import { unusedPasswordMessage } from "./verdict/message";
import { PackRun } from "./run/pack-run";
import { JudgingPolicy, userToJudge } from "./run/user-to-judge";

const POLICY: JudgingPolicy<"password"> = { name: "iam-user-unused-password", kind: "password" };

export const iamUserUnusedPassword = (run: PackRun): ResourceValidationPolicy => ({
    name: POLICY.name,
    displayName: "Unused IAM user console password",
    description: "Console passwords of managed IAM users must have been used within maxUnusedDays days.",
    ...UNUSED_CREDENTIAL_POLICY_METADATA,
    remediationSteps:
        "Confirm the person no longer signs in to the console, then delete the user's login profile. In code: remove its " +
        "aws.iam.UserLoginProfile resource (or the aws-native user's `loginProfile`) and, in the same change, tag the user " +
        `\`${DEFAULT_RETIRING_TAG}\` = \`password until <date within ${MAX_RETIRING_DAYS} days>\` so that the deployment that removes it is not ` +
        "blocked by it. For a password the stack does not manage: `aws iam delete-login-profile`.",
    configSchema: unusedCredentialConfigSchema("console password"),
    // A login profile idle for maxUnusedDays or more (from the later of its last use and its creation) is a violation;
    // a user without one has no password, whatever PasswordLastUsed still says. Retired passwords are on record.
    validateResource: async (args, reportViolation) => {
        const user = await userToJudge(run, args, POLICY);
        if (!user) return; // not a user, exempt, or not judgeable (on record)
        for (const password of await user.unusedCredentials()) {
            if (user.retires(password)) continue;
            reportViolation(unusedPasswordMessage(password, user.messageContext(password)));
            user.recordUnused(password);
        }
    },
});
