// Which identity and endpoints a user's IAM data must be read with, exactly as pulumi-aws and
// pulumi-aws-native resolve their providers: a provider (default or explicit) uses its own inputs and then
// the environment; the stack's `aws:*` config applies only to a resource with no provider at all (a default
// provider's inputs already are that config). Reads only the fields that decide identity or endpoints, each
// guarded: a value unknown during preview is named, never thrown. Pure: no I/O, judges nothing.
import { jsonProblem } from "../lib/json";
import { isUnknownValue } from "../lib/unknown";

export interface AssumeRoleStep {
    roleArn: string;
    sessionName?: string;
    externalId?: string;
    durationSeconds?: number;
    /** Session policy (JSON), managed session policies, session tags, transitive tag keys, source identity. */
    policy?: string;
    policyArns?: string[];
    tags?: Record<string, string>;
    transitiveTagKeys?: string[];
    sourceIdentity?: string;
}

export interface WebIdentitySettings {
    roleArn: string;
    sessionName?: string;
    /** The token itself, or a file holding it. */
    webIdentityToken?: string;
    webIdentityTokenFile?: string;
    durationSeconds?: number;
    policy?: string;
    policyArns?: string[];
}

/** Everything that decides which identity signs a provider's IAM requests, and where they go. */
export interface ProviderSettings {
    /** `provider prod`, or how a resource without a provider is read. */
    label: string;
    /** Signing region; it also implies the partition (aws, aws-cn, aws-us-gov) and so the IAM endpoint. */
    region: string;
    /** Region of STS calls (assume role, GetCallerIdentity). */
    stsRegion?: string;
    /** Explicit endpoints from the provider's `endpoints`; else the SDK applies AWS_ENDPOINT_URL_IAM / _STS. */
    iamEndpoint?: string;
    stsEndpoint?: string;
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
    /** The provider's own profile; undefined leaves AWS_PROFILE (or "default") to the SDK's chain. */
    profile?: string;
    sharedCredentialsFile?: string;
    sharedConfigFile?: string;
    staticCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    webIdentity?: WebIdentitySettings;
    /** Roles assumed in order, each with the credentials of the one before. */
    assumeRoles: AssumeRoleStep[];
    allowedAccountIds?: string[];
    forbiddenAccountIds?: string[];
}

/** Settings, or why this provider's users cannot be read in the right account. */
export type ProviderReading = { status: "ok"; settings: ProviderSettings } | { status: "unreadable"; label: string; reason: string };

/** What the policy SDK hands a validation as `args.provider` (props behind its unknown-checking proxy). */
export interface ProviderLike {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
}

const DEFAULT_REGION = "us-east-1"; // IAM is global; commercial IAM signs for us-east-1

/** A provider setting this pack cannot honour: its users are unavailable, naming the setting. */
class UnreadableSetting extends Error {}

/** Reads one input; an unknown value (preview) or a malformed one stops the reading with its name. */
function input(props: Record<string, unknown>, field: string): unknown {
    try {
        return json(props[field]);
    } catch (error) {
        if (isUnknownValue(error))
            throw new UnreadableSetting(`its input \`${field}\` is not known during preview, so the account it reaches cannot be known`);
        throw error;
    }
}

/** Provider inputs that are not strings arrive as JSON strings; a stack config value may too. */
function json(value: unknown): unknown {
    if (typeof value !== "string") return value;
    const trimmed = value.trim();
    if (!/^[[{]/.test(trimmed)) return value;
    try {
        return JSON.parse(trimmed);
    } catch {
        return value;
    }
}

function text(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new UnreadableSetting(`its input \`${field}\` is not a string`);
    return value;
}

function flag(value: unknown, field: string): boolean | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw new UnreadableSetting(`its input \`${field}\` is not true or false`);
}

function textList(value: unknown, field: string): string[] | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (!Array.isArray(value) || !value.every(v => typeof v === "string"))
        throw new UnreadableSetting(`its input \`${field}\` is not a list of strings`);
    return value.length ? value : undefined;
}

function record(value: unknown, field: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "object" || Array.isArray(value)) throw new UnreadableSetting(`its input \`${field}\` is not an object`);
    return value as Record<string, unknown>;
}

/** Go-style durations as pulumi-aws takes them ("1h", "15m", "900s", "1h30m"); plain seconds for aws-native. */
export function durationSeconds(value: unknown, field: string): number | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
    const raw = typeof value === "string" ? value : JSON.stringify(value);
    if (/^\d+$/.test(raw)) return Number(raw);
    const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw);
    if (!match || raw === "") throw new UnreadableSetting(`its input \`${field}\` is not a duration ("1h", "15m", "900s")`);
    return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** The single file of a `shared…Files` list: the SDK's profile loader reads one file of each kind. */
function oneFile(value: unknown, field: string): string | undefined {
    const files = textList(value, field);
    if (files && files.length > 1) {
        throw new UnreadableSetting(
            `its input \`${field}\` names ${files.length} files; the pack reads one file of each kind, and reading only the first could reach another account`,
        );
    }
    return files?.[0];
}

function assumeRoleStep(entry: unknown, field: string): AssumeRoleStep | undefined {
    const role = record(entry, field);
    const roleArn = role && text(role.roleArn, `${field}.roleArn`);
    if (!role || !roleArn) return undefined;
    const tags = record(role.tags, `${field}.tags`);
    if (tags && !Object.values(tags).every(v => typeof v === "string"))
        throw new UnreadableSetting(`its input \`${field}.tags\` is not a map of strings`);
    return {
        roleArn,
        sessionName: text(role.sessionName, `${field}.sessionName`),
        externalId: text(role.externalId, `${field}.externalId`),
        durationSeconds: durationSeconds(role.duration ?? role.durationSeconds, `${field}.duration`),
        policy: text(role.policy, `${field}.policy`),
        policyArns: textList(role.policyArns, `${field}.policyArns`),
        tags: tags as Record<string, string> | undefined,
        transitiveTagKeys: textList(role.transitiveTagKeys, `${field}.transitiveTagKeys`),
        sourceIdentity: text(role.sourceIdentity, `${field}.sourceIdentity`),
    };
}

function webIdentity(props: Record<string, unknown>): WebIdentitySettings | undefined {
    const web = record(input(props, "assumeRoleWithWebIdentity"), "assumeRoleWithWebIdentity");
    const roleArn = web && text(web.roleArn, "assumeRoleWithWebIdentity.roleArn");
    if (!web || !roleArn) return undefined;
    const settings: WebIdentitySettings = {
        roleArn,
        sessionName: text(web.sessionName, "assumeRoleWithWebIdentity.sessionName"),
        webIdentityToken: text(web.webIdentityToken, "assumeRoleWithWebIdentity.webIdentityToken"),
        webIdentityTokenFile: text(web.webIdentityTokenFile, "assumeRoleWithWebIdentity.webIdentityTokenFile"),
        durationSeconds: durationSeconds(web.duration, "assumeRoleWithWebIdentity.duration"),
        policy: text(web.policy, "assumeRoleWithWebIdentity.policy"),
        policyArns: textList(web.policyArns, "assumeRoleWithWebIdentity.policyArns"),
    };
    if (!settings.webIdentityToken && !settings.webIdentityTokenFile) {
        throw new UnreadableSetting("its input `assumeRoleWithWebIdentity` has neither webIdentityToken nor webIdentityTokenFile");
    }
    return settings;
}

/** `[{iam: "https://…", sts: "…"}, …]` → the named endpoint. */
function endpointOf(endpoints: unknown, name: string): string | undefined {
    if (endpoints === undefined || endpoints === null || endpoints === "") return undefined;
    if (!Array.isArray(endpoints)) throw new UnreadableSetting("its input `endpoints` is not a list");
    for (const entry of endpoints) {
        const url = text(record(entry, "endpoints")?.[name], `endpoints.${name}`);
        if (url) return url;
    }
    return undefined;
}

/** Settings that decide identity which the pack cannot apply: never silently ignored. */
const NOT_HONOURED = ["ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "customCaBundle"];

/**
 * The stack's config for one provider package, from PULUMI_CONFIG (`aws:region` → `region`). A PULUMI_CONFIG that
 * cannot be read is no config: it may hold the stack's `aws:assumeRoles` or `aws:allowedAccountIds`.
 */
export function stackProviderConfig(env: NodeJS.ProcessEnv, packageName: string): Record<string, unknown> {
    let raw: unknown;
    try {
        // The language host writes `{}` for no config; an empty variable means no config as well.
        raw = JSON.parse(env.PULUMI_CONFIG?.trim() || "{}");
    } catch {
        throw new UnreadableSetting(
            `the stack's configuration (PULUMI_CONFIG) is not JSON (${jsonProblem(env.PULUMI_CONFIG ?? "")}), ` +
                "so the account the stack's default AWS configuration reaches cannot be known",
        );
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
        throw new UnreadableSetting(
            "the stack's configuration (PULUMI_CONFIG) is not a JSON object, so the account the stack's default AWS configuration reaches cannot be known",
        );
    }
    const prefix = `${packageName}:`;
    return Object.fromEntries(
        Object.entries(raw as Record<string, unknown>)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
}

function read(props: Record<string, unknown>, label: string, env: NodeJS.ProcessEnv): ProviderSettings {
    for (const setting of NOT_HONOURED) {
        if (input(props, setting) !== undefined && input(props, setting) !== "")
            throw new UnreadableSetting(`its input \`${setting}\` is set, which the pack cannot honour`);
    }
    const accessKeyId = text(input(props, "accessKey"), "accessKey");
    const secretAccessKey = text(input(props, "secretKey"), "secretKey");
    const sessionToken = text(input(props, "token"), "token");
    if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new UnreadableSetting("it sets only one of `accessKey` and `secretKey`");
    const endpoints = input(props, "endpoints");
    // pulumi-aws: `assumeRoles` (a list; older versions `assumeRole`, one object); aws-native: `assumeRole`.
    const roles = input(props, "assumeRoles");
    const single = input(props, "assumeRole");
    const roleEntries = Array.isArray(roles)
        ? roles
        : roles !== undefined && roles !== null && roles !== ""
          ? [roles]
          : single
            ? [single]
            : [];
    const allowed = textList(input(props, "allowedAccountIds"), "allowedAccountIds");
    const forbidden = textList(input(props, "forbiddenAccountIds"), "forbiddenAccountIds");
    if (allowed && forbidden)
        throw new UnreadableSetting("it sets both `allowedAccountIds` and `forbiddenAccountIds`, which pulumi-aws refuses");
    return {
        label,
        region:
            text(input(props, "region"), "region") ??
            text(env.AWS_REGION, "AWS_REGION") ??
            text(env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION") ??
            DEFAULT_REGION,
        stsRegion: text(input(props, "stsRegion"), "stsRegion"),
        // The provider's own endpoints, else the environment's, read here from the run's environment (not the process's).
        iamEndpoint:
            endpointOf(endpoints, "iam") ??
            text(env.AWS_ENDPOINT_URL_IAM, "AWS_ENDPOINT_URL_IAM") ??
            text(env.AWS_ENDPOINT_URL, "AWS_ENDPOINT_URL"),
        stsEndpoint:
            endpointOf(endpoints, "sts") ??
            text(env.AWS_ENDPOINT_URL_STS, "AWS_ENDPOINT_URL_STS") ??
            text(env.AWS_ENDPOINT_URL, "AWS_ENDPOINT_URL"),
        useFipsEndpoint: flag(input(props, "useFipsEndpoint"), "useFipsEndpoint"),
        useDualstackEndpoint: flag(input(props, "useDualstackEndpoint"), "useDualstackEndpoint"),
        profile: text(input(props, "profile"), "profile"),
        sharedCredentialsFile: oneFile(input(props, "sharedCredentialsFiles"), "sharedCredentialsFiles"),
        sharedConfigFile: oneFile(input(props, "sharedConfigFiles"), "sharedConfigFiles"),
        staticCredentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
        webIdentity: webIdentity(props),
        assumeRoles: roleEntries
            .map((entry, i) =>
                assumeRoleStep(
                    entry,
                    Array.isArray(roles)
                        ? `assumeRoles[${i}]`
                        : roles !== undefined && roles !== null && roles !== ""
                          ? "assumeRoles"
                          : "assumeRole",
                ),
            )
            .filter((s): s is AssumeRoleStep => s !== undefined),
        allowedAccountIds: allowed,
        forbiddenAccountIds: forbidden,
    };
}

/** How messages name a provider, or what a resource without one is read with. */
export function providerLabel(provider: ProviderLike | undefined, env: NodeJS.ProcessEnv): string {
    return provider
        ? `provider ${provider.name}`
        : env.PULUMI_CONFIG?.trim()
          ? "the stack's default AWS configuration"
          : "the environment's AWS configuration";
}

/**
 * A provider (default or explicit) is read from its own inputs, then the environment; a resource with no
 * provider (default providers disabled, or an audit of discovered resources) from the stack's config, then
 * the environment.
 */
export function providerSettings(provider: ProviderLike | undefined, env: NodeJS.ProcessEnv): ProviderReading {
    const packageName = provider?.type.replace(/^pulumi:providers:/, "") || "aws";
    const label = providerLabel(provider, env);
    try {
        const props = provider ? provider.props : stackProviderConfig(env, packageName);
        return { status: "ok", settings: read(props, label, env) };
    } catch (error) {
        if (error instanceof UnreadableSetting) return { status: "unreadable", label, reason: `${label}: ${error.message}` };
        throw error;
    }
}

/** Two providers share one IAM client exactly when these are equal (no secret in the key). */
export function credentialKey(settings: ProviderSettings, secretDigest: (secret: string) => string): string {
    const { label: _label, staticCredentials, webIdentity, ...rest } = settings;
    return JSON.stringify({
        ...rest,
        accessKeyId: staticCredentials?.accessKeyId,
        secret: staticCredentials && secretDigest(`${staticCredentials.secretAccessKey}\n${staticCredentials.sessionToken ?? ""}`),
        webIdentity: webIdentity && {
            ...webIdentity,
            webIdentityToken: webIdentity.webIdentityToken && secretDigest(webIdentity.webIdentityToken),
        },
    });
}
