// Reads `pulumi stack export` output into what the engine would send the pack during a preview:
// each IAM user's inputs and its provider's inputs (non-strings as JSON strings, as the engine sends them).
import { AnalyzedResource } from "../driver/analyzer-client";
import { StackIdentity } from "../driver/pack-process";
import { ALL_KINDS, USER_TYPES } from "../../rules/api";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** What the engine sends for a value it cannot know: the pack treats it as present but unreadable. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource of a `pulumi stack export` file, as far as check reads it. */
export interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    provider?: string;
    parent?: string;
    /** Where the program declares it: `project:///index.ts#4,18` (recent SDKs). */
    sourcePosition?: string;
}

export interface StackExport {
    deployment?: { resources?: ExportedResource[] };
}

export interface StackForCheck {
    identity: StackIdentity;
    /** Provider inputs that decide identity but are secrets in the export (encrypted: check cannot read them), by provider URN. */
    secretProviderInputs: Map<string, string[]>;
    /** Every resource the engine would analyze. */
    resources: AnalyzedResource[];
    /** The credentials the stack itself manages, by each kind's key (`ownerKey`), with the managing resource's URN. */
    managed: Map<string, string>;
    /** User resources whose name is a secret in the export: check cannot say which user they are. */
    secretUserNames: string[];
    /** Where the program declares each resource, by URN, when the export says (a path within the Pulumi project). */
    sourcePositions: Map<string, SourcePosition>;
}

export interface SourcePosition {
    /** The program file, relative to the Pulumi project's folder. */
    file: string;
    line: number;
    column?: number;
}

/** `project:///index.ts#4,18` → index.ts, line 4, column 18; a position outside the project (an SDK's own file) is none. */
export function sourcePositionOf(text: unknown): SourcePosition | undefined {
    const match = typeof text === "string" ? /^project:\/\/\/([^#]+)#(\d+)(?:,(\d+))?$/.exec(text) : null;
    if (!match || match[1].split("/").includes("..")) return undefined;
    return { file: match[1], line: Number(match[2]), column: match[3] ? Number(match[3]) : undefined };
}

/**
 * Encrypted secrets cannot be read without the stack's secrets provider: each is replaced by `by`. A resource's
 * secret stays present with an unknown value; a provider's is left out (`undefined` drops the field), and the
 * provider inputs that decide identity are refused when secret (above).
 */
function replaceSecrets(value: unknown, by: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => replaceSecrets(v, by));
    if (value && typeof value === "object") {
        if (SECRET_SIG in value) return by;
        return Object.fromEntries(
            Object.entries(value)
                .map(([k, v]) => [k, replaceSecrets(v, by)])
                .filter(([, v]) => v !== undefined),
        );
    }
    return value;
}

/** Inputs of a provider that decide which account it reaches: check cannot stand in for them when they are secret. */
const IDENTITY_INPUTS = new Set([
    "accessKey",
    "secretKey",
    "token",
    "profile",
    "sharedCredentialsFiles",
    "sharedConfigFiles",
    "assumeRoles",
    "assumeRole",
    "assumeRoleWithWebIdentity",
    "allowedAccountIds",
    "forbiddenAccountIds",
    "endpoints",
    "region",
    "stsRegion",
]);

function secretInputs(inputs: Record<string, unknown>): string[] {
    return Object.entries(inputs)
        .filter(([k, v]) => IDENTITY_INPUTS.has(k) && JSON.stringify(v ?? null).includes(SECRET_SIG))
        .map(([k]) => k);
}

function providerProps(inputs: Record<string, unknown>): Record<string, unknown> {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((replaceSecrets(inputs, undefined) as Record<string, unknown>) ?? {})) {
        if (v !== undefined) props[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return props;
}

function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

export function stackFromExport(exported: StackExport): StackForCheck {
    const resources = exported?.deployment?.resources;
    if (!Array.isArray(resources)) throw new Error("not a `pulumi stack export` file: no deployment.resources");
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const first = resources[0]?.urn ?? "urn:pulumi:stack::project::x::y";
    const match = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(first);
    const stack = match?.[1] ?? "stack";
    const project = match?.[2] ?? "project";
    const analyzed: AnalyzedResource[] = [];
    const managed = new Map<string, string>();
    const secretUserNames: string[] = [];
    const sourcePositions = new Map<string, SourcePosition>();
    const secretProviderInputs = new Map<string, string[]>();
    for (const r of resources) {
        const secret = r.type.startsWith("pulumi:providers:") ? secretInputs(r.inputs ?? {}) : [];
        if (secret.length) secretProviderInputs.set(r.urn, secret);
    }
    for (const r of resources) {
        if (r.type.startsWith("pulumi:")) continue;
        const props = (replaceSecrets(r.inputs ?? {}, UNKNOWN) as Record<string, unknown>) ?? {};
        const known = (value: unknown): value is string => typeof value === "string" && value !== UNKNOWN;
        for (const kind of ALL_KINDS) {
            const key = kind.managedKey({ type: r.type, inputs: r.inputs ?? {}, outputs: r.outputs ?? {}, props }, known);
            if (key) managed.set(key, r.urn);
        }
        const nameKey = USER_TYPES[r.type];
        if (nameKey && props[nameKey] === UNKNOWN) secretUserNames.push(r.urn);
        const position = sourcePositionOf(r.sourcePosition);
        if (position) sourcePositions.set(r.urn, position);
        // A deployed user's ARN names its account: the pack judges it there (or says it cannot), never a same-named
        // user of whatever account the credentials reach.
        const arn = r.outputs?.arn;
        if (nameKey && typeof arn === "string") props.arn = arn;
        const providerUrn = r.provider?.replace(/::[^:]*$/, "");
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        analyzed.push({
            type: r.type,
            name: nameOf(r.urn),
            urn: r.urn,
            parent: r.parent,
            props,
            provider: provider
                ? { type: provider.type, name: nameOf(provider.urn), urn: provider.urn, props: providerProps(provider.inputs ?? {}) }
                : undefined,
        });
    }
    return {
        identity: { stack, project, organization: "organization", config: {}, dryRun: true },
        secretProviderInputs,
        resources: analyzed,
        managed,
        secretUserNames,
        sourcePositions,
    };
}
