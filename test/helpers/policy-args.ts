// ResourceValidationArgs built the way @pulumi/policy's server builds them for an Analyze call:
// props behind its unknown-checking proxy, the provider, config, and notApplicable that throws.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(o: T) => T; unknownStringValue: string };

/** What deserializeProperties turns the engine's unknown sentinel into. */
export const UNKNOWN = proxy.unknownStringValue;

export class NotApplicable extends Error {}

export interface Reported {
    violations: string[];
    notApplicable?: string;
}

export function userArgs(options: {
    type?: string;
    name: string;
    props: Record<string, unknown>;
    provider?: ResourceValidationArgs["provider"];
    config?: Record<string, unknown>;
}): ResourceValidationArgs {
    const type = options.type ?? "aws:iam/user:User";
    return {
        type,
        name: options.name,
        urn: `urn:pulumi:dev::proj::${type}::${options.name}`,
        props: proxy.unknownCheckingProxy(options.props),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        provider: options.provider,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => (options.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs a policy's validateResource as the SDK does and collects what it reported. */
export async function validate(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<Reported> {
    const violations: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    try {
        for (const validation of validations) {
            await validation(args, message => violations.push(typeof message === "string" ? message : JSON.stringify(message)));
        }
    } catch (error) {
        if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
        throw error;
    }
    return { violations };
}
