#!/usr/bin/env node
// `check`: the pack's main job as a command. Runs the pack through the CLI-faithful driver over a stack's
// IAM users (several stacks, and an account's unmanaged users) and prints what `pulumi preview` would print,
// with each credential's owner, exiting with a code a CI job can trust.
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { parseArgs } from "node:util";
import { AccountFile } from "./local-iam/account-file";
import { startLocalIam } from "./local-iam/server";
import { closest } from "fastest-levenshtein";
import { PolicyConfigError } from "./driver/engine-config";
import { AnalyzedResource } from "./driver/analyzer-client";
import { Accounts, listAccountUsers, managedUserOf, parseJson, policyCatalog, settingsFrom, SettingsError } from "../rules/api";
import { CheckReport, checkReport, counted, formatPolicies } from "./check/format-report";
import { planFixes, runFixes } from "./check/fix";
import { StackForCheck, stackFromExport } from "./check/stack-export";
import { AccountLine, formatAccounts, ProviderAccount, userProviders, verifiedAccounts } from "./check/accounts";
import { CheckedStack, checkStack, FindingsLost, removeTemporaryFiles } from "./check/checked-stack";
import { unmanagedResources } from "./check/account-wide";
import { sarifOf } from "./check/sarif";
import { packageRoot } from "./package-root";

const PACK_DIR = packageRoot();
const SAMPLES = path.join(PACK_DIR, "samples");

const USAGE = `usage: check [--demo] [--stack-export FILE]... [--account-wide] [--use-ambient-credentials] [--endpoint URL] [--policy-pack-config FILE]
             [--concurrency N] [--json] [--list-passed] [--deactivate [--delete-unused-passwords] [--dry-run] [--yes] [--audit-log FILE]]

  --demo                     run on the built-in sample account (served by the local IAM endpoint) and sample stack
  --stack-export FILE        the output of \`pulumi stack export\`: checks the stack's IAM users; repeat it for several stacks
  --account-wide             also judge the users of each account the stacks reach (without --stack-export: the account this
                             shell's AWS credentials reach) that no given stack manages; each credential is listed with its owner
                             (stack and URN) or "unmanaged"
  --use-ambient-credentials  when the export's provider credentials are secrets (encrypted, unreadable here): read with
                             this shell's AWS credentials instead; the account they reach must still match the provider
  --endpoint URL             the IAM and STS endpoint to query (default: real IAM, standard AWS credential chain); placeholder
                             credentials are given only to a loopback endpoint, when the shell has none
  --policy-pack-config FILE  the same file \`pulumi preview --policy-pack-config\` takes (e.g. compliance/cis-aws-foundations-1.12.json)
  --concurrency N            Analyze calls in flight at once (default 16; 1 = one at a time, as the CLI does)
  --json                     print a machine-readable report: violations, credentials with owners, exemptions, users not judged
  --list-passed              also list each user judged and not flagged, and why (--demo always does; --json always has it)
  --format text|json|sarif   the report's form (--json is --format json); sarif: SARIF 2.1.0 for code scanning, one
                             result per unused credential and per user not judged, at the line that declares the user
  --source-root DIR          with sarif: the Pulumi project's folder within the repository (e.g. infra), for the paths
  --deactivate               fix what was judged: deactivate unused access keys no stack manages (never deletes a key) and print
                             the code change for those a stack manages; each is re-read live right before acting
  --delete-unused-passwords  with --deactivate: also delete unused login profiles no stack manages
  --dry-run                  print exactly what --deactivate would do, and change nothing
  --yes                      do not ask for confirmation (required when not on a terminal)
  --audit-log FILE           JSON lines of every action, with the command that undoes it (default ./unused-credentials-audit.jsonl)
exit: 0  every user judged and no mandatory violation left (--demo always exits 0 once it has shown its findings)
      1  mandatory violations left (with --deactivate: not fixed by it: code changes to deploy, passwords left alone, failures)
      4  some users (or an account's user list) could not be judged; 5 = 1 and 4 together
      2  usage or run error (bad input, an unreadable file, the pack's records lost)
      3  check itself failed (an unexpected error: a bug, please report it with the message)
    130  interrupted (its temporary files removed)`;

const EXIT = { ok: 0, mandatory: 1, usage: 2, internal: 3, unjudged: 4 } as const;

class UsageError extends Error {}

/** A JSON file, or a usage error naming it and where it goes wrong (never quoting it: it may hold a secret). */
function readJson(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
    try {
        return parseJson(text, `${what} ${file}`);
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
}

/** The endpoint's URL: http or https only. Placeholder credentials go only to a loopback one. */
function endpointOf(endpoint: string): { url: string; loopback: boolean } {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new UsageError(`--endpoint ${endpoint} is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--endpoint ${endpoint} is not an http(s) URL`);
    const host = url.hostname;
    return { url: endpoint, loopback: host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host) };
}

/**
 * A CI tool refuses what the engine would silently ignore: a policy the pack does not have, a field no policy
 * reads. A typo must not quietly run the defaults (a CIS gate at 45 days judging at 90).
 */
function refuseUnknownConfig(file: Record<string, unknown>): void {
    const catalog = policyCatalog();
    const names = catalog.map(p => p.name);
    for (const [key, entry] of Object.entries(file)) {
        if (key === "all") continue;
        const policy = catalog.find(p => p.name === key);
        if (!policy)
            throw new UsageError(
                `policy pack config: "${key}" is not a policy of this pack; did you mean "${closest(key, names)}"? (policies: ${names.join(", ")})`,
            );
        if (!entry || typeof entry !== "object") continue;
        const fields = ["enforcementLevel", ...policy.fields];
        for (const field of Object.keys(entry)) {
            if (!fields.includes(field))
                throw new UsageError(
                    `policy pack config: ${key}.${field} is not a setting of ${key}; ` +
                        `did you mean "${closest(field, fields)}"? (settings: ${fields.join(", ")})`,
                );
        }
    }
}

interface NamedExport {
    name: string;
    stack: StackForCheck;
}

function readStacks(files: string[]): NamedExport[] {
    const names = new Set<string>();
    return files.map(file => {
        let stack: StackForCheck;
        try {
            stack = stackFromExport(readJson(file, "stack export") as never);
        } catch (error) {
            if (error instanceof UsageError) throw error;
            throw new UsageError(`${file}: ${(error as Error).message}`);
        }
        let name = `${stack.identity.project}/${stack.identity.stack}`;
        if (names.has(name)) name = `${name} (${path.basename(file)})`;
        names.add(name);
        return { name, stack };
    });
}

function refuseSecretProviders(stacks: NamedExport[]): void {
    const which = stacks.flatMap(({ name, stack }) =>
        [...stack.secretProviderInputs].map(
            ([urn, inputs]) => `${stacks.length > 1 ? `${name}: ` : ""}${urn.split("::").pop()} (${inputs.join(", ")})`,
        ),
    );
    if (which.length === 0) return;
    throw new UsageError(
        `the stack export holds provider settings as secrets, which check cannot decrypt: ${which.join("; ")}. Without them it could read ` +
            "another account. Pass --use-ambient-credentials to read with this shell's AWS credentials instead (their account is " +
            "verified against the provider's allowedAccountIds and roles, and printed).",
    );
}

/** What was asked, checked before anything starts: every usage error is found here. */
interface CheckRequest {
    demo: boolean;
    stacks: NamedExport[];
    accountWide: boolean;
    endpoint?: { url: string; loopback: boolean };
    configFile?: Record<string, unknown>;
    concurrency: number;
    format: Format;
    sourceRoot?: string;
    listPassed: boolean;
    fixing: false | { dryRun: boolean; deletePasswords: boolean; yes: boolean; auditLog: string };
}

/** What a run found, and what it did about it: what every format renders. */
interface CheckResult {
    checked: CheckedStack[];
    report: CheckReport & { listingProblems: string[] };
    accountLines: AccountLine[];
    mandatoryLeft: number;
    fixes?: { lines: string[]; audit?: string };
    code: number;
}

/** The output formats, each from the same result. */
const FORMATS = {
    text: (result: CheckResult, request: CheckRequest): string => {
        const first = result.checked[0]?.run;
        const descriptions = new Map((first?.info.policies ?? []).map(p => [p.name, p.description]));
        const severities = new Map((first?.info.policies ?? []).map(p => [p.name, p.severity]));
        const problems = result.report.listingProblems.map(problem => `\nNOT LISTED: ${problem}`).join("");
        return (
            `${formatAccounts(result.accountLines, request.stacks.length > 1)}\n\n` +
            formatPolicies(result.report, request.demo ? "unused-iam-credentials (demo account)" : PACK_DIR, {
                descriptions,
                severities,
                notListed: result.report.listingProblems.length,
                listPassed: request.demo || request.listPassed,
            }) +
            problems
        );
    },
    json: (result: CheckResult): string =>
        JSON.stringify({ ...result.report, mandatoryLeft: result.mandatoryLeft, exitCode: result.code }, null, 2),
    sarif: (result: CheckResult, request: CheckRequest): string =>
        JSON.stringify(sarifOf(result.report, result.checked, result.checked[0]?.run.info, { sourceRoot: request.sourceRoot }), null, 2),
};
type Format = keyof typeof FORMATS;

function isFormat(format: string): format is Format {
    return Object.hasOwn(FORMATS, format);
}

/** The command line → a request, or a UsageError naming what is wrong. Starts nothing. */
function parse(argv: string[]): CheckRequest | "help" {
    const { values } = parseArgs({
        args: argv,
        options: {
            demo: { type: "boolean", default: false },
            "stack-export": { type: "string", multiple: true },
            "account-wide": { type: "boolean", default: false },
            "use-ambient-credentials": { type: "boolean", default: false },
            endpoint: { type: "string" },
            "policy-pack-config": { type: "string" },
            concurrency: { type: "string", default: "16" },
            json: { type: "boolean", default: false },
            "list-passed": { type: "boolean", default: false },
            format: { type: "string" },
            "source-root": { type: "string" },
            deactivate: { type: "boolean", default: false },
            "delete-unused-passwords": { type: "boolean", default: false },
            "dry-run": { type: "boolean", default: false },
            yes: { type: "boolean", default: false },
            "audit-log": { type: "string", default: "unused-credentials-audit.jsonl" },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
    });
    if (values.help) return "help";
    const exportFiles = values["stack-export"] ?? (values.demo ? [path.join(SAMPLES, "demo-stack.json")] : []);
    if (exportFiles.length === 0 && !values["account-wide"])
        throw new UsageError("give --stack-export FILE (or --demo, or --account-wide)");
    const stacks = readStacks(exportFiles);
    if (!values["use-ambient-credentials"]) refuseSecretProviders(stacks);
    const configFile = values["policy-pack-config"]
        ? (readJson(values["policy-pack-config"], "policy pack config") as Record<string, unknown>)
        : undefined;
    if (configFile !== undefined && (!configFile || typeof configFile !== "object" || Array.isArray(configFile)))
        throw new UsageError("policy pack config: the file is not a JSON object of policies");
    if (configFile) refuseUnknownConfig(configFile);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a whole number ≥ 1");
    const fixing = values.deactivate || values["dry-run"];
    if (values["delete-unused-passwords"] && !fixing) throw new UsageError("--delete-unused-passwords goes with --deactivate");
    const endpoint = values.endpoint !== undefined ? endpointOf(values.endpoint) : undefined;
    const format = values.format ?? (values.json ? "json" : "text");
    if (!isFormat(format))
        throw new UsageError(
            `--format ${format} is not ${Object.keys(FORMATS)
                .join(", ")
                .replace(/, (\w+)$/, " or $1")}`,
        );
    if (values.json && values.format && values.format !== "json") throw new UsageError("--json is --format json: give one of them");
    // The audit log is written after each change to IAM: one that cannot be written must stop the run before any change.
    if (fixing && !values["dry-run"]) refuseUnwritable(values["audit-log"]);
    return {
        demo: values.demo,
        stacks,
        accountWide: values["account-wide"],
        endpoint,
        configFile,
        concurrency,
        format,
        sourceRoot: values["source-root"],
        listPassed: values["list-passed"],
        fixing: fixing
            ? {
                  dryRun: values["dry-run"],
                  deletePasswords: values["delete-unused-passwords"],
                  yes: values.yes,
                  auditLog: values["audit-log"],
              }
            : false,
    };
}

/** The environment of this check: the pack runs with it, and check's own AWS calls are made through it. */
function checkEnv(endpoint: { url: string; loopback: boolean } | undefined, local: boolean): NodeJS.ProcessEnv {
    // The process's own environment is never changed.
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (endpoint) {
        env.AWS_ENDPOINT_URL_IAM = endpoint.url;
        env.AWS_ENDPOINT_URL_STS = endpoint.url; // the local endpoint serves STS too: accounts are verified there
    }
    // A local endpoint does not check signatures, but the SDK must still sign. Anywhere else the user's own
    // chain (SSO, IMDS, web identity…) must decide: a placeholder would only get every call refused.
    if ((local || endpoint?.loopback) && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
        Object.assign(env, { AWS_ACCESS_KEY_ID: "AKIDLOCALENDPOINT000", AWS_SECRET_ACCESS_KEY: "local-endpoint" });
    }
    return env;
}

/** Runs the pack over the request's stacks (and accounts), then the fixes asked for; undefined when a fix was not confirmed. */
async function run(request: CheckRequest, env: NodeJS.ProcessEnv): Promise<CheckResult | undefined> {
    const { stacks } = request;
    // Progress on a terminal only: quiet in CI and with --json or --format sarif.
    const progress = process.stderr.isTTY === true && request.format === "text" && !process.env.CI;
    // One set of accounts for judging and fixing: a fix acts through the account its finding was judged in.
    const accounts = new Accounts(settingsFrom(env), env);
    const providerAccounts: ProviderAccount[] = [];
    for (const { name, stack } of stacks)
        providerAccounts.push(...(await verifiedAccounts(name, userProviders(stack.resources), accounts)));
    // Without a stack, --account-wide covers the account this shell's credentials reach.
    if (stacks.length === 0) providerAccounts.push(...(await verifiedAccounts("environment", [undefined], accounts)));
    const drive = { packDir: PACK_DIR, env, configFile: request.configFile, concurrency: request.concurrency };
    const checked: CheckedStack[] = [];
    for (const { name, stack } of stacks) {
        checked.push(
            await checkStack(name, stack, {
                ...drive,
                stack: stack.identity,
                resources: stack.resources,
                onResult: progress ? progressLine(name, stack.resources.length) : undefined,
            }),
        );
        if (progress) process.stderr.write("\n");
    }
    const listingProblems: string[] = [];
    if (request.accountWide) {
        if (progress) process.stderr.write("  account-wide: listing the users of each account reached (iam:ListUsers)…");
        const unmanaged = await accountWide(stacks, providerAccounts, listingProblems);
        if (progress) process.stderr.write(`\r\x1b[K  account-wide: ${counted(unmanaged.length, "user")} no given stack manages\n`);
        if (unmanaged.length) {
            const identity = { stack: "unmanaged", project: "account-wide", organization: "organization", config: {}, dryRun: true };
            checked.push(
                await checkStack("unmanaged", undefined, {
                    ...drive,
                    mode: "analyze",
                    stack: identity,
                    resources: unmanaged,
                    onResult: progress ? progressLine("account-wide", unmanaged.length) : undefined,
                }),
            );
            if (progress) process.stderr.write("\n");
        }
    }
    for (const c of checked) if (c.run.output.trim()) process.stderr.write(c.run.output);
    const accountLines = providerAccounts.map(p => p.line);
    const report = { ...checkReport(checked, accountLines), listingProblems };
    const unjudged = report.summary.unjudged > 0 || listingProblems.length > 0;
    let mandatoryLeft = report.summary.mandatory;
    let fixes: CheckResult["fixes"];
    if (request.fixing) {
        const { dryRun, deletePasswords, yes, auditLog } = request.fixing;
        const steps = planFixes(checked, { deletePasswords });
        const outOfBand = steps.filter(s => s.kind === "out-of-band").length;
        if (!dryRun && outOfBand > 0 && !yes && !(await confirmed(outOfBand))) return undefined;
        const outcome = await runFixes(steps, accounts, { dryRun, auditLog });
        // Mandatory violations that are not unused credentials (e.g. unavailable data made mandatory) are not fixed here.
        mandatoryLeft = mandatoryLeft - steps.filter(s => s.mandatory).length + outcome.mandatoryLeft;
        fixes = {
            lines: [
                `${dryRun ? "Fixes (dry run: nothing is changed):" : "Fixes:"}`,
                ...(outcome.lines.length ? outcome.lines : ["  nothing to fix"]),
            ],
        };
        if (!dryRun && outcome.records.length) fixes.audit = `audit log: ${path.resolve(auditLog)}`;
    }
    const code = request.demo ? EXIT.ok : (mandatoryLeft > 0 ? EXIT.mandatory : 0) | (unjudged ? EXIT.unjudged : 0);
    return { checked, report, accountLines, mandatoryLeft, fixes, code };
}

/** A file that cannot be appended to (a folder, no permission, no such folder) is a usage error; nothing is created. */
function refuseUnwritable(file: string): void {
    try {
        if (fs.existsSync(file)) {
            if (fs.statSync(file).isDirectory()) throw Object.assign(new Error(), { code: "EISDIR" });
            fs.accessSync(file, fs.constants.W_OK);
        } else fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    } catch (error) {
        throw new UsageError(`--audit-log ${file} cannot be written: ${(error as NodeJS.ErrnoException).code ?? "unwritable"}`);
    }
}

/** parse → run → render. Returns the exit code; throws a UsageError for bad input. */
async function main(argv: string[]): Promise<number> {
    const request = parse(argv);
    if (request === "help") {
        console.log(USAGE);
        return EXIT.ok;
    }
    // Every usage error was found above, before anything starts: the demo's endpoint is started here, and closed below.
    const demoIam = request.demo
        ? await startLocalIam(readJson(path.join(SAMPLES, "demo-account.json"), "sample account") as AccountFile)
        : undefined;
    try {
        const endpoint = demoIam ? { url: demoIam.url, loopback: true } : request.endpoint;
        const result = await run(request, checkEnv(endpoint, demoIam !== undefined));
        if (!result) return EXIT.usage; // a fix not confirmed
        console.log(FORMATS[request.format](result, request));
        if (result.fixes) {
            const out = request.format === "text" ? process.stdout : process.stderr;
            out.write(`\n${result.fixes.lines.join("\n")}\n${result.fixes.audit ? `${result.fixes.audit}\n` : ""}`);
        }
        return result.code;
    } finally {
        await demoIam?.close();
    }
}

function progressLine(name: string, total: number): () => void {
    let done = 0;
    return () => {
        done++;
        process.stderr.write(`\r\x1b[K  ${name}: analyzed ${done}/${total} resources`);
    };
}

/** The users of every account reached that no given stack manages, as resources to judge. */
async function accountWide(stacks: NamedExport[], providerAccounts: ProviderAccount[], problems: string[]): Promise<AnalyzedResource[]> {
    const managed = new Set<string>();
    for (const { stack } of stacks) {
        for (const r of stack.resources) {
            const user = managedUserOf(r);
            if (user.kind !== "user") continue;
            // The account a user is in: its ARN's, else its provider's.
            const access = providerAccounts.find(p => p.provider?.urn === r.provider?.urn)?.access;
            const account = user.arn?.accountId ?? (access?.status === "verified" ? access.identity.accountId : undefined);
            if (account) managed.add(`${account}:${user.userName.toLowerCase()}`);
        }
    }
    const listed = new Set<string>();
    const resources: AnalyzedResource[] = [];
    for (const { provider, access } of providerAccounts) {
        if (access.status !== "verified") {
            problems.push(`${access.label}: not verified, so its users are not listed: ${access.failure.reason}`);
            continue;
        }
        const accountId = access.identity.accountId;
        if (listed.has(accountId)) continue;
        const listing = await listAccountUsers(access.iam, accountId);
        if ("problem" in listing) {
            problems.push(listing.problem);
            continue;
        }
        listed.add(accountId);
        resources.push(...unmanagedResources(listing, provider, managed));
    }
    return resources;
}

/** Changing IAM asks first on a terminal; elsewhere (CI) only --yes may. */
async function confirmed(actions: number): Promise<boolean> {
    if (!process.stdin.isTTY || process.env.CI) {
        console.error(
            `check: refusing to change ${actions} credential(s) without --yes when not on an interactive terminal (use --dry-run to see them)`,
        );
        return false;
    }
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Change ${actions} IAM credential(s) now (each re-checked first)? [y/N] `);
    rl.close();
    return /^y(es)?$/i.test(answer.trim());
}

// The SDK warns on every run that its 2027 releases need Node 22: noise about a pinned dependency, silenced as the pack
// does. A user who sets the variable keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// An interrupt still removes check's temporary files (the findings folders), then exits as interrupted processes do.
for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
] as const) {
    process.once(signal, () => {
        removeTemporaryFiles();
        process.exit(code);
    });
}

main(process.argv.slice(2)).then(
    code => (process.exitCode = code),
    error => {
        const known =
            error instanceof UsageError ||
            error instanceof PolicyConfigError ||
            error instanceof SettingsError ||
            String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS");
        // Lost records are a run error (exit 2), never a clean report.
        if (error instanceof FindingsLost) console.error("check: the report is incomplete, so none is printed");
        if (known || error instanceof FindingsLost) {
            console.error(`check: ${(error as Error).message}`);
            if (known) console.error(USAGE.split("\n")[0]);
            process.exitCode = EXIT.usage;
            return;
        }
        // Not bad input and not a finding: a CI job must be able to tell a broken tool from both.
        console.error(`check: internal error, please report it: ${(error as Error)?.stack ?? String(error)}`);
        process.exitCode = EXIT.internal;
    },
);
