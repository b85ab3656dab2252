// The steps every credential kind's live read shares: what a read is handed, why a request failed, and a credential
// that vanished between the two rounds of a read (deleted meanwhile), which makes the whole user be read once more.
import type { CredentialKind, Failure, Unjudged } from "../model/credentials";
import { describeIamError, isNoSuchEntity } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";

/** What a read is handed: the requester, the user, the clock, and the signal that ends it at its deadline. */
export interface Read {
    iam: IamRequester;
    userName: string;
    now: Date;
    signal?: AbortSignal;
    /** The last attempt: a credential that vanished again is left unknown instead of read once more. */
    last: boolean;
}

/** A credential listed in the first round that the second round could not find. */
export class CredentialVanished extends Error {
    constructor(
        readonly action: string,
        readonly cause: unknown,
    ) {
        super(action);
    }
}

/** Why a request failed, as a person can act on it. */
export function failureOf(error: unknown, timeoutSeconds: number): Failure {
    if (error instanceof CredentialVanished) {
        const failure = failureOf(error.cause, timeoutSeconds);
        return { ...failure, reason: `${failure.reason} (also when the user was read again)` };
    }
    if (error instanceof IamCallError) return describeIamError(error.cause, error.action, timeoutSeconds);
    return describeIamError(error, "iam", timeoutSeconds);
}

/**
 * A request of a read's second round. NoSuchEntity there (and AccessDenied from GetAccessKeyLastUsed: real IAM's
 * answer for a deleted key) may mean "deleted since the first round".
 */
export async function secondRound<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
        return await request();
    } catch (error) {
        const cause = error instanceof IamCallError ? (error.cause as { name?: string }) : undefined;
        const deniedKey = action === "iam:GetAccessKeyLastUsed" && cause?.name?.startsWith("AccessDenied") === true;
        if (cause && (isNoSuchEntity(cause) || deniedKey)) throw new CredentialVanished(action, error);
        throw error;
    }
}

/** A part of the read that failed: rethrown to read the whole user once more, or kept as that part's doubt. */
export function doubtOrReRead(read: Read, error: unknown, credential: CredentialKind, credentialId?: string): Unjudged {
    if (error instanceof CredentialVanished && !read.last) throw error;
    return { credential, credentialId, ...failureOf(error, read.iam.timeoutSeconds) };
}

/** Whether a request failed because IAM has no such entity. */
export function noSuchEntity(error: unknown): boolean {
    return error instanceof IamCallError && isNoSuchEntity(error.cause);
}
