// Reads one user's credential facts from the live per-user IAM APIs, trusting none of the answers: every
// field a verdict needs is checked (iam-answer-checks.ts) before it is used. Two rounds of requests: the
// login profile and the keys, then PasswordLastUsed (only if there is a password) and each active key's
// last use. A scope reads only what a caller will judge: the password (GetLoginProfile, GetUser), the keys
// (ListAccessKeys, and GetAccessKeyLastUsed for each active key the credential report does not already prove
// fresh). Knows IAM, not policies.
//
// "No such user" only when the first round says so (ListAccessKeys → NoSuchEntity). A credential that
// disappears between the rounds (a deleted key: real IAM then answers GetAccessKeyLastUsed with
// AccessDenied) makes the whole user be read once more; a second failure is reported, never passed.
import {
    GetAccessKeyLastUsedCommand,
    GetLoginProfileCommand,
    GetUserCommand,
    ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import {
    accessKeyId, accessKeyStatus, MAX_ACCESS_KEYS, optionalDate, requiredDate, requiredObject, sameUser, UntrustedAnswer,
} from "./iam-answer-checks";
import { describeIamError, isNoSuchEntity } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import type { ReportKeySlot } from "./credential-report";
import { UserUsage } from "./usage";
import { AccessKeyFacts, CredentialFacts, LastUse } from "../verdict/verdict";

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
    const slots = (scope.freshKeySlots ?? []).map(k => k.lastRotated.getTime()).sort().join(",");
    return `${scope.password ? "p" : ""}${scope.keys ? `k${slots}` : ""}`;
}

/** The report's slot for a listed key: same creation to the second, and only one such slot (else: read live). */
function reportSlotOf(key: ListedKey, slots: readonly ReportKeySlot[] | undefined): ReportKeySlot | undefined {
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
}

/** A credential listed in the first round that the second round could not find. */
class CredentialVanished extends Error {
    constructor(readonly action: string, readonly cause: unknown) {
        super(action);
    }
}

// IAM writes "N/A" where it has no service or region for a key's last use.
function known(value: string | undefined): string | undefined {
    return value && value !== "N/A" ? value : undefined;
}

async function loginProfileCreateDate(iam: IamRequester, userName: string, now: Date): Promise<Date | undefined> {
    const action = "iam:GetLoginProfile";
    try {
        const out = await iam.call("GetLoginProfile", (c, abortSignal) => c.send(new GetLoginProfileCommand({ UserName: userName }), { abortSignal }));
        const profile = requiredObject(out.LoginProfile, "a LoginProfile", action);
        sameUser(profile.UserName, userName, action);
        return requiredDate(profile.CreateDate, "LoginProfile.CreateDate", action, now);
    } catch (error) {
        if (error instanceof IamCallError && isNoSuchEntity(error.cause)) return undefined; // no password
        throw error;
    }
}

interface ListedKey {
    accessKeyId: string;
    status: "Active" | "Inactive";
    createDate: Date;
}

async function listAccessKeys(iam: IamRequester, userName: string, now: Date): Promise<ListedKey[]> {
    const action = "iam:ListAccessKeys";
    const keys: ListedKey[] = [];
    const markers = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
        if (++pages > MAX_KEY_PAGES) throw new UntrustedAnswer(action, `more than ${MAX_KEY_PAGES} pages for one user, who can hold at most ${MAX_ACCESS_KEYS} keys`);
        const page = await iam.call("ListAccessKeys", (c, abortSignal) =>
            c.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }), { abortSignal }),
        );
        if (!Array.isArray(page.AccessKeyMetadata)) throw new UntrustedAnswer(action, "without AccessKeyMetadata");
        for (const k of page.AccessKeyMetadata) {
            const id = accessKeyId(k.AccessKeyId, action);
            sameUser(k.UserName, userName, action);
            keys.push({ accessKeyId: id, status: accessKeyStatus(k.Status, id, action), createDate: requiredDate(k.CreateDate, `CreateDate of key ${id}`, action, now) });
        }
        if (typeof page.IsTruncated !== "boolean") throw new UntrustedAnswer(action, "without IsTruncated");
        marker = undefined;
        if (page.IsTruncated) {
            if (!page.Marker) throw new UntrustedAnswer(action, "a truncated page without a Marker");
            if (markers.has(page.Marker)) throw new UntrustedAnswer(action, "the same Marker twice");
            markers.add(page.Marker);
            marker = page.Marker;
        }
    } while (marker);
    if (keys.length > MAX_ACCESS_KEYS) throw new UntrustedAnswer(action, `${keys.length} keys for one user; IAM holds at most ${MAX_ACCESS_KEYS}`);
    if (new Set(keys.map(k => k.accessKeyId)).size !== keys.length) throw new UntrustedAnswer(action, "the same key twice");
    return keys;
}

async function lastUseOfKey(iam: IamRequester, userName: string, key: ListedKey, now: Date): Promise<LastUse | undefined> {
    const action = "iam:GetAccessKeyLastUsed";
    const out = await secondRound(action, () =>
        iam.call("GetAccessKeyLastUsed", (c, abortSignal) => c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }), { abortSignal })),
    );
    sameUser(out.UserName, userName, action);
    const used = requiredObject(out.AccessKeyLastUsed, `AccessKeyLastUsed for key ${key.accessKeyId}`, action);
    const date = optionalDate(used.LastUsedDate, `LastUsedDate of key ${key.accessKeyId}`, action, now);
    if (!date) return undefined; // never used, or not since tracking began
    return { date, serviceName: known(used.ServiceName), region: known(used.Region) };
}

async function passwordLastUsed(iam: IamRequester, userName: string, now: Date): Promise<Date | undefined> {
    const action = "iam:GetUser";
    const out = await secondRound(action, () => iam.call("GetUser", (c, abortSignal) => c.send(new GetUserCommand({ UserName: userName }), { abortSignal })));
    const user = requiredObject(out.User, "a User", action);
    sameUser(user.UserName, userName, action);
    return optionalDate(user.PasswordLastUsed, "PasswordLastUsed", action, now);
}

/** In the second round, NoSuchEntity (and AccessDenied for a key: real IAM's answer for a deleted one) may mean "deleted since the first". */
async function secondRound<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
        return await request();
    } catch (error) {
        const cause = error instanceof IamCallError ? (error.cause as { name?: string }) : undefined;
        const deniedKey = action === "iam:GetAccessKeyLastUsed" && cause?.name?.startsWith("AccessDenied") === true;
        if (cause && (isNoSuchEntity(cause) || deniedKey)) {
            throw new CredentialVanished(action, error);
        }
        throw error;
    }
}

async function readOnce(iam: IamRequester, userName: string, now: Date, scope: ReadScope): Promise<UserUsage> {
    const [profileCreated, keyList] = await Promise.all([
        scope.password ? loginProfileCreateDate(iam, userName, now) : Promise.resolve(undefined),
        scope.keys ? listAccessKeys(iam, userName, now) : Promise.resolve([]),
    ]);
    const activeKeys = keyList.filter(k => k.status === "Active");
    // A key the report proves fresh takes the report's last use: older than the live one, and fresh all the same.
    const lastUseOf = (k: ListedKey): Promise<LastUse | undefined> => {
        const slot = reportSlotOf(k, scope.freshKeySlots);
        return slot ? Promise.resolve(slot.lastUsed && { date: slot.lastUsed }) : lastUseOfKey(iam, userName, k, now);
    };
    const [lastUsed, ...keyLastUses] = await Promise.all([
        profileCreated ? passwordLastUsed(iam, userName, now) : Promise.resolve(undefined),
        ...activeKeys.map(lastUseOf),
    ]);
    const lastUses = new Map(activeKeys.map((k, i) => [k.accessKeyId, keyLastUses[i]]));
    const accessKeys: AccessKeyFacts[] = keyList.map(k => ({ ...k, lastUsed: lastUses.get(k.accessKeyId) }));
    const facts: CredentialFacts = {
        userName,
        loginProfile: profileCreated ? { createDate: profileCreated } : undefined,
        passwordLastUsed: lastUsed,
        accessKeys,
        read: { password: scope.password, keys: scope.keys },
    };
    return { status: "found", facts };
}

/** Both rounds, once more if a credential vanished between them; any other failure becomes "unavailable". */
async function readWithReRead(iam: IamRequester, userName: string, now: () => Date, scope: ReadScope): Promise<UserUsage> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await readOnce(iam, userName, now(), scope);
        } catch (error) {
            if (error instanceof CredentialVanished && attempt === 1) continue;
            return usageFromError(error instanceof CredentialVanished ? error.cause : error, iam.timeoutSeconds, attempt > 1);
        }
    }
}

/** Live facts for one user. Resolves with "unavailable" instead of rejecting: unknown is never a pass. */
export function readUserUsage(iam: IamRequester, userName: string, options: ReadOptions = {}): Promise<UserUsage> {
    const read = readWithReRead(iam, userName, options.now ?? (() => new Date()), options.scope ?? FULL_SCOPE);
    if (options.deadlineMs === undefined) return read;
    const seconds = options.deadlineMs / 1000;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<UserUsage>(resolve => {
        timer = setTimeout(
            () => resolve({ status: "unavailable", errorCode: "Timeout", transient: true, reason: `reading IAM user ${userName} did not finish within ${seconds} s` }),
            options.deadlineMs,
        );
    });
    return Promise.race([read, expired]).finally(() => clearTimeout(timer));
}

function usageFromError(error: unknown, timeoutSeconds: number, reRead: boolean): UserUsage {
    if (error instanceof IamCallError) {
        if (isNoSuchEntity(error.cause) && error.action === "iam:ListAccessKeys") return { status: "no-such-user" };
        const usage = describeIamError(error.cause, error.action, timeoutSeconds);
        return reRead ? { ...usage, reason: `${usage.reason} (also when the user was read again)` } : usage;
    }
    return describeIamError(error, "iam", timeoutSeconds);
}
