// Metadata shared by the pack's policies: one definition of the framework they implement. It claims only what
// the defaults enforce (90 days: Security Hub IAM.8, AWS Config iam-user-unused-credentials-check); CIS AWS
// Foundations 1.12 and Security Hub IAM.22 (45 days) take the config files in compliance/.
import type { PolicyComplianceFramework } from "@pulumi/policy";

export const SECURITY_HUB_IAM_8: PolicyComplianceFramework = {
    name: "AWS Security Hub",
    version: "AWS Foundational Security Best Practices",
    reference: "IAM.8",
    specification:
        "Unused IAM user credentials should be removed: a console password or an active access key not used for 90 days. " +
        "Also AWS Config rule iam-user-unused-credentials-check (maxCredentialUsageAge 90). For CIS AWS Foundations 1.12 " +
        "and Security Hub IAM.22 (45 days) use the pack's compliance/cis-aws-foundations-1.12.json config.",
};

export const FRAMEWORK_TAGS = ["iam", "credentials", "security-hub-iam.8", "aws-config-iam-user-unused-credentials-check"];

export const POLICY_URL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html";

/** The framework, tags and reference every policy of the pack shares. */
export const UNUSED_CREDENTIAL_FRAMEWORK = {
    framework: SECURITY_HUB_IAM_8,
    tags: FRAMEWORK_TAGS,
    url: POLICY_URL,
};
