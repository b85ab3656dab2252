// Account resolution: the only place that reads provider props, stack config and the environment to
// decide which AWS account (and how) a user's IAM data is read from.

/** The settings of one AWS account configuration, enough to build an IAM client. */
export interface AccountConfig {
    region: string;
    /** Explicit IAM endpoint from the provider's `endpoints`; else the SDK applies AWS_ENDPOINT_URL_IAM. */
    endpoint?: string;
    profile?: string;
    staticCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    /** How a person recognises this account in a message, until its ID is known. */
    label: string;
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

/** The `iam` entry of the provider's `endpoints` list (`[{iam: "https://…"}, …]`). */
function iamEndpointOf(endpoints: unknown): string | undefined {
    const list = jsonInput(endpoints);
    if (!Array.isArray(list)) return undefined;
    for (const entry of list) {
        const url = text((entry as Record<string, unknown>)?.iam);
        if (url) return url;
    }
    return undefined;
}

/** `aws:*` keys of the stack config the CLI passes in PULUMI_CONFIG, as provider-style props. */
export function stackAwsConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
    const raw = jsonInput(env.PULUMI_CONFIG);
    if (!raw || typeof raw !== "object") return {};
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (key.startsWith("aws:")) props[key.slice(4)] = value;
    }
    return props;
}

/** Provider props win, then the stack's `aws:*` config, then the ambient environment. */
export function resolveAccount(provider: ProviderLike | undefined, env: NodeJS.ProcessEnv): AccountConfig {
    const fromStack = stackAwsConfig(env);
    const props = { ...fromStack, ...definedEntries(provider?.props ?? {}) };
    const region = text(props.region) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;
    const accessKeyId = text(props.accessKey);
    const secretAccessKey = text(props.secretKey);
    return {
        region,
        endpoint: iamEndpointOf(props.endpoints),
        profile: text(props.profile),
        staticCredentials:
            accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken: text(props.token) } : undefined,
        label: provider ? `provider ${provider.name}` : "the ambient AWS account",
    };
}

function definedEntries(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

/** Two users share a client, caches and report exactly when their account configurations are equal. */
export function accountKey(account: AccountConfig): string {
    const { label: _label, staticCredentials, ...rest } = account;
    // Key on the access key ID only: the secret never needs to be part of a map key.
    return JSON.stringify({ ...rest, accessKeyId: staticCredentials?.accessKeyId });
}
