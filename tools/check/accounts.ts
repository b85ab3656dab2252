// `check` says, per provider of each stack, which account its credentials were verified to reach (or why not), with
// the same rules and the same environment as the pack, before it reports anything.
import { AccountAccess, Accounts, ProviderLike, USER_TYPES } from "../../rules/api";
import { AnalyzedResource } from "../driver/analyzer-client";

export interface AccountLine {
    stack: string;
    /** `provider prod`, or how resources without a provider are read. */
    provider: string;
    verified: boolean;
    accountId?: string;
    arn?: string;
    /** Why the account is not verified; the pack reports every user of this provider not judged. */
    reason?: string;
}

/** A provider of the stack's users, the access it resolves to, and the line check prints for it. */
export interface ProviderAccount {
    provider?: ProviderLike;
    access: AccountAccess;
    line: AccountLine;
}

/** The distinct providers of a stack's IAM users (undefined: a user with no provider). */
export function userProviders(resources: AnalyzedResource[]): (ProviderLike | undefined)[] {
    return [...new Map(resources.filter(r => r.type in USER_TYPES).map(r => [r.provider?.urn ?? "", r.provider])).values()];
}

export async function verifiedAccounts(
    stack: string,
    providers: (ProviderLike | undefined)[],
    accounts: Accounts,
): Promise<ProviderAccount[]> {
    const found: ProviderAccount[] = [];
    for (const provider of providers) {
        const access = await accounts.accessFor(provider);
        const name = provider ? `provider ${provider.name}` : access.readWith;
        const line: AccountLine =
            access.status === "verified"
                ? { stack, provider: name, verified: true, accountId: access.identity.accountId, arn: access.identity.arn }
                : { stack, provider: name, verified: false, reason: access.failure.reason };
        found.push({ provider, access, line });
    }
    return found;
}

export function formatAccounts(lines: AccountLine[], several: boolean): string {
    const name = (l: AccountLine) => `${several ? `${l.stack}: ` : ""}${l.provider}`;
    return [
        "Accounts:",
        ...lines.map(l =>
            l.verified
                ? `    ${name(l)}: account ${l.accountId} (${l.arn})`
                : `    ${name(l)}: NOT VERIFIED, its users are not judged: ${l.reason}`,
        ),
    ].join("\n");
}
