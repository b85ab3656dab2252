import { PolicyPack } from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { PACK_NAME, packMetadata, packPolicies } from "./rules/policies";
import { newPackRun, PackRun } from "./rules/run/pack-run";
import { SettingsError } from "./rules/config/settings";

// Settings are checked once, before the pack serves: a bad variable stops it with one message naming the
// variable (the CLI shows the pack's stderr), instead of failing every resource.
let run: PackRun;
try {
    run = newPackRun(process.env);
} catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`unused-iam-credentials: ${error.message}\n`);
    process.exit(1);
}

// The repository the pack is published from, as its package.json says (set it before `pulumi policy publish`).
// The CLI starts a pack in its own folder, where PolicyPack reads package.json too.
const { repository } = JSON.parse(readFileSync("package.json", "utf8")) as { repository?: string | { url?: string } };
new PolicyPack(PACK_NAME, { policies: packPolicies(run), ...packMetadata(typeof repository === "string" ? repository : repository?.url) });
