// Account resolution: the only place that reads provider props, stack config and the environment to
// decide which AWS account (and how) a user's IAM data is read from. A pack that ignored the provider
// would query whatever account the ambient environment points at: confident, wrong answers.

export interface AssumeRoleStep {
    roleArn: string;
    externalId?: string;
    sessionName?: string;
    durationSeconds?: number;
}

/** The settings of one AWS account configuration, enough to build an IAM client. */
export interface AccountConfig {
    /** Signing region; it also implies the partition (aws, aws-cn, aws-us-gov) and so the IAM endpoint. */
    region: string;
    /** Explicit IAM endpoint from the provider's `endpoints`; else the SDK applies AWS_ENDPOINT_URL_IAM. */
    endpoint?: string;
    /** Explicit STS endpoint for assume-role, from the provider's `endpoints`. */
    stsEndpoint?: string;
    profile?: string;
    sharedCredentialsFiles?: string[];
    sharedConfigFiles?: string[];
    staticCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    /** Roles assumed in order, each with the credentials of the one before (the provider's `assumeRoles`). */
    assumeRoles: AssumeRoleStep[];
    /** The account's ID when the configuration names it (last assumed role, or a single allowedAccountIds). */
    accountId?: string;
    /** The provider, for messages: `provider prod-aws`. */
    providerLabel: string;
}

/** What the policy SDK hands us as `args.provider`. */
export interface ProviderLike {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
}

const DEFAULT_REGION = "us-east-1"; // IAM is global; commercial IAM signs for us-east-1

/** Provider inputs that are not strings arrive as JSON strings; accept both. */
export function jsonInput(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function textList(value: unknown): string[] | undefined {
    const list = jsonInput(value);
    if (!Array.isArray(list)) return undefined;
    const texts = list.filter((v): v is string => typeof v === "string" && v !== "");
    return texts.length ? texts : undefined;
}

/** The `name` entry of the provider's `endpoints` list (`[{iam: "https://…"}, …]`). */
function endpointOf(endpoints: unknown, name: string): string | undefined {
    const list = jsonInput(endpoints);
    if (!Array.isArray(list)) return undefined;
    for (const entry of list) {
        const url = text((entry as Record<string, unknown>)?.[name]);
        if (url) return url;
    }
    return undefined;
}

/** Go-style durations as the AWS provider takes them ("1h", "15m", "900s", "1h30m"). */
export function durationSeconds(value: unknown): number | undefined {
    if (typeof value === "number") return value;
    const raw = text(value);
    if (!raw) return undefined;
    if (/^\d+$/.test(raw)) return Number(raw);
    const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw);
    if (!match) return undefined;
    return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

function assumeRoleSteps(props: Record<string, unknown>): AssumeRoleStep[] {
    // aws: `assumeRoles` (a list); older aws and aws-native: `assumeRole` (one object).
    const many = jsonInput(props.assumeRoles);
    const one = jsonInput(props.assumeRole);
    const list = Array.isArray(many) ? many : one && typeof one === "object" ? [one] : [];
    return list
        .map(entry => entry as Record<string, unknown>)
        .filter(entry => text(entry?.roleArn))
        .map(entry => ({
            roleArn: text(entry.roleArn)!,
            externalId: text(entry.externalId),
            sessionName: text(entry.sessionName),
            durationSeconds: durationSeconds(entry.duration ?? entry.durationSeconds),
        }));
}

const ACCOUNT_IN_ARN = /^arn:aws[\w-]*:iam::(\d{12}):/;

export function accountIdOfArn(arn: string | undefined): string | undefined {
    return arn ? ACCOUNT_IN_ARN.exec(arn)?.[1] : undefined;
}

/** The stack config the CLI passes in PULUMI_CONFIG, for one provider package (`aws:region` → `region`). */
export function stackProviderConfig(env: NodeJS.ProcessEnv, packageName: string): Record<string, unknown> {
    const raw = jsonInput(env.PULUMI_CONFIG);
    if (!raw || typeof raw !== "object") return {};
    const prefix = `${packageName}:`;
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (key.startsWith(prefix)) props[key.slice(prefix.length)] = value;
    }
    return props;
}

function definedEntries(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

/**
 * Provider props win, then the stack's config for that provider package, then the ambient environment.
 * A resource without a provider (default providers disabled, or a test) uses the stack's `aws:*` config.
 */
export function resolveAccount(provider: ProviderLike | undefined, env: NodeJS.ProcessEnv): AccountConfig {
    const packageName = provider?.type.replace(/^pulumi:providers:/, "") || "aws";
    const props = { ...definedEntries(stackProviderConfig(env, packageName)), ...definedEntries(provider?.props ?? {}) };
    const region = text(props.region) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;
    const accessKeyId = text(props.accessKey);
    const secretAccessKey = text(props.secretKey);
    const assumeRoles = assumeRoleSteps(props);
    const allowed = textList(props.allowedAccountIds);
    return {
        region,
        endpoint: endpointOf(props.endpoints, "iam"),
        stsEndpoint: endpointOf(props.endpoints, "sts"),
        profile: text(props.profile),
        sharedCredentialsFiles: textList(props.sharedCredentialsFiles),
        sharedConfigFiles: textList(props.sharedConfigFiles),
        staticCredentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken: text(props.token) } : undefined,
        assumeRoles,
        accountId: accountIdOfArn(assumeRoles.at(-1)?.roleArn) ?? (allowed?.length === 1 ? allowed[0] : undefined),
        providerLabel: provider ? `provider ${provider.name}` : "the stack's default AWS configuration",
    };
}

/** Two users share a client, caches and report exactly when their account configurations are equal. */
export function accountKey(account: AccountConfig): string {
    const { providerLabel: _label, staticCredentials, ...rest } = account;
    // Key on the access key ID only: the secret never needs to be part of a map key.
    return JSON.stringify({ ...rest, accessKeyId: staticCredentials?.accessKeyId, sessionToken: staticCredentials?.sessionToken !== undefined });
}

/** How a message names the account: its ID when known, and always the provider. */
export function accountLabel(account: AccountConfig, knownAccountId?: string): string {
    const id = account.accountId ?? knownAccountId;
    return id ? `account ${id} (${account.providerLabel})` : account.providerLabel;
}
