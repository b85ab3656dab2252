// `check --account-wide`: the users of each account the stacks reach (or the environment's account) that no
// given stack manages, as resources the pack can judge the way audit runs judge discovered users (their ARN
// names their account). IAM's ListUsers answer is checked like any other: a page that cannot be trusted stops
// the listing for that account, and says so, rather than listing part of it as if it were all.
import { ListUsersCommand } from "@aws-sdk/client-iam";
import { AccountAccess } from "../../rules/accounts/accounts";
import { describeIamError } from "../../rules/iam/iam-errors";
import { IamCallError } from "../../rules/iam/iam-requester";
import { ProviderLike } from "../../rules/accounts/provider-settings";
import { AnalyzedResource } from "../driver/analyzer-client";

const MAX_PAGES = 1000; // 1,000 users a page: IAM's quota is 5,000 users an account, raised on request
const USER_ARN = /^arn:aws[\w-]*:iam::(\d{12}):user\/\S+$/;

export interface AccountListing {
    accountId: string;
    users: { userName: string; arn: string }[];
}

/** Every user of the verified account a source reaches, or why the list is not complete. */
export async function listAccountUsers(source: AccountAccess): Promise<AccountListing | { problem: string }> {
    if (!source.iam || !source.identity) return { problem: `${source.label}: not verified, so its users are not listed: ${source.unverified}` };
    const accountId = source.identity.accountId;
    const users: AccountListing["users"] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        let answer;
        try {
            answer = await source.iam.call("ListUsers", (c, abortSignal) => c.send(new ListUsersCommand({ Marker: marker, MaxItems: 1000 }), { abortSignal }));
        } catch (error) {
            const reason = error instanceof IamCallError ? describeIamError(error.cause, error.action, source.iam.timeoutSeconds).reason : String(error);
            return { problem: `account ${accountId}: its users could not be listed: ${reason}` };
        }
        if (!Array.isArray(answer.Users)) return { problem: `account ${accountId}: iam:ListUsers answered without Users` };
        for (const user of answer.Users) {
            const arnAccount = typeof user.Arn === "string" ? USER_ARN.exec(user.Arn)?.[1] : undefined;
            if (typeof user.UserName !== "string" || user.UserName === "" || arnAccount !== accountId) {
                return { problem: `account ${accountId}: iam:ListUsers answered a user without a name or with an ARN of another account` };
            }
            if (!seen.has(user.UserName.toLowerCase())) users.push({ userName: user.UserName, arn: user.Arn! });
            seen.add(user.UserName.toLowerCase());
        }
        if (answer.IsTruncated !== true) return { accountId, users };
        if (!answer.Marker || answer.Marker === marker) return { problem: `account ${accountId}: iam:ListUsers answered a truncated page without a new Marker` };
        marker = answer.Marker;
    }
    return { problem: `account ${accountId}: iam:ListUsers did not finish within ${MAX_PAGES} pages` };
}

/** The users no stack manages, as the pack sees a discovered user: name and ARN, read with that account's provider. */
export function unmanagedResources(listing: AccountListing, provider: ProviderLike | undefined, managedNames: ReadonlySet<string>): AnalyzedResource[] {
    return listing.users
        .filter(u => !managedNames.has(`${listing.accountId}:${u.userName.toLowerCase()}`))
        .map(u => ({
            type: "aws:iam/user:User",
            name: u.userName,
            urn: `urn:pulumi:account-${listing.accountId}::unmanaged::aws:iam/user:User::${u.userName}`,
            props: { name: u.userName, arn: u.arn },
            provider,
        }));
}
