// Runs one of these Pulumi programs under the SDK's mocks and prints, as JSON, what the engine would send a
// policy pack for each resource: its type, name, URN, inputs exactly as the SDK serialized them (unknown
// values as the engine's sentinel, provider inputs as the provider SDK's JSON strings) and its provider's
// inputs. A resource without an explicit provider gets the default provider the engine would create: its
// inputs are the stack's config for that package.
//   node test/programs/bin/capture.js <program> <preview|update>   (stack config in PULUMI_CONFIG)
import * as path from "node:path";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";

/** What the SDK hands the monitor for each registration (its protobuf message, as far as this reads it). */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

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
    override async registerResource(req: RegisterRequest, callback: (err: unknown, innerResponse: unknown) => void): Promise<void> {
        const urn = `urn:pulumi:${STACK}::${PROJECT}::${req.getType()}::${req.getName()}`;
        registered.push({
            type: req.getType(),
            name: req.getName(),
            urn,
            parent: req.getParent(),
            providerRef: req.getProvider(),
            props: req.getObject()?.toJavaScript() ?? {},
        });
        return super.registerResource(req, callback);
    }
}

// In a preview, a mock that returns only a resource's inputs leaves its other outputs (an ARN, an ID-derived
// name) unknown, as the engine does; in an update, they are known.
const mocks: pulumi.runtime.Mocks = {
    newResource: args => {
        const inputs = args.inputs as Record<string, unknown>;
        const name = typeof inputs.name === "string" ? inputs.name : `${args.name}-generated`;
        return {
            id: `${args.name}-id`,
            state: preview ? { ...inputs } : { ...inputs, arn: `arn:aws:iam::123456789012:role/${args.name}`, name },
        };
    },
    call: args => args.inputs as Record<string, unknown>,
};

function packageVersion(name: string): string {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
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
    return {
        type: `pulumi:providers:${packageName}`,
        name,
        urn: `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:${packageName}::${name}`,
        props,
    };
}

async function main(): Promise<void> {
    const monitor = new CapturingMonitor(mocks);
    settings.setMockOptions(monitor, PROJECT, STACK, preview);
    // The program registers its resources as it loads, as `pulumi up` runs it.
    await import(path.join(__dirname, program));
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
    process.stderr.write(`capture: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
});
