// Under the real Pulumi CLI, through the Automation API: a program that previews a stack with the policy pack
// (LocalWorkspace, policyPacks) and reads the violations from the engine's events, as a team gating from code does.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { describeWithCli, freshWorkspaces, runCommand, Workspace } from "../helpers/pulumi-cli";
import { REPO } from "../helpers/samples";
import { SEEDED, SEEDED_VERDICTS } from "../helpers/seeded-account";

const GATE = path.join(REPO, "test", "programs", "bin", "automation-gate.js");

interface GateOutput {
    failed: boolean;
    blocking: number;
    violations: { policy: string; level: string; resource: string; message: string }[];
}

describeWithCli("the Automation API: LocalWorkspace with policyPacks", function (cli) {
    this.timeout(300_000);
    const workspaces = freshWorkspaces(cli);
    let workspace: Workspace;

    const gate = async (config?: string) => {
        const run = await runCommand(process.execPath, [GATE, workspace.dir, REPO, ...(config ? [config] : [])], {
            cwd: workspace.dir,
            env: workspace.env,
        });
        assert.equal(run.code, 0, run.stderr);
        return JSON.parse(run.stdout) as GateOutput;
    };

    it("previews, fails on the mandatory violations, and hands each violation to the program", async () => {
        ({ workspace } = await workspaces.open("seeded", SEEDED));
        const out = await gate();
        assert.equal(out.failed, true);
        const found = out.violations.map(v => `${v.level} ${v.policy} ${v.resource.split("::").pop()}`).sort();
        assert.deepEqual(found, SEEDED_VERDICTS);
        assert.match(
            out.violations.find(v => v.message.includes("AKIAALICESTALE000001"))!.message,
            /is unused: last used .* idle 120 days, threshold 90 days/,
        );
    });

    it("with every policy advisory, the preview passes and the program still sees every finding", async () => {
        ({ workspace } = await workspaces.open("seeded", SEEDED));
        const config = path.join(workspace.dir, "advisory.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const out = await gate(config);
        assert.deepEqual([out.failed, out.blocking, out.violations.length], [false, 0, 5]);
    });
});
