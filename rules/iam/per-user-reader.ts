// Reads one user's credential facts from the live per-user IAM APIs, trusting none of the answers: every field a
// verdict needs is checked (iam-answer-checks.ts) before it is used. Two rounds of requests: the login profile and
// the keys, then PasswordLastUsed (only if there is a password) and each active key's last use. A scope reads only
// what a caller will judge: the password (GetLoginProfile, GetUser), the keys (ListAccessKeys, and
// GetAccessKeyLastUsed for each active key the credential report does not already prove fresh). Knows IAM, not
// policies.
//
// Doubt is as narrow as what it touches: an answer that cannot be trusted about one key makes that key unknown,
// naming it; a listing that cannot be trusted makes the user's keys unknown; the password is read and judged on its
// own, and the other way round. "No such user" only when the first round says so (ListAccessKeys → NoSuchEntity).
// A credential that disappears between the rounds (a deleted key: real IAM then answers GetAccessKeyLastUsed with
// AccessDenied) makes the whole user be read once more; a second failure leaves that credential unknown.
import { GetAccessKeyLastUsedCommand, GetLoginProfileCommand, GetUserCommand, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { AccessKeyFacts, CredentialFacts, Failure, LastUse, Unjudged } from "../model/credentials";
import { MAX_ACCESS_KEYS } from "../model/limits";
import { withDeadline } from "../lib/deadline";
import {
    accessKeyId,
    accessKeyStatus,
    modelRequired,
    optionalDate,
    requiredDate,
    requiredObject,
    sameUser,
    UntrustedAnswer,
} from "./iam-answer-checks";
import { describeIamError, isNoSuchEntity } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import type { ReportKeySlot } from "./credential-report";
import { UserUsage } from "./usage";

/** A user has at most two keys; one more page than that is the most an honest listing can take. */
const MAX_KEY_PAGES = MAX_ACCESS_KEYS + 1;

/** What to read of a user. */
export interface ReadScope {
    password: boolean;
    keys: boolean;
    /** Key slots the credential report proves fresh: an active key created when one of them was is not read live. */
    freshKeySlots?: readonly ReportKeySlot[];
}

export const FULL_SCOPE: ReadScope = { password: true, keys: true };

/** A cache key: two scopes with the same key read the same requests. */
export function scopeKey(scope: ReadScope): string {
    const slots = (scope.freshKeySlots ?? [])
        .map(k => k.lastRotated.getTime())
        .sort()
        .join(",");
    return `${scope.password ? "p" : ""}${scope.keys ? `k${slots}` : ""}`;
}

/** The report's slot for a listed key: same creation to the second, and only one such slot (else: read live). */
function reportSlotOf(key: AccessKeyFacts, slots: readonly ReportKeySlot[] | undefined): ReportKeySlot | undefined {
    const matching = (slots ?? []).filter(slot => Math.abs(slot.lastRotated.getTime() - key.createDate.getTime()) < 1000);
    return matching.length === 1 ? matching[0] : undefined;
}

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

/** A credential listed in the first round that the second round could not find. */
class CredentialVanished extends Error {
    constructor(
        readonly action: string,
        readonly cause: unknown,
    ) {
        super(action);
    }
}

/** What a read is handed: the requester, the user, the clock, and the signal that ends it at its deadline. */
interface Read {
    iam: IamRequester;
    userName: string;
    now: Date;
    signal?: AbortSignal;
    /** The last attempt: a credential that vanished again is left unknown instead of read once more. */
    last: boolean;
}

// IAM writes "N/A" where it has no service or region for a key's last use.
function known(value: string | undefined): string | undefined {
    return value && value !== "N/A" ? value : undefined;
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

/** In the second round, NoSuchEntity (and AccessDenied for a key: real IAM's answer for a deleted one) may mean "deleted since the first". */
async function secondRound<T>(read: Read, action: string, request: () => Promise<T>): Promise<T> {
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
function doubtOrReRead(read: Read, error: unknown, credential: Unjudged["credential"], accessKeyId?: string): Unjudged {
    if (error instanceof CredentialVanished && !read.last) throw error;
    return { credential, accessKeyId, ...failureOf(error, read.iam.timeoutSeconds) };
}

type PasswordPart = Pick<CredentialFacts, "loginProfile" | "passwordLastUsed"> & { doubt?: Unjudged };

async function readPassword(read: Read): Promise<PasswordPart> {
    const { iam, userName, now, signal } = read;
    let createDate: Date;
    try {
        const action = "iam:GetLoginProfile";
        const out = await iam.call(
            "GetLoginProfile",
            (c, abortSignal) => c.send(new GetLoginProfileCommand({ UserName: userName }), { abortSignal }),
            signal,
        );
        const profile = requiredObject(out.LoginProfile, "a LoginProfile", action);
        modelRequired(profile, ["UserName", "CreateDate"], "a LoginProfile", action);
        sameUser(profile.UserName, userName, action);
        createDate = requiredDate(profile.CreateDate, "LoginProfile.CreateDate", action, now);
    } catch (error) {
        if (error instanceof IamCallError && isNoSuchEntity(error.cause)) return {}; // no password
        return { doubt: doubtOrReRead(read, error, "password") };
    }
    try {
        const action = "iam:GetUser";
        const out = await secondRound(read, action, () =>
            iam.call("GetUser", (c, abortSignal) => c.send(new GetUserCommand({ UserName: userName }), { abortSignal }), signal),
        );
        const user = requiredObject(out.User, "a User", action);
        modelRequired(user, ["Path", "UserName", "UserId", "Arn", "CreateDate"], "a User", action);
        sameUser(user.UserName, userName, action);
        return { loginProfile: { createDate }, passwordLastUsed: optionalDate(user.PasswordLastUsed, "PasswordLastUsed", action, now) };
    } catch (error) {
        return { loginProfile: { createDate }, doubt: doubtOrReRead(read, error, "password") };
    }
}

/** The keys of one listing: those whose facts can be trusted, and those named but doubtful. */
interface Listing {
    keys: AccessKeyFacts[];
    doubts: Unjudged[];
}

async function listAccessKeys(read: Read): Promise<Listing> {
    const { iam, userName, now, signal } = read;
    const action = "iam:ListAccessKeys";
    const listing: Listing = { keys: [], doubts: [] };
    const ids: string[] = [];
    const markers = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
        if (++pages > MAX_KEY_PAGES)
            throw new UntrustedAnswer(
                action,
                `more than ${MAX_KEY_PAGES} pages for one user, who can hold at most ${MAX_ACCESS_KEYS} keys`,
            );
        const page = await iam.call(
            "ListAccessKeys",
            (c, abortSignal) => c.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }), { abortSignal }),
            signal,
        );
        if (!Array.isArray(page.AccessKeyMetadata)) throw new UntrustedAnswer(action, "without AccessKeyMetadata");
        for (const k of page.AccessKeyMetadata) {
            // A key that cannot be named, or that is another user's, casts doubt on the listing as a whole.
            const id = accessKeyId(k.AccessKeyId, action);
            sameUser(k.UserName, userName, action);
            ids.push(id);
            const doubt = (error: unknown): Unjudged => ({
                credential: "access-key",
                accessKeyId: id,
                ...failureOf(error, iam.timeoutSeconds),
            });
            let status: AccessKeyFacts["status"];
            try {
                status = accessKeyStatus(k.Status, id, action);
            } catch (error) {
                listing.doubts.push(doubt(error)); // neither Active nor Inactive: whether it can be used is unknown
                continue;
            }
            try {
                listing.keys.push({
                    accessKeyId: id,
                    status,
                    createDate: requiredDate(k.CreateDate, `CreateDate of key ${id}`, action, now),
                });
            } catch (error) {
                // An inactive key cannot be used, whatever its dates say: only an active one is left unknown.
                if (status === "Active") listing.doubts.push(doubt(error));
            }
        }
        // IsTruncated is optional in IAM's API model, false when absent (as ListUsers reads it); a Marker beside a
        // missing IsTruncated says there may be more, so it is doubt rather than a default.
        if (page.IsTruncated == null && page.Marker) throw new UntrustedAnswer(action, "a Marker without IsTruncated");
        marker = undefined;
        if (page.IsTruncated === true) {
            if (!page.Marker) throw new UntrustedAnswer(action, "a truncated page without a Marker");
            if (markers.has(page.Marker)) throw new UntrustedAnswer(action, "the same Marker twice");
            markers.add(page.Marker);
            marker = page.Marker;
        }
    } while (marker);
    if (ids.length > MAX_ACCESS_KEYS)
        throw new UntrustedAnswer(action, `${ids.length} keys for one user; IAM holds at most ${MAX_ACCESS_KEYS}`);
    if (new Set(ids).size !== ids.length) throw new UntrustedAnswer(action, "the same key twice");
    return listing;
}

async function lastUseOfKey(read: Read, key: AccessKeyFacts): Promise<LastUse | undefined> {
    const { iam, userName, now, signal } = read;
    const action = "iam:GetAccessKeyLastUsed";
    const out = await secondRound(read, action, () =>
        iam.call(
            "GetAccessKeyLastUsed",
            (c, abortSignal) => c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }), { abortSignal }),
            signal,
        ),
    );
    sameUser(out.UserName, userName, action);
    const used = requiredObject(out.AccessKeyLastUsed, `AccessKeyLastUsed for key ${key.accessKeyId}`, action);
    modelRequired(used, ["ServiceName", "Region"], `AccessKeyLastUsed for key ${key.accessKeyId}`, action);
    const date = optionalDate(used.LastUsedDate, `LastUsedDate of key ${key.accessKeyId}`, action, now);
    if (!date) return undefined; // never used, or not since tracking began
    return { date, serviceName: known(used.ServiceName), region: known(used.Region) };
}

type KeysPart = { status: "no-such-user" } | { status: "read"; keys: AccessKeyFacts[]; doubts: Unjudged[] };

async function readKeys(read: Read, freshKeySlots: readonly ReportKeySlot[] | undefined): Promise<KeysPart> {
    let listing: Listing;
    try {
        listing = await listAccessKeys(read);
    } catch (error) {
        if (error instanceof IamCallError && isNoSuchEntity(error.cause)) return { status: "no-such-user" };
        return { status: "read", keys: [], doubts: [doubtOrReRead(read, error, "access-key")] };
    }
    const doubts = [...listing.doubts];
    const keys = await Promise.all(
        listing.keys.map(async (key): Promise<AccessKeyFacts | undefined> => {
            if (key.status !== "Active") return key;
            // A key the report proves fresh takes the report's last use: older than the live one, and fresh all the same.
            const slot = reportSlotOf(key, freshKeySlots);
            if (slot) return { ...key, lastUsed: slot.lastUsed && { date: slot.lastUsed } };
            try {
                return { ...key, lastUsed: await lastUseOfKey(read, key) };
            } catch (error) {
                doubts.push(doubtOrReRead(read, error, "access-key", key.accessKeyId));
                return undefined;
            }
        }),
    );
    return { status: "read", keys: keys.filter((k): k is AccessKeyFacts => k !== undefined), doubts };
}

async function readOnce(read: Read, scope: ReadScope): Promise<UserUsage> {
    const [password, keys] = await Promise.all([
        scope.password ? readPassword(read) : Promise.resolve<PasswordPart>({}),
        scope.keys ? readKeys(read, scope.freshKeySlots) : Promise.resolve<KeysPart>({ status: "read", keys: [], doubts: [] }),
    ]);
    if (keys.status === "no-such-user") return { status: "no-such-user" };
    const facts: CredentialFacts = {
        userName: read.userName,
        loginProfile: password.loginProfile,
        passwordLastUsed: password.passwordLastUsed,
        accessKeys: keys.keys,
        read: { password: scope.password, "access-key": scope.keys },
        doubts: [...(password.doubt ? [password.doubt] : []), ...keys.doubts],
    };
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
