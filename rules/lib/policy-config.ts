// The config schema shared by the two unused-credential policies, its defaults, and the exemption rule.
import type { PolicyConfigSchema } from "@pulumi/policy";
import picomatch from "picomatch";

export const DEFAULT_MAX_UNUSED_DAYS = 90;
export const DEFAULT_EXEMPT_UNTIL_TAG = "unused-credentials:exempt-until";
export const DEFAULT_EXEMPT_REASON_TAG = "unused-credentials:exempt-reason";
export const MAX_UNUSED_DAYS_LIMIT = 3650;

export interface UnusedCredentialConfig {
    maxUnusedDays: number;
    exemptUsers: string[];
    exemptUntilTag: string;
    exemptReasonTag: string;
}

export function unusedCredentialConfigSchema(credential: string): PolicyConfigSchema {
    return {
        properties: {
            maxUnusedDays: {
                type: "integer",
                minimum: 1,
                maximum: MAX_UNUSED_DAYS_LIMIT,
                default: DEFAULT_MAX_UNUSED_DAYS,
                description: `Days without use after which an IAM user's ${credential} counts as unused (inclusive). CIS AWS Foundations 1.12 uses 45.`,
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
        },
    };
}

/** `args.getConfig()` is `{}` when the engine never sent Configure (unit tests, old CLIs): apply the defaults here. */
export function withDefaults(config: Partial<UnusedCredentialConfig> | undefined): UnusedCredentialConfig {
    return {
        maxUnusedDays: config?.maxUnusedDays ?? DEFAULT_MAX_UNUSED_DAYS,
        exemptUsers: config?.exemptUsers ?? [],
        exemptUntilTag: config?.exemptUntilTag ?? DEFAULT_EXEMPT_UNTIL_TAG,
        exemptReasonTag: config?.exemptReasonTag ?? DEFAULT_EXEMPT_REASON_TAG,
    };
}

/** The first `exemptUsers` pattern that matches the user name, if any. Case-sensitive, like IAM names in ARNs. */
export function matchingExemption(userName: string, patterns: readonly string[]): string | undefined {
    return patterns.find(pattern => picomatch.isMatch(userName, pattern, { dot: true, nobrace: false }));
}
