// Every IAM request of an account goes through here: a cap on requests in flight (IAM's rate limit is
// shared by the whole account) and a deadline per request, retries included, so nothing hangs a preview.
import type { IAMClient } from "@aws-sdk/client-iam";
import pLimit from "p-limit";

/** An IAM call that failed, with the IAM action it was for. */
export class IamCallError extends Error {
    constructor(readonly action: string, readonly cause: unknown) {
        super(`${action}: ${(cause as Error)?.message ?? String(cause)}`);
        this.name = "IamCallError";
    }
}

export interface IamRequester {
    /**
     * Runs one IAM request for `action` (e.g. "GetUser") under the cap and deadline; rejects with IamCallError.
     * `request` gets the client and the abort signal to pass to `client.send`.
     */
    call<Output>(action: string, request: (client: IAMClient, abortSignal: AbortSignal) => Promise<Output>): Promise<Output>;
    readonly timeoutSeconds: number;
    /** Requests sent so far, by IAM action: what the benchmark and `check` report. */
    readonly calls: Map<string, number>;
}

export interface RequesterOptions {
    maxInFlight: number;
    timeoutMs: number;
    /** Requests started per second at most; undefined for no rate cap. */
    maxRequestsPerSecond?: number;
}

/** Spaces request starts evenly at most `perSecond` apart: a steady rate, not bursts that trip IAM's limit. */
function rateCap(perSecond: number | undefined): () => Promise<void> {
    if (!perSecond) return async () => {};
    const interval = 1000 / perSecond;
    let nextStart = 0;
    return async () => {
        const now = performance.now();
        const start = Math.max(now, nextStart);
        nextStart = start + interval;
        if (start > now) await new Promise(resolve => setTimeout(resolve, start - now));
    };
}

export function makeIamRequester(client: IAMClient, options: RequesterOptions): IamRequester {
    const limit = pLimit(options.maxInFlight);
    const waitTurn = rateCap(options.maxRequestsPerSecond);
    const calls = new Map<string, number>();
    return {
        timeoutSeconds: options.timeoutMs / 1000,
        calls,
        call(operation, request) {
            const action = `iam:${operation}`;
            return limit(async () => {
                await waitTurn();
                calls.set(action, (calls.get(action) ?? 0) + 1);
                // The clock starts when the request leaves the queue, so a long queue is not a timeout. The timer
                // is cleared as soon as the answer arrives: AbortSignal.timeout would keep the signal, and the
                // SDK's listeners on it (request and response included), alive for the whole deadline.
                const controller = new AbortController();
                const timer = setTimeout(() => controller.abort(), options.timeoutMs);
                try {
                    return await request(client, controller.signal);
                } catch (error) {
                    throw new IamCallError(action, error);
                } finally {
                    clearTimeout(timer);
                }
            });
        },
    };
}
