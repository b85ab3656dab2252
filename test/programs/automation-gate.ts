// Gating a deployment from code with the Automation API, as the README shows it: preview the stack with the policy
// pack, collect the policy events, and fail when a mandatory one is among them. Prints them as JSON (for the spec).
//   node test/programs/bin/automation-gate.js <program folder> <policy pack folder> [policy pack config file]
import { LocalWorkspace } from "@pulumi/pulumi/automation";

interface Violation {
    policy: string;
    level: string;
    resource: string;
    message: string;
}

async function main(): Promise<void> {
    const [workDir, policyPack, config] = process.argv.slice(2);
    const stack = await LocalWorkspace.selectStack({ stackName: "dev", workDir });
    const violations: Violation[] = [];
    let failed = false;
    try {
        await stack.preview({
            policyPacks: [policyPack],
            policyPackConfigs: config ? [config] : undefined,
            onEvent: event => {
                const p = event.policyEvent;
                if (p)
                    violations.push({ policy: p.policyName, level: p.enforcementLevel, resource: p.resourceUrn ?? "", message: p.message });
            },
        });
    } catch {
        failed = true; // a mandatory violation fails the preview
    }
    process.stdout.write(JSON.stringify({ failed, blocking: violations.filter(v => v.level === "mandatory").length, violations }));
}

main().catch((error: Error) => {
    process.stderr.write(`automation-gate: ${error.message}\n`);
    process.exit(2);
});
