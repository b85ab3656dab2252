#!/usr/bin/env node
// `check`: the pack's main job as a command. Runs the pack through the CLI-faithful driver over a stack's
// IAM users and prints what `pulumi preview` would print, exiting non-zero on a mandatory violation.
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { parseArgs } from "node:util";
import { AccountFile } from "./local-iam/account-file";
import { startLocalIam } from "./local-iam/server";
import { drivePack } from "./driver/drive-pack";
import { configWarnings, PolicyConfigError } from "./driver/engine-config";
import { checkReport, formatPolicies } from "./check/format-report";
import { planFixes, runFixes } from "./check/fix";
import { stackFromExport } from "./check/stack-export";
import { formatAccounts, verifiedAccounts } from "./check/accounts";

const PACK_DIR = path.resolve(__dirname, "..", "..");
const SAMPLES = path.join(PACK_DIR, "samples");

const USAGE = `usage: check [--demo] [--stack-export FILE [--use-ambient-credentials]] [--endpoint URL] [--policy-pack-config FILE] [--concurrency N] [--json]
             [--deactivate [--delete-unused-passwords] [--dry-run] [--yes] [--audit-log FILE]]

  --demo                     run on the built-in sample account (served by the local IAM endpoint) and sample stack
  --stack-export FILE        the output of \`pulumi stack export\`: checks the stack's IAM users
  --use-ambient-credentials  when the export's provider credentials are secrets (encrypted, unreadable here): read with
                             this shell's AWS credentials instead; the account they reach must still match the provider
  --endpoint URL             the IAM endpoint to query (default: real IAM, standard AWS credential chain)
  --policy-pack-config FILE  the same file \`pulumi preview --policy-pack-config\` takes
  --concurrency N            Analyze calls in flight at once (default 16; 1 = one at a time)
  --json                     print a machine-readable report
  --deactivate               fix what was found: deactivate unused access keys the stack does not manage (never deletes a
                             key) and print the code change for those it does; each is re-read live right before acting
  --delete-unused-passwords  with --deactivate: also delete unused login profiles the stack does not manage
  --dry-run                  print exactly what --deactivate would do, and change nothing
  --yes                      do not ask for confirmation (required when not on a terminal)
  --audit-log FILE           JSON lines of every action, with the command that undoes it (default ./unused-credentials-audit.jsonl)
exit: 0 no mandatory violation, 1 mandatory violation(s), 2 usage or run error;
      with --deactivate or --dry-run: 1 if an action failed or a managed credential needs a code change`;

function readJson(file: string, what: string): unknown {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
    }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
    const { values } = parseArgs({
        args: argv,
        options: {
            demo: { type: "boolean", default: false },
            "stack-export": { type: "string" },
            "use-ambient-credentials": { type: "boolean", default: false },
            endpoint: { type: "string" },
            "policy-pack-config": { type: "string" },
            concurrency: { type: "string", default: "16" },
            json: { type: "boolean", default: false },
            deactivate: { type: "boolean", default: false },
            "delete-unused-passwords": { type: "boolean", default: false },
            "dry-run": { type: "boolean", default: false },
            yes: { type: "boolean", default: false },
            "audit-log": { type: "string", default: "unused-credentials-audit.jsonl" },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const exportFile = values["stack-export"] ?? (values.demo ? path.join(SAMPLES, "demo-stack.json") : undefined);
    if (!exportFile) throw new UsageError("give --stack-export FILE (or --demo)");
    const stack = stackFromExport(readJson(exportFile, "stack export") as never);
    if (stack.secretProviderInputs.size && !values["use-ambient-credentials"]) {
        const which = [...stack.secretProviderInputs].map(([urn, inputs]) => `${urn.split("::").pop()} (${inputs.join(", ")})`).join("; ");
        throw new UsageError(
            `the stack export holds provider settings as secrets, which check cannot decrypt: ${which}. Without them it could read ` +
            "another account. Pass --use-ambient-credentials to read with this shell's AWS credentials instead (their account is " +
            "verified against the provider's allowedAccountIds and roles, and printed).",
        );
    }
    const configFile = values["policy-pack-config"] ? (readJson(values["policy-pack-config"], "policy pack config") as Record<string, unknown>) : undefined;
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a whole number ≥ 1");

    const demoIam = values.demo ? await startLocalIam(readJson(path.join(SAMPLES, "demo-account.json"), "sample account") as AccountFile) : undefined;
    const endpoint = demoIam?.url ?? values.endpoint;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (endpoint) {
        env.AWS_ENDPOINT_URL_IAM = endpoint;
        env.AWS_ENDPOINT_URL_STS = endpoint; // the local endpoint serves STS too: accounts are verified there
        // A local endpoint does not check signatures, but the SDK must still sign: give it placeholder credentials.
        if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) Object.assign(env, { AWS_ACCESS_KEY_ID: "AKIDLOCALENDPOINT000", AWS_SECRET_ACCESS_KEY: "local-endpoint" });
    }
    const fixing = values.deactivate || values["dry-run"];
    if (values["delete-unused-passwords"] && !fixing) throw new UsageError("--delete-unused-passwords goes with --deactivate");
    // check's own AWS calls (account checks, re-reads and fixes) go where the pack's go.
    Object.assign(process.env, env);
    const progress = process.stderr.isTTY && !values.json;
    let done = 0;
    try {
        const accounts = await verifiedAccounts(stack.resources, env);
        const run = await drivePack({
            packDir: PACK_DIR,
            stack: stack.identity,
            env,
            resources: stack.resources,
            configFile,
            concurrency,
            onResult: progress
                ? () => {
                      done++;
                      process.stderr.write(`\r  analyzed ${done}/${stack.resources.length} resources`);
                  }
                : undefined,
        });
        if (progress) process.stderr.write("\n");
        // The CLI would not fail on these: say so, and go on as it would.
        for (const warning of configWarnings(run.info, configFile)) console.error(`check: warning: policy pack config: ${warning}`);
        if (run.output.trim()) process.stderr.write(run.output);
        const report = { ...checkReport(run), accounts };
        if (values.json) {
            console.log(JSON.stringify(report, null, 2));
        } else {
            console.log(`${formatAccounts(accounts)}\n`);
            const descriptions = new Map(run.info.policies.map(p => [p.name, p.description]));
            console.log(formatPolicies(report, values.demo ? "unused-iam-credentials (demo account)" : PACK_DIR, descriptions));
        }
        if (fixing) {
            const steps = planFixes(run, stack, { deletePasswords: values["delete-unused-passwords"] });
            const dryRun = values["dry-run"];
            const outOfBand = steps.filter(s => s.kind === "deactivate-key" || s.kind === "delete-login-profile").length;
            if (!dryRun && outOfBand > 0 && !values.yes && !(await confirmed(outOfBand))) return 2;
            const outcome = await runFixes(steps, dryRun, values["audit-log"]);
            const out = values.json ? process.stderr : process.stdout;
            out.write(`\n${dryRun ? "Fixes (dry run: nothing is changed):" : "Fixes:"}\n${outcome.lines.join("\n") || "  nothing to fix"}\n`);
            if (!dryRun && outcome.records.length) out.write(`audit log: ${path.resolve(values["audit-log"]!)}\n`);
            return outcome.failed > 0 || outcome.codeChanges > 0 ? 1 : 0;
        }
        if (values.demo) return 0; // the demo succeeds once it has shown its findings
        return report.summary.mandatory > 0 ? 1 : 0;
    } finally {
        await demoIam?.close();
    }
}

/** Changing IAM asks first on a terminal; elsewhere (CI) only --yes may. */
async function confirmed(actions: number): Promise<boolean> {
    if (!process.stdin.isTTY || process.env.CI) {
        console.error(`check: refusing to change ${actions} credential(s) without --yes when not on an interactive terminal (use --dry-run to see them)`);
        return false;
    }
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Change ${actions} IAM credential(s) now (each re-checked first)? [y/N] `);
    rl.close();
    return /^y(es)?$/i.test(answer.trim());
}

main(process.argv.slice(2)).then(
    code => (process.exitCode = code),
    error => {
        const known = error instanceof UsageError || error instanceof PolicyConfigError || String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS");
        console.error(`check: ${(error as Error).message}`);
        if (known) console.error(USAGE.split("\n")[0]);
        process.exitCode = 2;
    },
);
