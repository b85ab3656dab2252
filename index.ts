// Order matters: this start-up measure runs before @pulumi/policy loads.
import "./rules/lib/lazy-pulumi-index";
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./rules/policies";
import { SettingsError, settingsFrom } from "./rules/lib/settings";

// Settings are checked once, before the pack serves: a bad variable stops it with one message naming the
// variable (the CLI shows the pack's stderr), instead of failing every resource.
try {
    settingsFrom(process.env);
} catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`unused-iam-credentials: ${error.message}\n`);
    process.exit(1);
}

new PolicyPack(PACK_NAME, { policies });
