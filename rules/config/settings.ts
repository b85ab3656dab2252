// rules/config/ owns the pack's settings, each policy's config schema and defaults, and its metadata; it decides nothing itself.
// Process-wide tuning read from the environment (the CLI passes its whole environment to the pack).
// One definition of each knob, its default and its bounds. Read once, when the pack starts (index.ts): an
// invalid value stops the pack with one message naming the variable, not one error per resource.

import { roleAccountOf } from "../model/arn";
import { jsonProblem } from "../lib/json";

export type SourceMode = "auto" | "api" | "report";

export interface PackSettings {
    /** Deadline of one IAM request, retries included. */
    requestTimeoutMs: number;
    /** IAM requests in flight at once, per account. */
    maxInFlight: number;
    /** IAM requests started per second at most, per account. */
    maxRequestsPerSecond: number;
    /** SDK attempts per request (adaptive retry mode). */
    maxAttempts: number;
    /** Per-user APIs, the credential report with live confirmation, or a choice made by the pack. */
    source: SourceMode;
    /** How long the pack waits for IAM to generate a credential report before falling back. */
    reportWaitMs: number;
    /** In auto mode without a usable report: distinct users read per user before a report is generated. */
    autoReportAfterUsers: number;
    /** The whole live read of one user: both rounds, a re-read and a later retry included. Starts when its own reads start. */
    userDeadlineMs: number;
    /**
     * Once an account's IAM stops answering (a request timed out, a connection failed), how often one request is let
     * through as a probe; the rest of its reads fail at once, naming the outage, until a probe is answered.
     */
    probeIntervalMs: number;
    /** Audit runs: the role to read each other account with, by account ID (a user's ARN names its account). */
    accountRoles: Record<string, string>;
}

/** An environment variable of the pack has a value it cannot use. */
export class SettingsError extends Error {}

export const SETTINGS_ENV = {
    requestTimeoutSeconds: "UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS",
    maxInFlight: "UNUSED_CREDENTIALS_IAM_MAX_IN_FLIGHT",
    maxRequestsPerSecond: "UNUSED_CREDENTIALS_IAM_MAX_RPS",
    maxAttempts: "UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS",
    source: "UNUSED_CREDENTIALS_SOURCE",
    reportWaitSeconds: "UNUSED_CREDENTIALS_REPORT_WAIT_SECONDS",
    autoReportAfterUsers: "UNUSED_CREDENTIALS_AUTO_REPORT_AFTER_USERS",
    userDeadlineSeconds: "UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS",
    probeIntervalSeconds: "UNUSED_CREDENTIALS_PROBE_INTERVAL_SECONDS",
    accountRoles: "UNUSED_CREDENTIALS_ACCOUNT_ROLES",
} as const;

export const DEFAULT_SETTINGS: PackSettings = {
    requestTimeoutMs: 20_000,
    maxInFlight: 8,
    maxRequestsPerSecond: 80,
    maxAttempts: 4,
    source: "auto",
    reportWaitMs: 60_000,
    autoReportAfterUsers: 10,
    userDeadlineMs: 60_000,
    probeIntervalMs: 2_000,
    accountRoles: {},
};

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
        throw new SettingsError(`${name}=${raw} is not a number from ${min} to ${max}`);
    }
    return value;
}

function sourceFrom(env: NodeJS.ProcessEnv): SourceMode {
    const raw = env[SETTINGS_ENV.source];
    if (raw === undefined || raw === "") return DEFAULT_SETTINGS.source;
    if (raw === "auto" || raw === "api" || raw === "report") return raw;
    throw new SettingsError(`${SETTINGS_ENV.source}=${raw} must be auto, api or report`);
}

const ACCOUNT_ID = /^\d{12}$/;

/** A map of account IDs to role ARNs in those accounts, or the reason it is not one. */
export function accountRolesProblem(value: unknown): string | undefined {
    if (!value || typeof value !== "object" || Array.isArray(value)) return "is not an object of account IDs to role ARNs";
    for (const [account, role] of Object.entries(value)) {
        if (!ACCOUNT_ID.test(account)) return `has ${JSON.stringify(account)}, which is not a 12-digit account ID`;
        const roleAccount = roleAccountOf(role);
        if (roleAccount !== account) return `maps account ${account} to ${JSON.stringify(role)}, which is not a role ARN in that account`;
    }
    return undefined;
}

function accountRolesFrom(env: NodeJS.ProcessEnv): Record<string, string> {
    const raw = env[SETTINGS_ENV.accountRoles];
    if (raw === undefined || raw.trim() === "") return {};
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        throw new SettingsError(`${SETTINGS_ENV.accountRoles} is not JSON (an object of account IDs to role ARNs; ${jsonProblem(raw)})`);
    }
    const problem = accountRolesProblem(value);
    if (problem) throw new SettingsError(`${SETTINGS_ENV.accountRoles} ${problem}`);
    return value as Record<string, string>;
}

/** How long a probe of an account that stopped answering may take: short, so that a recovery is noticed within seconds. */
export const PROBE_TIMEOUT_MS = 5_000;

/**
 * The budgets nest (docs/reading-iam.md#budgets): a user's deadline holds at least one whole request with time to
 * spare, or one slow request would spend it all. Refused at start, naming both variables.
 */
function checkNesting(settings: PackSettings, env: NodeJS.ProcessEnv): void {
    const { requestTimeoutMs, userDeadlineMs } = settings;
    if (userDeadlineMs > requestTimeoutMs) return;
    const request = `${SETTINGS_ENV.requestTimeoutSeconds}=${requestTimeoutMs / 1000}`;
    const user = `${SETTINGS_ENV.userDeadlineSeconds}=${userDeadlineMs / 1000}`;
    const set = [SETTINGS_ENV.requestTimeoutSeconds, SETTINGS_ENV.userDeadlineSeconds].filter(name => env[name]);
    throw new SettingsError(
        `${request} is not shorter than ${user} (${set.length ? `set: ${set.join(", ")}` : "defaults"}): ` +
            "a user's deadline must outlast one whole IAM request",
    );
}

export function settingsFrom(env: NodeJS.ProcessEnv): PackSettings {
    const settings = readSettings(env);
    checkNesting(settings, env);
    return settings;
}

function readSettings(env: NodeJS.ProcessEnv): PackSettings {
    const d = DEFAULT_SETTINGS;
    return {
        requestTimeoutMs: Math.round(1000 * numberFrom(env, SETTINGS_ENV.requestTimeoutSeconds, d.requestTimeoutMs / 1000, 0.05, 600)),
        maxInFlight: Math.floor(numberFrom(env, SETTINGS_ENV.maxInFlight, d.maxInFlight, 1, 100)),
        maxRequestsPerSecond: numberFrom(env, SETTINGS_ENV.maxRequestsPerSecond, d.maxRequestsPerSecond, 0.1, 10_000),
        maxAttempts: Math.floor(numberFrom(env, SETTINGS_ENV.maxAttempts, d.maxAttempts, 1, 10)),
        source: sourceFrom(env),
        reportWaitMs: Math.round(1000 * numberFrom(env, SETTINGS_ENV.reportWaitSeconds, d.reportWaitMs / 1000, 0, 3600)),
        autoReportAfterUsers: Math.floor(numberFrom(env, SETTINGS_ENV.autoReportAfterUsers, d.autoReportAfterUsers, 0, 1_000_000)),
        userDeadlineMs: Math.round(1000 * numberFrom(env, SETTINGS_ENV.userDeadlineSeconds, d.userDeadlineMs / 1000, 0.1, 3600)),
        probeIntervalMs: Math.round(1000 * numberFrom(env, SETTINGS_ENV.probeIntervalSeconds, d.probeIntervalMs / 1000, 0.1, 60)),
        accountRoles: accountRolesFrom(env),
    };
}
