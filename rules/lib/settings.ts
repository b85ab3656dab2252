// Process-wide tuning read from the environment (the CLI passes its whole environment to the pack).
// One definition of each knob, its default and its bounds.

export interface PackSettings {
    /** Deadline of one IAM request, retries included. */
    requestTimeoutMs: number;
    /** IAM requests in flight at once, per account. */
    maxInFlight: number;
    /** SDK attempts per request (adaptive retry mode). */
    maxAttempts: number;
}

export const SETTINGS_ENV = {
    requestTimeoutSeconds: "UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS",
    maxInFlight: "UNUSED_CREDENTIALS_IAM_MAX_IN_FLIGHT",
    maxAttempts: "UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS",
} as const;

export const DEFAULT_SETTINGS: PackSettings = { requestTimeoutMs: 20_000, maxInFlight: 8, maxAttempts: 4 };

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new Error(`${name}=${raw} is not a number from ${min} to ${max}`);
    }
    return value;
}

export function settingsFrom(env: NodeJS.ProcessEnv): PackSettings {
    return {
        requestTimeoutMs: Math.round(1000 * numberFrom(env, SETTINGS_ENV.requestTimeoutSeconds, DEFAULT_SETTINGS.requestTimeoutMs / 1000, 0.05, 600)),
        maxInFlight: Math.floor(numberFrom(env, SETTINGS_ENV.maxInFlight, DEFAULT_SETTINGS.maxInFlight, 1, 100)),
        maxAttempts: Math.floor(numberFrom(env, SETTINGS_ENV.maxAttempts, DEFAULT_SETTINGS.maxAttempts, 1, 10)),
    };
}
