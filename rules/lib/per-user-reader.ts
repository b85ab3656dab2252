// Reads one user's credential facts from the live per-user IAM APIs. Two rounds of requests:
// the login profile and the keys, then PasswordLastUsed (only if there is a password) and each active
// key's last use. NoSuchEntity on ListAccessKeys means the user does not exist (yet).
import {
    GetAccessKeyLastUsedCommand,
    GetLoginProfileCommand,
    GetUserCommand,
    ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import { describeIamError, isNoSuchEntity } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import { UserUsage } from "./usage";
import { AccessKeyFacts, CredentialFacts, LastUse } from "./verdict";

// IAM writes "N/A" where it has no service or region for a key's last use.
function known(value: string | undefined): string | undefined {
    return value && value !== "N/A" ? value : undefined;
}

async function loginProfileCreateDate(iam: IamRequester, userName: string): Promise<Date | undefined> {
    try {
        const out = await iam.call("GetLoginProfile", (c, abortSignal) => c.send(new GetLoginProfileCommand({ UserName: userName }), { abortSignal }));
        return out.LoginProfile?.CreateDate;
    } catch (error) {
        if (error instanceof IamCallError && isNoSuchEntity(error.cause)) return undefined; // no password
        throw error;
    }
}

async function listAccessKeys(iam: IamRequester, userName: string) {
    const keys = [];
    let marker: string | undefined;
    do {
        const page = await iam.call("ListAccessKeys", (c, abortSignal) =>
            c.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }), { abortSignal }),
        );
        keys.push(...(page.AccessKeyMetadata ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return keys;
}

async function lastUseOfKey(iam: IamRequester, accessKeyId: string): Promise<LastUse | undefined> {
    const out = await iam.call("GetAccessKeyLastUsed", (c, abortSignal) =>
        c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), { abortSignal }),
    );
    const used = out.AccessKeyLastUsed;
    if (!used?.LastUsedDate) return undefined; // never used, or not since tracking began
    return { date: used.LastUsedDate, serviceName: known(used.ServiceName), region: known(used.Region) };
}

async function passwordLastUsed(iam: IamRequester, userName: string): Promise<Date | undefined> {
    const out = await iam.call("GetUser", (c, abortSignal) => c.send(new GetUserCommand({ UserName: userName }), { abortSignal }));
    return out.User?.PasswordLastUsed;
}

/** Live facts for one user. Resolves with "unavailable" instead of rejecting: unknown is never a pass. */
export async function readUserUsage(iam: IamRequester, userName: string): Promise<UserUsage> {
    try {
        const [profileCreated, keyList] = await Promise.all([
            loginProfileCreateDate(iam, userName),
            listAccessKeys(iam, userName),
        ]);
        const activeKeys = keyList.filter(k => k.Status === "Active");
        const [lastUsed, ...keyLastUses] = await Promise.all([
            profileCreated ? passwordLastUsed(iam, userName) : Promise.resolve(undefined),
            ...activeKeys.map(k => lastUseOfKey(iam, k.AccessKeyId!)),
        ]);
        const accessKeys: AccessKeyFacts[] = keyList.map(k => ({
            accessKeyId: k.AccessKeyId!,
            status: k.Status === "Active" ? "Active" : "Inactive",
            createDate: k.CreateDate!,
            lastUsed: k.Status === "Active" ? keyLastUses[activeKeys.indexOf(k)] : undefined,
        }));
        const facts: CredentialFacts = {
            userName,
            loginProfile: profileCreated ? { createDate: profileCreated } : undefined,
            passwordLastUsed: lastUsed,
            accessKeys,
        };
        return { status: "found", facts };
    } catch (error) {
        return usageFromError(error, iam.timeoutSeconds);
    }
}

function usageFromError(error: unknown, timeoutSeconds: number): UserUsage {
    if (error instanceof IamCallError) {
        if (isNoSuchEntity(error.cause)) return { status: "no-such-user" };
        return describeIamError(error.cause, error.action, timeoutSeconds);
    }
    return describeIamError(error, "iam", timeoutSeconds);
}
