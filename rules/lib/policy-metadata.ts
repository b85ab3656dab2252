// Metadata shared by the pack's policies: one definition of the frameworks they implement.
import type { PolicyComplianceFramework } from "@pulumi/policy";

export const CIS_UNUSED_CREDENTIALS: PolicyComplianceFramework = {
    name: "CIS AWS Foundations Benchmark",
    version: "3.0.0",
    reference: "1.12",
    specification:
        "Ensure credentials unused for 45 days or greater are disabled. Also checked by AWS Security Hub " +
        "IAM.8 (unused IAM user credentials should be removed, 90 days) and IAM.22 (45 days).",
};

export const FRAMEWORK_TAGS = ["iam", "credentials", "cis-aws-foundations-1.12", "security-hub-iam.8", "security-hub-iam.22"];

export const POLICY_URL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html";

/** What the two unused-credential policies share beside their name, description and remedy. */
export const UNUSED_CREDENTIAL_POLICY_METADATA = {
    enforcementLevel: "mandatory",
    severity: "high",
    framework: CIS_UNUSED_CREDENTIALS,
    tags: FRAMEWORK_TAGS,
    url: POLICY_URL,
} as const;
