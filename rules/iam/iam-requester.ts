// Every IAM request of an account goes through here: a cap on requests in flight (IAM's rate limit is shared by
// the whole account) and a deadline per request, retries included, so nothing hangs a preview. A request that
// outlives its deadline is abandoned and its connection destroyed, whatever the SDK is doing with the socket (a
// body that drips a byte at a time never goes idle).
import type { IAMClient } from "@aws-sdk/client-iam";
import pLimit from "p-limit";
import { withDeadline } from "../lib/deadline";

/** An IAM call that failed, with the IAM action it was for. */
export class IamCallError extends Error {
    constructor(
        readonly action: string,
        readonly cause: unknown,
    ) {
        super(`${action}: ${(cause as Error)?.message ?? String(cause)}`);
        this.name = "IamCallError";
    }
}

/** What a request that did not finish within its deadline failed with, whatever the SDK threw meanwhile. */
function timeoutError(seconds: number): Error {
    return Object.assign(new Error(`no answer within ${seconds} s`), { name: "TimeoutError" });
}

export interface IamRequester {
    /**
     * Runs one IAM request for `action` (e.g. "GetUser") under the cap and deadline; rejects with IamCallError.
     * `request` gets the client and the abort signal to pass to `client.send`; `signal` ends the request early
     * (a caller's own deadline).
     */
    call<Output>(
        action: string,
        request: (client: IAMClient, abortSignal: AbortSignal) => Promise<Output>,
        signal?: AbortSignal,
    ): Promise<Output>;
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
    const seconds = options.timeoutMs / 1000;
    return {
        timeoutSeconds: seconds,
        calls,
        call(operation, request, signal) {
            const action = `iam:${operation}`;
            return limit(async () => {
                if (signal?.aborted) throw new IamCallError(action, timeoutError(seconds));
                await waitTurn();
                calls.set(action, (calls.get(action) ?? 0) + 1);
                // The clock starts when the request leaves the queue, so a long queue is not a timeout.
                let expired = false;
                try {
                    return await withDeadline(
                        options.timeoutMs,
                        deadline => request(client, signal ? AbortSignal.any([deadline, signal]) : deadline),
                        () => {
                            expired = true;
                            throw timeoutError(seconds);
                        },
                    );
                } catch (error) {
                    // Once the deadline (or the caller's) has passed, what the aborted SDK throws (ECONNRESET…) is not the story.
                    throw new IamCallError(action, expired || signal?.aborted ? timeoutError(seconds) : error);
                }
            });
        },
    };
}
