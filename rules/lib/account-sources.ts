// One IAM client, one request cap and one cache per distinct account configuration, for the whole run.
import { IAMClient } from "@aws-sdk/client-iam";
import { AccountConfig, accountKey, accountLabel } from "./account";
import { credentialsFor } from "./credentials";
import { AccountUsageSource } from "./account-usage-source";
import { IamRequester, makeIamRequester } from "./iam-requester";
import { PackSettings } from "./settings";

export interface AccountSource {
    account: AccountConfig;
    iam: IamRequester;
    usage: AccountUsageSource;
}

export function makeIamClient(account: AccountConfig, settings: PackSettings): IAMClient {
    // The SDK warns on every run that its 2027 releases need Node 22; inside a preview that is noise
    // about a pinned dependency, not about the stack. A user who sets the variable keeps their choice.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    return new IAMClient({
        region: account.region,
        endpoint: account.endpoint,
        profile: account.profile,
        credentials: credentialsFor(account),
        retryMode: "adaptive", // client-side rate limiting that backs off when IAM throttles
        maxAttempts: settings.maxAttempts,
        requestHandler: { connectionTimeout: Math.min(5_000, settings.requestTimeoutMs), requestTimeout: settings.requestTimeoutMs },
    });
}

export class AccountSources {
    private readonly byKey = new Map<string, AccountSource>();

    constructor(private readonly settings: PackSettings) {}

    sourceFor(account: AccountConfig): AccountSource {
        const key = accountKey(account);
        let source = this.byKey.get(key);
        if (!source) {
            const iam = makeIamRequester(makeIamClient(account, this.settings), {
                maxInFlight: this.settings.maxInFlight,
                timeoutMs: this.settings.requestTimeoutMs,
                maxRequestsPerSecond: this.settings.maxRequestsPerSecond,
            });
            source = { account, iam, usage: new AccountUsageSource(iam, this.settings, { accountName: accountLabel(account) }) };
            this.byKey.set(key, source);
        }
        return source;
    }
}
