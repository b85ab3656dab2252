// `check --account-wide`: the users of each account the stacks reach (or the environment's account) that no given
// stack manages, as resources the pack can judge the way audit runs judge discovered users (their ARN names their
// account).
import { AccountListing, ProviderLike } from "../../rules/api";
import { AnalyzedResource } from "../driver/analyzer-client";

/** The users no stack manages, as the pack sees a discovered user: name and ARN, read with that account's provider. */
export function unmanagedResources(
    listing: AccountListing,
    provider: ProviderLike | undefined,
    managedNames: ReadonlySet<string>,
): AnalyzedResource[] {
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
