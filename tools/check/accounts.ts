// `check` says, per provider of the stack, which account its credentials were verified to reach (or why
// not), with the same rules and the same environment as the pack, before it reports anything.
import { AccountSources } from "../../rules/lib/account-sources";
import { settingsFrom } from "../../rules/lib/settings";
import { AnalyzedResource } from "../driver/analyzer-client";

export interface AccountLine {
    /** `provider prod`, or how resources without a provider are read. */
    provider: string;
    verified: boolean;
    accountId?: string;
    arn?: string;
    /** Why the account is not verified; the pack reports every user of this provider unavailable. */
    reason?: string;
}

export async function verifiedAccounts(resources: AnalyzedResource[], env: NodeJS.ProcessEnv): Promise<AccountLine[]> {
    const sources = new AccountSources(settingsFrom(env), env);
    const providers = new Map(resources.filter(r => r.type === "aws:iam/user:User" || r.type === "aws-native:iam:User").map(r => [r.provider?.urn ?? "", r.provider]));
    const lines: AccountLine[] = [];
    for (const provider of providers.values()) {
        const source = await sources.sourceFor(provider);
        const name = provider ? `provider ${provider.name}` : source.label;
        lines.push(source.identity
            ? { provider: name, verified: true, accountId: source.identity.accountId, arn: source.identity.arn }
            : { provider: name, verified: false, reason: source.unverified });
    }
    return lines;
}

export function formatAccounts(lines: AccountLine[]): string {
    return ["Accounts:", ...lines.map(l => (l.verified ? `    ${l.provider}: account ${l.accountId} (${l.arn})` : `    ${l.provider}: NOT VERIFIED, its users are not judged: ${l.reason}`))].join("\n");
}
