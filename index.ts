import { PolicyPack } from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { PACK_NAME, packMetadata, packPolicies } from "./rules/policies";
import { newPackRun, PackRun } from "./rules/run/pack-run";
import { fileSink, FINDINGS_FILE_ENV } from "./rules/run/findings";
import { settingsFrom, SettingsError } from "./rules/config/settings";

// The edge of the pack: the only place that reads the process's environment. Everything below is handed it.
const env = process.env;
// The SDK warns on every run that its 2027 releases need Node 22; inside a preview that is noise about a pinned
// dependency, not about the stack. A user who sets the variable keeps their choice.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Settings are checked once, before the pack serves: a bad variable stops it with one message naming the
// variable (the CLI shows the pack's stderr), instead of failing every resource.
let run: PackRun;
try {
    const findingsFile = env[FINDINGS_FILE_ENV];
    run = newPackRun({ settings: settingsFrom(env), env, findings: findingsFile ? fileSink(findingsFile) : undefined });
} catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`unused-iam-credentials: ${error.message}\n`);
    process.exit(1);
}

// The engine configures the stack before it sends the first resource, and waits for each answer: the account
// check and the credential report of the stack's default AWS configuration start now, not at the first user.
run.accounts.startDefault();

// The repository the pack is published from, as its package.json says (set it before `pulumi policy publish`).
// The CLI starts a pack in its own folder, where PolicyPack reads package.json too.
const { repository } = JSON.parse(readFileSync("package.json", "utf8")) as { repository?: string | { url?: string } };
new PolicyPack(PACK_NAME, { policies: packPolicies(run), ...packMetadata(typeof repository === "string" ? repository : repository?.url) });
