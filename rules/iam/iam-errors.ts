// Turns an error thrown by an IAM call into the "could not evaluate" answer a person can act on.
import type { Failure } from "../model/credentials";

interface SdkLikeError {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { attempts?: number; httpStatusCode?: number };
    /** A deadline of the pack's own: how long it was (a probe's is shorter than a request's). */
    seconds?: number;
}

/** Transport failures: the endpoint could not be reached or dropped the connection. */
export const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "EPIPE"]);

export function isNoSuchEntity(error: unknown): boolean {
    const e = error as SdkLikeError;
    return e?.name === "NoSuchEntityException" || e?.name === "NoSuchEntity";
}

export function describeIamError(error: unknown, action: string, timeoutSeconds: number): Failure {
    const described = describe(error, action, timeoutSeconds);
    return isTransient(error, described) ? { ...described, transient: true } : described;
}

const TRANSIENT_CODES = new Set(["Throttling", "ThrottlingException", "LimitExceededException", "Timeout", ...NETWORK_CODES]);

/** A failure that may not recur: throttling past the retries, a timeout, a network error or a 5xx. */
function isTransient(error: unknown, described: Failure): boolean {
    const status = (error as SdkLikeError)?.$metadata?.httpStatusCode;
    return TRANSIENT_CODES.has(described.errorCode ?? "") || (status !== undefined && status >= 500);
}

function describe(error: unknown, action: string, timeoutSeconds: number): Failure {
    const e = (error ?? {}) as SdkLikeError;
    if (e.name === "UntrustedAnswer") {
        return { errorCode: "UntrustedAnswer", reason: `${e.message}, which the pack cannot judge from` };
    }
    const name = e.name ?? "Error";
    const code = e.code && NETWORK_CODES.has(e.code) ? e.code : name;
    const attempts = e.$metadata?.attempts;
    const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
    if (name === "AccessDenied" || name === "AccessDeniedException") {
        return {
            errorCode: "AccessDenied",
            missingAction: action,
            reason: `access denied to ${action}: grant the identity that runs the pack ${action} (see the README's IAM policy)`,
        };
    }
    if (name === "Throttling" || name === "ThrottlingException" || name === "LimitExceededException") {
        return { errorCode: name, reason: `${service(action)} throttled ${action}${tries} (${e.message ?? "Rate exceeded"})` };
    }
    if (name === "EndpointDown") {
        // Not sent: the account's IAM stopped answering earlier; the code is that failure's (Timeout, ECONNREFUSED…).
        return { errorCode: e.code ?? "Timeout", reason: e.message ?? "IAM is not answering" };
    }
    if (name === "AbortError" || name === "TimeoutError" || name === "RequestTimeout" || e.code === "ETIMEDOUT") {
        // A probe has a shorter deadline than a request: the error carries which it had.
        return { errorCode: "Timeout", reason: `${service(action)} did not answer ${action} within ${e.seconds ?? timeoutSeconds} s` };
    }
    if (NETWORK_CODES.has(code)) {
        return { errorCode: code, reason: `${service(action)} endpoint unreachable for ${action} (${code})` };
    }
    if (name === "CredentialStepError") {
        return { errorCode: name, reason: e.message ?? "a credential step failed" };
    }
    if (name === "CredentialsProviderError" || /credential/i.test(name)) {
        return { errorCode: name, reason: `no AWS credentials for ${action}: ${firstLine(e.message)}` };
    }
    return { errorCode: name, reason: `${action} failed${tries}: ${name}: ${firstLine(e.message)}` };
}

/** "IAM" or "STS", as the action says. */
function service(action: string): string {
    return action.startsWith("sts:") ? "STS" : "IAM";
}

function firstLine(text: string | undefined): string {
    return (text ?? "").split("\n")[0].slice(0, 300);
}
