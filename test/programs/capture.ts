// Runs one of these Pulumi programs under the SDK's mocks and prints, as JSON, what the engine would send a
// policy pack for each resource: its type, name, URN, inputs exactly as the SDK serialized them (unknown
// values as the engine's sentinel, provider inputs as the provider SDK's JSON strings) and its provider's
// inputs. A resource without an explicit provider gets the default provider the engine would create: its
// inputs are the stack's config for that package.
//   node test/programs/bin/capture.js <program> <preview|update>   (stack config in PULUMI_CONFIG)
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => { registerResource(req: unknown, callback: unknown): Promise<void> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

interface Registered {
    type: string;
    name: string;
    urn: string;
    parent: string;
    /** `urn::id` of the explicit provider, or "". */
    providerRef: string;
    props: Record<string, unknown>;
}

const [program, mode] = process.argv.slice(2);
const preview = mode !== "update";
const PROJECT = "iam-programs";
const STACK = "test";
const registered: Registered[] = [];

class CapturingMonitor extends MockMonitor {
    async registerResource(req: any, callback: any) {
        const urn = `urn:pulumi:${STACK}::${PROJECT}::${req.getType()}::${req.getName()}`;
        registered.push({ type: req.getType(), name: req.getName(), urn, parent: req.getParent(), providerRef: req.getProvider(), props: req.getObject()?.toJavaScript() ?? {} });
        return super.registerResource(req, callback);
    }
}

// In a preview, a mock that returns only a resource's inputs leaves its other outputs (an ARN, an ID-derived
// name) unknown, as the engine does; in an update, they are known.
const mocks: pulumi.runtime.Mocks = {
    newResource: args => ({
        id: `${args.name}-id`,
        state: preview ? { ...args.inputs } : { ...args.inputs, arn: `arn:aws:iam::123456789012:role/${args.name}`, name: args.inputs.name ?? `${args.name}-generated` },
    }),
    call: args => args.inputs,
};

function packageVersion(name: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`${name}/package.json`).version as string;
}

/** The default provider the engine creates for a package: named after its version, inputs = stack config. */
function defaultProvider(packageName: string) {
    const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>;
    const version = packageVersion(`@pulumi/${packageName}`);
    const name = `default_${version.replace(/\./g, "_")}`;
    const props: Record<string, unknown> = { version };
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${packageName}:`)) props[key.slice(packageName.length + 1)] = value;
    }
    return { type: `pulumi:providers:${packageName}`, name, urn: `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:${packageName}::${name}`, props };
}

async function main(): Promise<void> {
    const monitor = new CapturingMonitor(mocks);
    settings.setMockOptions(monitor, PROJECT, STACK, preview);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(__dirname, program));
    // Wait until every registration the program started has reached the monitor (the RPC queue drained).
    await settings.disconnect();
    const providers = new Map(registered.filter(r => r.type.startsWith("pulumi:providers:")).map(r => [`${r.urn}::${r.name}-id`, r]));
    const resources = registered
        .filter(r => !r.type.startsWith("pulumi:providers:"))
        .map(r => {
            const explicit = providers.get(r.providerRef);
            const provider = explicit
                ? { type: explicit.type, name: explicit.name, urn: explicit.urn, props: explicit.props }
                : defaultProvider(r.type.split(":")[0]);
            return { type: r.type, name: r.name, urn: r.urn, parent: r.parent || undefined, props: r.props, provider };
        });
    process.stdout.write(JSON.stringify({ resources }));
}

main().catch(error => {
    process.stderr.write(`capture: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
});
