// Builds the Configure request the way the engine does from a `--policy-pack-config` file
// (pulumi/pulumi pkg/resource/analyzer/config.go): each policy's schema defaults, then the file (`all` sets
// every policy's level, a policy's own entry wins), then a JSON-schema validation of each known policy that
// rejects a bad file naming the policy and the field. As the engine, it ignores entries for policies the
// pack does not have and passes fields a schema does not name; `configWarnings` says what was ignored.
import Ajv from "ajv";
import { AnalyzerInfo, EnforcementLevel, PolicyConfigEntry, PolicyInfo } from "./analyzer-client";

const LEVELS = new Set<EnforcementLevel>(["advisory", "mandatory", "disabled", "remediate"]);

export type PolicyPackConfigFile = Record<string, unknown>;

export class PolicyConfigError extends Error {}

function asLevel(value: unknown, where: string): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.has(value as EnforcementLevel)) {
        throw new PolicyConfigError(
            `${where}: enforcement level must be one of advisory, mandatory, remediate, disabled (got ${JSON.stringify(value)})`,
        );
    }
    return value as EnforcementLevel;
}

/** What the engine uses of GetAnalyzerInfo to build the Configure request. */
export type ConfigurableInfo = Pick<AnalyzerInfo, "name"> & { policies: Pick<PolicyInfo, "name" | "enforcementLevel" | "configSchema">[] };

/** One entry of the file: a level, or an object of an optional `enforcementLevel` and properties. */
function entryOf(name: string, entry: unknown): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    if (entry === undefined) return { properties: {} };
    if (typeof entry === "string") return { level: asLevel(entry, `policy pack config: ${name}`), properties: {} };
    if (entry && typeof entry === "object" && !Array.isArray(entry)) {
        const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
        return {
            level: enforcementLevel === undefined ? undefined : asLevel(enforcementLevel, `policy pack config: ${name}.enforcementLevel`),
            properties,
        };
    }
    throw new PolicyConfigError(`policy pack config: ${name} must be an enforcement level or an object`);
}

export function engineConfig(info: ConfigurableInfo, file: PolicyPackConfigFile = {}): Record<string, PolicyConfigEntry> {
    const allLevel = file.all === undefined ? undefined : asLevel(file.all, "policy pack config: all");
    const ajv = new Ajv({ allErrors: true, strict: false });
    const result: Record<string, PolicyConfigEntry> = {};
    for (const policy of info.policies) {
        const properties: Record<string, unknown> = {};
        for (const [field, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            const fallback = (schema as { default?: unknown }).default;
            if (fallback !== undefined) properties[field] = structuredClone(fallback);
        }
        const given = entryOf(policy.name, file[policy.name]);
        const level = given.level ?? allLevel ?? policy.enforcementLevel ?? "advisory";
        Object.assign(properties, given.properties);
        const schema = { type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [] };
        const validate = ajv.compile(schema);
        if (!validate(properties)) {
            const problems = (validate.errors ?? []).map(e => {
                const field = e.instancePath
                    ? e.instancePath.slice(1).replace(/\//g, ".")
                    : ((e.params as { missingProperty?: string }).missingProperty ?? "");
                return `${policy.name}.${field} ${e.message}`;
            });
            throw new PolicyConfigError(`policy pack config is invalid: ${problems.join("; ")}`);
        }
        result[policy.name] = { enforcementLevel: level, properties };
    }
    // As the engine: an entry for a policy the pack does not have is passed on unvalidated (the SDK ignores it).
    const known = new Set(info.policies.map(p => p.name));
    for (const [key, entry] of Object.entries(file)) {
        if (key === "all" || known.has(key)) continue;
        const given = entryOf(key, entry);
        result[key] = { enforcementLevel: given.level ?? "advisory", properties: given.properties };
    }
    return result;
}

/** What the engine silently ignores in a config file: policies the pack does not have, fields no schema names. */
export function configWarnings(info: ConfigurableInfo, file: PolicyPackConfigFile = {}): string[] {
    const byName = new Map(info.policies.map(p => [p.name, p]));
    const warnings: string[] = [];
    for (const [key, entry] of Object.entries(file)) {
        if (key === "all") continue;
        const policy = byName.get(key);
        if (!policy) {
            warnings.push(`"${key}" is not a policy of ${info.name}; the CLI ignores it (policies: ${[...byName.keys()].join(", ")})`);
            continue;
        }
        if (entry && typeof entry === "object") {
            const known = new Set(["enforcementLevel", ...Object.keys(policy.configSchema?.properties ?? {})]);
            for (const field of Object.keys(entry)) {
                if (!known.has(field))
                    warnings.push(`${key}.${field} is not a setting of ${key}; the CLI passes it on, and the policy ignores it`);
            }
        }
    }
    return warnings;
}
