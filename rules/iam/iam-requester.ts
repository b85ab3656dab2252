// Every IAM request of an account goes through here: a cap on requests in flight (IAM's rate limit is shared by
// the whole account) and a deadline per request, retries included, so nothing hangs a preview. A request that
// outlives its deadline is abandoned and its connection destroyed, whatever the SDK is doing with the socket (a
// body that drips a byte at a time never goes idle).
//
// One deadline per account, not one per user: the engine calls the pack one resource at a time, so once the
// account's IAM has stopped answering (a request timed out, a connection failed), every further request fails at
// once, naming the outage, instead of each user waiting out its own deadline. Now and then one request is let
// through as a probe, with a short deadline; the first probe answered (whatever the answer) ends the outage.
import type { IAMClient } from "@aws-sdk/client-iam";
import pLimit from "p-limit";
import { withDeadline } from "../lib/deadline";
import { NETWORK_CODES } from "./iam-errors";

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
    return Object.assign(new Error(`no answer within ${seconds} s`), { name: "TimeoutError", seconds });
}

/** A request not sent because the account's IAM stopped answering earlier in the run; `code` is that failure's. */
export class EndpointDown extends Error {
    readonly name = "EndpointDown";
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message);
    }
}

/** The account's outage: since when, what first said so, and when the next probe may go. */
interface Outage {
    since: Date;
    action: string;
    code: string;
    detail: string;
    nextProbeAt: number;
    probing: boolean;
}

const hhmmss = (date: Date) => date.toISOString().slice(11, 19);

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
        options?: CallOptions,
    ): Promise<Output>;
    readonly timeoutSeconds: number;
    /** Requests sent so far, by IAM action: what the benchmark and `check` report. */
    readonly calls: Map<string, number>;
}

export interface CallOptions {
    /**
     * False for a request whose timeout need not mean IAM stopped answering (the credential report: a large body);
     * it still fails at once while an outage is on.
     */
    mayStartOutage?: boolean;
}

export interface RequesterOptions {
    maxInFlight: number;
    timeoutMs: number;
    /** Requests started per second at most; undefined for no rate cap. */
    maxRequestsPerSecond?: number;
    /** While the account's IAM is not answering: how often a probe goes (default 2 s) and its deadline (default 5 s). */
    probeIntervalMs?: number;
    probeTimeoutMs?: number;
    /** How the outage names the account (`account 111122223333`). */
    accountName?: string;
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

/** Whether a failure says the endpoint did not answer (our deadline, a refused or broken connection). */
function notAnswering(error: unknown): string | undefined {
    const e = error as { name?: string; code?: string };
    if (e?.name === "TimeoutError") return "Timeout";
    if (e?.code && (NETWORK_CODES.has(e.code) || e.code === "ETIMEDOUT")) return e.code;
    return undefined;
}

export function makeIamRequester(client: IAMClient, options: RequesterOptions): IamRequester {
    const limit = pLimit(options.maxInFlight);
    const waitTurn = rateCap(options.maxRequestsPerSecond);
    const calls = new Map<string, number>();
    const seconds = options.timeoutMs / 1000;
    const probeIntervalMs = options.probeIntervalMs ?? 2_000;
    const probeTimeoutMs = Math.min(options.timeoutMs, options.probeTimeoutMs ?? 5_000);
    const account = options.accountName ?? "this account";
    let outage: Outage | undefined;

    /** The error a request gets instead of being sent while the account's IAM is not answering. */
    const down = (o: Outage) =>
        new EndpointDown(
            `IAM of ${account} has not answered since ${hhmmss(o.since)} UTC (${o.action}: ${o.detail}); ` +
                `not asked again, so that each user does not wait out a deadline (a probe goes every ${probeIntervalMs / 1000} s)`,
            o.code,
        );

    function noteFailure(action: string, code: string, detail: string): void {
        const since = outage?.since ?? new Date();
        outage = { since, action, code, detail, nextProbeAt: performance.now() + probeIntervalMs, probing: false };
    }

    return {
        timeoutSeconds: seconds,
        calls,
        call(operation, request, signal, callOptions) {
            const action = `iam:${operation}`;
            return limit(async () => {
                if (signal?.aborted) throw new IamCallError(action, timeoutError(seconds));
                let probe = false;
                if (outage) {
                    if (outage.probing || performance.now() < outage.nextProbeAt) throw new IamCallError(action, down(outage));
                    outage.probing = probe = true;
                }
                await waitTurn();
                calls.set(action, (calls.get(action) ?? 0) + 1);
                // The clock starts when the request leaves the queue, so a long queue is not a timeout.
                const timeoutMs = probe ? probeTimeoutMs : options.timeoutMs;
                let expired = false;
                try {
                    const answer = await withDeadline(
                        timeoutMs,
                        deadline => request(client, signal ? AbortSignal.any([deadline, signal]) : deadline),
                        () => {
                            expired = true;
                            throw timeoutError(timeoutMs / 1000);
                        },
                    );
                    outage = undefined;
                    return answer;
                } catch (error) {
                    // Once the deadline (or the caller's) has passed, what the aborted SDK throws (ECONNRESET…) is not the story.
                    const callerEnded = !expired && signal?.aborted === true;
                    const cause = expired || callerEnded ? timeoutError(timeoutMs / 1000) : error;
                    const silent = callerEnded ? undefined : notAnswering(cause);
                    if (silent && callOptions?.mayStartOutage === false && !outage) throw new IamCallError(action, cause);
                    if (silent) noteFailure(action, silent, silent === "Timeout" ? `no answer within ${timeoutMs / 1000} s` : silent);
                    else if (!callerEnded)
                        outage = undefined; // it answered, if only with an error
                    else if (outage) outage.probing = false; // the caller gave up on the probe: the next request probes
                    throw new IamCallError(action, cause);
                }
            });
        },
    };
}
