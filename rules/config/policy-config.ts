// The config schema shared by the two unused-credential policies, its defaults, and the exemption rule.
import type { PolicyConfigSchema } from "@pulumi/policy";
import picomatch from "picomatch";
import { MAX_RETIRING_DAYS } from "../model/limits";

export const DEFAULT_MAX_UNUSED_DAYS = 90;
export const DEFAULT_EXEMPT_UNTIL_TAG = "unused-credentials:exempt-until";
export const DEFAULT_EXEMPT_REASON_TAG = "unused-credentials:exempt-reason";
export const DEFAULT_RETIRING_TAG = "unused-credentials:retiring";
export const MAX_UNUSED_DAYS_LIMIT = 3650;
export const DEFAULT_MAX_EXEMPTION_DAYS = 90;

export interface UnusedCredentialConfig {
    maxUnusedDays: number;
    /** Audit runs: account ID → role ARN to read that account's users with. */
    accountRoles: Record<string, string>;
    exemptUsers: string[];
    exemptUntilTag: string;
    exemptReasonTag: string;
    /** An exempt-until tag further ahead than this is no exemption. */
    maxExemptionDays: number;
    /** Tag key on a user naming the credentials the deployment retires (see retirement.ts). */
    retiringTag: string;
}

export function unusedCredentialConfigSchema(credential: string): PolicyConfigSchema {
    return {
        properties: {
            maxUnusedDays: {
                type: "integer",
                minimum: 1,
                maximum: MAX_UNUSED_DAYS_LIMIT,
                default: DEFAULT_MAX_UNUSED_DAYS,
                description:
                    `Days without use after which an IAM user's ${credential} counts as unused (inclusive). ` +
                    "90 is Security Hub IAM.8's; CIS AWS Foundations 1.12 and Security Hub IAM.22 use 45 (see compliance/).",
            },
            accountRoles: {
                type: "object",
                patternProperties: { "^[0-9]{12}$": { type: "string", pattern: "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$" } },
                additionalProperties: false,
                default: {},
                description:
                    "Audit runs: for each other account (12-digit ID) whose users a run may see, the role to assume in it to read them, " +
                    'e.g. {"222233334444": "arn:aws:iam::222233334444:role/unused-credentials-auditor"}. A user whose ARN names an ' +
                    "account that is neither the credentials' own nor mapped here is reported unavailable, never judged in another account.",
            },
            exemptUsers: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [],
                description: "Glob patterns on IAM user names (e.g. `break-glass-*`) whose credentials this policy does not judge.",
            },
            exemptUntilTag: {
                type: "string",
                minLength: 1,
                maxLength: 128,
                default: DEFAULT_EXEMPT_UNTIL_TAG,
                description: "Tag key on an IAM user whose value, a date YYYY-MM-DD, exempts the user until that day (inclusive, UTC).",
            },
            exemptReasonTag: {
                type: "string",
                minLength: 1,
                maxLength: 128,
                default: DEFAULT_EXEMPT_REASON_TAG,
                description: "Tag key on an IAM user whose value, the reason for its exemption, is quoted in the output.",
            },
            maxExemptionDays: {
                type: "integer",
                minimum: 0,
                maximum: MAX_UNUSED_DAYS_LIMIT,
                default: DEFAULT_MAX_EXEMPTION_DAYS,
                description:
                    "How far ahead (in days from today, UTC) an exempt-until tag may reach; a later date is no exemption, and the violation says so.",
            },
            retiringTag: {
                type: "string",
                minLength: 1,
                maxLength: 128,
                default: DEFAULT_RETIRING_TAG,
                description:
                    `Tag key on an IAM user whose value, \`<access key ID or password> … until YYYY-MM-DD\` (at most ${MAX_RETIRING_DAYS} days ahead), names ` +
                    "the credentials the same deployment deactivates or removes, so that the fix is not blocked by the credential it retires.",
            },
        },
    };
}

/** `args.getConfig()` is `{}` when the engine never sent Configure (unit tests, old CLIs): apply the defaults here. */
export function withDefaults(config: Partial<UnusedCredentialConfig> | undefined): UnusedCredentialConfig {
    return {
        maxUnusedDays: config?.maxUnusedDays ?? DEFAULT_MAX_UNUSED_DAYS,
        accountRoles: config?.accountRoles ?? {},
        exemptUsers: config?.exemptUsers ?? [],
        exemptUntilTag: config?.exemptUntilTag ?? DEFAULT_EXEMPT_UNTIL_TAG,
        exemptReasonTag: config?.exemptReasonTag ?? DEFAULT_EXEMPT_REASON_TAG,
        maxExemptionDays: config?.maxExemptionDays ?? DEFAULT_MAX_EXEMPTION_DAYS,
        retiringTag: config?.retiringTag ?? DEFAULT_RETIRING_TAG,
    };
}

/** The first `exemptUsers` pattern that matches the user name, if any. Case-sensitive, like IAM names in ARNs. */
export function matchingExemption(userName: string, patterns: readonly string[]): string | undefined {
    return patterns.find(pattern => picomatch.isMatch(userName, pattern, { dot: true, nobrace: false }));
}

export const DEFAULT_NOTICE_DAYS = 14;

/** The notice policy's config: only how far ahead it warns; thresholds are the judging policies' own. */
export function noticeConfigSchema(): PolicyConfigSchema {
    return {
        properties: {
            noticeDays: {
                type: "integer",
                minimum: 1,
                maximum: 365,
                default: DEFAULT_NOTICE_DAYS,
                description:
                    "Days before a credential reaches the maxUnusedDays of the policy that judges it (iam-user-unused-password or " +
                    "iam-user-unused-access-key) from which it is reported here, with the date it becomes unused.",
            },
        },
    };
}
