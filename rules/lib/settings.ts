// Process-wide tuning read from the environment (the CLI passes its whole environment to the pack).
// One definition of each knob, its default and its bounds. Read once, when the pack starts (index.ts): an
// invalid value stops the pack with one message naming the variable, not one error per resource.

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
    /** The whole live read of one user: both rounds, a re-read and a later retry included. */
    userDeadlineMs: number;
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

export function settingsFrom(env: NodeJS.ProcessEnv): PackSettings {
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
    };
}
