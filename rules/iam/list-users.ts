// Every user of one account (`check --account-wide`). IAM's ListUsers answer is checked like any other: a page that
// cannot be trusted stops the listing for that account, and says so, rather than listing part of it as if it were all.
import { ListUsersCommand } from "@aws-sdk/client-iam";
import { parseUserArn } from "../model/arn";
import { describeIamError } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";

const MAX_PAGES = 1000; // 1,000 users a page: IAM's quota is 5,000 users an account, raised on request

export interface AccountListing {
    accountId: string;
    users: { userName: string; arn: string }[];
}

/** Every user of the account `iam` reads, or why the list is not complete. */
export async function listAccountUsers(iam: IamRequester, accountId: string): Promise<AccountListing | { problem: string }> {
    const users: AccountListing["users"] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        let answer;
        try {
            answer = await iam.call("ListUsers", (c, abortSignal) =>
                c.send(new ListUsersCommand({ Marker: marker, MaxItems: 1000 }), { abortSignal }),
            );
        } catch (error) {
            const reason =
                error instanceof IamCallError ? describeIamError(error.cause, error.action, iam.timeoutSeconds).reason : String(error);
            return { problem: `account ${accountId}: its users could not be listed: ${reason}` };
        }
        if (!Array.isArray(answer.Users)) return { problem: `account ${accountId}: iam:ListUsers answered without Users` };
        for (const user of answer.Users) {
            const arn = parseUserArn(user.Arn);
            if (typeof user.UserName !== "string" || user.UserName === "" || arn?.accountId !== accountId) {
                return { problem: `account ${accountId}: iam:ListUsers answered a user without a name or with an ARN of another account` };
            }
            if (!seen.has(user.UserName.toLowerCase())) users.push({ userName: user.UserName, arn: arn.arn });
            seen.add(user.UserName.toLowerCase());
        }
        // IsTruncated is optional in IAM's model (false when absent), as for ListAccessKeys; a Marker beside a missing
        // IsTruncated says there may be more.
        if (answer.IsTruncated == null && answer.Marker)
            return { problem: `account ${accountId}: iam:ListUsers answered a Marker without IsTruncated, so the list may be incomplete` };
        if (answer.IsTruncated !== true) return { accountId, users };
        if (!answer.Marker || answer.Marker === marker)
            return { problem: `account ${accountId}: iam:ListUsers answered a truncated page without a new Marker` };
        marker = answer.Marker;
    }
    return { problem: `account ${accountId}: iam:ListUsers did not finish within ${MAX_PAGES} pages` };
}
