// The pack's policies, in the order the CLI lists them. Tests import this, never index.ts, so that no
// gRPC server starts.
import { iamUserUnusedAccessKey } from "./iam-user-unused-access-key";
import { iamUserUnusedPassword } from "./iam-user-unused-password";
import { iamUserUsageDataUnavailable } from "./iam-user-usage-data-unavailable";

export const PACK_NAME = "unused-iam-credentials";

// iam-user-usage-data-unavailable comes last: it reports the failed reads of the policies before it.
export const policies = [iamUserUnusedPassword, iamUserUnusedAccessKey, iamUserUsageDataUnavailable];
