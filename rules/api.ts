// The public face of rules/ for the tools built on the pack (`check`, the benchmark): what they may use, and
// nothing more. The pack itself is index.ts → rules/policies.ts.
export { PACK_NAME, policyCatalog } from "./policies";
export type { CredentialFacts, CredentialKind, Thresholds } from "./model/credentials";
export { MAX_RETIRING_DAYS } from "./model/limits";
export { parseJson } from "./lib/json";
export { settingsFrom, SettingsError, type PackSettings } from "./config/settings";
export { DEFAULT_RETIRING_TAG } from "./config/policy-config";
export { Accounts, type AccountAccess } from "./accounts/accounts";
export type { ProviderLike } from "./accounts/provider-settings";
export { listAccountUsers, type AccountListing } from "./iam/list-users";
export type { ExemptionRecord } from "./verdict/exemption";
export { formatUtc } from "./verdict/message";
export { ALL_KINDS, assessKind, kindModule } from "./kinds/kinds";
export { readCredentialReport } from "./iam/credential-report";
export { FINDINGS_FILE_ENV, FINDING_KINDS, type FindingRecord, type ReportNoticeRecord } from "./run/findings";
export { managedUserOf, USER_TYPES } from "./run/managed-user";
export { applyFix, recheckCredential, type CredentialToFix } from "./run/fixes";
