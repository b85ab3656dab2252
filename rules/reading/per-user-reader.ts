// Reads one user's credential facts from the live per-user IAM APIs, trusting none of the answers: each kind reads
// its own part (rules/kinds/), all kinds at once, and every field a verdict needs is checked before it is used. A
// scope reads only what a caller will judge. Knows IAM and the kinds, not policies.
//
// Each kind's doubt is its own: the password is read and judged on its own, the keys too. "No such user" only when a
// kind's read proves it (ListAccessKeys → NoSuchEntity). A credential that disappears between a kind's two rounds (a
// deleted key: real IAM then answers GetAccessKeyLastUsed with AccessDenied) makes the whole user be read once more;
// a second failure leaves that credential unknown.
import { CREDENTIAL_KINDS, CredentialFacts } from "../model/credentials";
import { withDeadline } from "../lib/deadline";
import { IamRequester } from "../iam/iam-requester";
import { CredentialVanished, failureOf, Read } from "../iam/read-steps";
import { UserUsage } from "../iam/usage";
import type { KindRead } from "../kinds/kind";
import { FULL_SCOPE, kindModule, ReadScope } from "../kinds/kinds";

export { FULL_SCOPE, scopeKey, type ReadScope } from "../kinds/kinds";

export interface ReadOptions {
    /** What to read; everything when not given. */
    scope?: ReadScope;
    /** The clock answers are checked against (dates after it are impossible). */
    now?: () => Date;
    /** The whole read, both rounds and a re-read included; undefined for none beyond each request's own. */
    deadlineMs?: number;
    /** The deadline as the answer names it (the user's whole deadline, when this read has only what is left of it). */
    deadlineSeconds?: number;
}

async function readOnce(read: Read, scope: ReadScope): Promise<UserUsage> {
    const kinds = CREDENTIAL_KINDS.filter(kind => scope[kind] !== undefined);
    const parts = await Promise.all(kinds.map((kind): Promise<KindRead> => kindModule(kind).read(read, scope[kind]!)));
    if (parts.some(part => part.status === "no-such-user")) return { status: "no-such-user" };
    const facts: CredentialFacts = {
        userName: read.userName,
        accessKeys: [],
        read: Object.fromEntries(CREDENTIAL_KINDS.map(kind => [kind, scope[kind] !== undefined])) as CredentialFacts["read"],
        doubts: [],
    };
    for (const part of parts) {
        if (part.status !== "read") continue;
        Object.assign(facts, part.facts);
        facts.doubts.push(...part.doubts);
    }
    return { status: "found", facts };
}

/** Both rounds, once more if a credential vanished between them. */
async function readWithReRead(
    iam: IamRequester,
    userName: string,
    now: () => Date,
    scope: ReadScope,
    signal?: AbortSignal,
): Promise<UserUsage> {
    try {
        return await readOnce({ iam, userName, now: now(), signal, last: false }, scope);
    } catch (error) {
        if (!(error instanceof CredentialVanished)) throw error;
        return readOnce({ iam, userName, now: now(), signal, last: true }, scope);
    }
}

/**
 * Live facts for one user. Never rejects: a failure of part of the read is that part's doubt, a read that does not
 * finish within its deadline is "unavailable" (its requests are abandoned, their connections destroyed).
 */
export function readUserUsage(iam: IamRequester, userName: string, options: ReadOptions = {}): Promise<UserUsage> {
    const now = options.now ?? (() => new Date());
    const scope = options.scope ?? FULL_SCOPE;
    const read = (signal?: AbortSignal) =>
        readWithReRead(iam, userName, now, scope, signal).catch((error: unknown): UserUsage => ({
            status: "unavailable",
            ...failureOf(error, iam.timeoutSeconds),
        }));
    if (options.deadlineMs === undefined) return read();
    const seconds = options.deadlineSeconds ?? Math.round(options.deadlineMs) / 1000;
    return withDeadline(options.deadlineMs, read, (): UserUsage => ({
        status: "unavailable",
        errorCode: "Timeout",
        transient: true,
        reason: `reading IAM user ${userName} did not finish within ${seconds} s`,
    }));
}
