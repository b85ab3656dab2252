#!/usr/bin/env node
// `npm run bench`: the pack against the local IAM endpoint (50 ms latency, 100 requests/s token bucket),
// every figure printed against a baseline measured in the same run. Not a test: it asserts no timing,
// but it does check that every path gives identical verdicts (exit 1 if not).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    GetAccessKeyLastUsedCommand,
    GetCredentialReportCommand,
    GetLoginProfileCommand,
    GetUserCommand,
    IAMClient,
    ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import { assessKind, CredentialFacts, policyCatalog, readCredentialReport } from "../../rules/api";
import { AccountFile, UserFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { AnalyzedResource } from "../../tools/driver/analyzer-client";
import { drivePack, DriveResult } from "../../tools/driver/drive-pack";
import { CLI, cliFindings, noopPack, Workspace } from "../helpers/pulumi-cli";
import { unpackedRelease } from "../helpers/release";
import { OUTAGES, runThroughOutage } from "../helpers/outage-run";

const REPO = path.resolve(__dirname, "..", "..", "..");
const LATENCY_MS = 50;
const RATE = 100;
const CONCURRENT = 32; // Analyze calls in flight when the CLI analyzes in parallel
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000,5000")
    .split(",")
    .map(Number)
    .filter(n => n > 0);
const BASELINE_SAMPLE = 100;
const START_RUNS = 3;
const CREDENTIALS = { accessKeyId: "AKIDBENCHMARK0000000", secretAccessKey: "bench-not-a-secret" };
/** Users of the outage runs (0: none). */
const OUTAGE_USERS = Number(process.env.BENCH_OUTAGE_USERS ?? 1000);
/**
 * Previews of each kind in the real CLI at a size: 3 up to 1,000 users (their median is printed), 1 above. Set, it is
 * the count at every size, and each run's peak RSS is printed: at 5,000 users it moves by tens of MB with when the
 * garbage collector runs, in a pack that judges nothing too.
 */
const PREVIEW_RUNS = process.env.BENCH_PREVIEW_RUNS === undefined ? undefined : Number(process.env.BENCH_PREVIEW_RUNS);
if (PREVIEW_RUNS !== undefined && !(Number.isInteger(PREVIEW_RUNS) && PREVIEW_RUNS >= 1))
    throw new Error(`BENCH_PREVIEW_RUNS must be a whole number of runs, 1 or more; got '${process.env.BENCH_PREVIEW_RUNS}'`);
const OUTAGE_BOUND_S = 120;
const MEMORY_TARGET_MB = 250;
/** The probe the real CLI's previews load into the pack's process (NODE_OPTIONS): its CPU, Analyze time and peak RSS. */
const PROBE = path.join(REPO, "test", "bench", "pack-probe.js");
/**
 * Pulumi v3.276's engine keeps an in-memory snapshot even in a preview and serializes all of it after every step
 * (backend.SnapshotManager with a DiscardPersister): a preview's own time grows with the square of the stack. Skipping
 * checkpoints (PULUMI_SKIP_CHECKPOINTS, which in a preview changes nothing that is saved) keeps that out of the figures,
 * so they compare the pack with the preview and one CLI version with another. BENCH_CHECKPOINTS=1: the CLI's default.
 */
const PREVIEW_ENV: NodeJS.ProcessEnv = process.env.BENCH_CHECKPOINTS === "1" ? {} : { PULUMI_SKIP_CHECKPOINTS: "true" };

// ---- the account: N users, 10% with an unused credential, up to two keys each ----------------------

function benchAccount(n: number): AccountFile {
    const users: UserFile[] = [];
    for (let i = 0; i < n; i++) {
        const unused = i % 10 === 0;
        const id = (k: number) => `AKIA${String(i).padStart(8, "0")}BENCH${k}00`.slice(0, 20);
        const keys = i % 3; // 0, 1 or 2 keys
        const user: UserFile = { userName: `user-${String(i).padStart(5, "0")}`, accessKeys: [] };
        for (let k = 0; k < keys; k++) {
            user.accessKeys!.push({
                accessKeyId: id(k),
                created: { daysAgo: 400 },
                lastUsed: { daysAgo: 1 + ((i + k) % 30), service: "s3", region: "us-east-1" },
            });
        }
        if (i % 4 === 0) {
            user.loginProfile = { created: { daysAgo: 500 } };
            user.passwordLastUsed = { daysAgo: 1 + (i % 20) };
        }
        if (unused) {
            // Alternate the kind of unused credential: a stale key, a never-used key, a stale password.
            if (i % 30 === 0)
                user.accessKeys = [
                    { accessKeyId: id(0), created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "ec2", region: "eu-west-1" } },
                ];
            else if (i % 30 === 10) user.accessKeys = [{ accessKeyId: id(0), created: { daysAgo: 200 } }];
            else {
                user.loginProfile = { created: { daysAgo: 500 } };
                user.passwordLastUsed = { daysAgo: 150 };
            }
        }
        users.push(user);
    }
    return { users, credentialReport: { generatedHoursAgo: 1 } };
}

function resources(iam: LocalIam, names: string[]): AnalyzedResource[] {
    const provider = {
        type: "pulumi:providers:aws",
        name: "default_7_10_0",
        urn: "urn:pulumi:bench::iam::pulumi:providers:aws::default_7_10_0",
        props: {
            region: "us-east-1",
            endpoints: JSON.stringify([{ iam: iam.url, sts: iam.url }]),
            accessKey: CREDENTIALS.accessKeyId,
            secretKey: CREDENTIALS.secretAccessKey,
        },
    };
    return names.map(name => ({
        type: "aws:iam/user:User",
        name,
        urn: `urn:pulumi:bench::iam::aws:iam/user:User::${name}`,
        props: { name },
        provider,
    }));
}

// ---- verdicts as comparable lines --------------------------------------------------------------------

const NOTICE_POLICY = "iam-user-credential-unused-soon";

/** One finding as a comparable line: the user and the key ID, "password", or the policy (unavailable). */
function verdictLine(user: string, policy: string, message: string): string {
    return `${user} ${/access key (AKIA\w{16})/.exec(message)?.[1] ?? (policy === "iam-user-unused-password" ? "password" : policy)}`;
}

/** The judging policies' and the unavailable policy's diagnostics (the notice policy's are advice, not verdicts). */
function packVerdicts(run: DriveResult): string[] {
    return run.results
        .flatMap(r =>
            r.diagnostics.filter(d => d.policyName !== NOTICE_POLICY).map(d => verdictLine(r.resource.name, d.policyName, d.message)),
        )
        .sort();
}

function factVerdicts(facts: CredentialFacts[]): string[] {
    const now = new Date();
    return facts
        .flatMap(f =>
            [...assessKind("password", f, 90, now).assessments, ...assessKind("access-key", f, 90, now).assessments]
                .filter(a => a.unused)
                .map(a => `${f.userName} ${a.credentialId}`),
        )
        .sort();
}

// ---- the baseline: the plain per-user API path, one call after another, one user after another --------

async function plainPerUser(client: IAMClient, userName: string): Promise<CredentialFacts> {
    const user = await client.send(new GetUserCommand({ UserName: userName }));
    const profile = await client
        .send(new GetLoginProfileCommand({ UserName: userName }))
        .catch((e: Error) => (e.name === "NoSuchEntityException" ? undefined : Promise.reject(e)));
    const keys = await client.send(new ListAccessKeysCommand({ UserName: userName }));
    const accessKeys = [];
    for (const k of keys.AccessKeyMetadata ?? []) {
        const used = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
        const date = used.AccessKeyLastUsed?.LastUsedDate;
        accessKeys.push({
            accessKeyId: k.AccessKeyId!,
            status: k.Status as "Active" | "Inactive",
            createDate: k.CreateDate!,
            lastUsed: date ? { date } : undefined,
        });
    }
    return {
        userName,
        loginProfile: profile?.LoginProfile ? { createDate: profile.LoginProfile.CreateDate! } : undefined,
        passwordLastUsed: user.User?.PasswordLastUsed,
        accessKeys,
        read: { password: true, "access-key": true },
        doubts: [],
    };
}

async function baseline(iam: LocalIam, names: string[]) {
    const sample = names.length > BASELINE_SAMPLE ? shuffled(names).slice(0, BASELINE_SAMPLE) : names;
    const client = new IAMClient({ region: "us-east-1", endpoint: iam.url, credentials: CREDENTIALS, maxAttempts: 10 });
    iam.resetCalls();
    const started = performance.now();
    const facts = [];
    for (const name of sample) facts.push(await plainPerUser(client, name));
    const ms = performance.now() - started;
    return { sample, facts, calls: iam.totalCalls(), ms, scaledMs: (ms * names.length) / sample.length };
}

function shuffled<T>(xs: T[]): T[] {
    const out = [...xs];
    let seed = 7;
    for (let i = out.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const j = seed % (i + 1);
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

// ---- the report-only screen: one GetCredentialReport, judged from the report alone (Prowler, AWS Config) ----

async function reportOnly(iam: LocalIam): Promise<{ ms: number; verdicts: string[] }> {
    const client = new IAMClient({ region: "us-east-1", endpoint: iam.url, credentials: CREDENTIALS, maxAttempts: 10 });
    const started = performance.now();
    const out = await client.send(new GetCredentialReportCommand({}));
    const reading = readCredentialReport(Buffer.from(out.Content!).toString("utf8"), out.GeneratedTime, new Date());
    if (reading.status !== "ok") throw new Error(`report-only baseline: ${reading.reason}`);
    const now = Date.now();
    const idle = (since: Date | undefined) => since === undefined || now - since.getTime() >= 90 * 86_400_000;
    const verdicts: string[] = [];
    for (const row of reading.report.rows.values()) {
        if (row.passwordEnabled && idle(row.passwordLastUsed)) verdicts.push(`${row.userName} password`);
        for (const key of row.keys)
            if (key.active && idle(key.lastUsed ?? key.lastRotated)) verdicts.push(`${row.userName} slot ${key.slot}`);
    }
    return { ms: performance.now() - started, verdicts };
}

// ---- runs of the pack -----------------------------------------------------------------------------------

interface PackRun {
    label: string;
    run: DriveResult;
    calls: Map<string, number>;
    totalCalls: number;
    throttled: number;
}

async function packRun(
    iam: LocalIam,
    label: string,
    names: string[],
    concurrency: number,
    env: NodeJS.ProcessEnv = {},
    program?: string,
    extra: { configFile?: Record<string, unknown>; dryRun?: boolean; packDir?: string } = {},
): Promise<PackRun> {
    iam.resetCalls();
    const run = await drivePack({
        packDir: extra.packDir ?? REPO,
        program,
        configFile: extra.configFile,
        stack: { stack: "bench", project: "iam", organization: "org", config: {}, dryRun: extra.dryRun ?? true },
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        resources: resources(iam, names),
        concurrency,
        callDeadlineMs: 600_000,
        startTimeoutMs: 120_000,
    });
    return { label, run, calls: new Map(iam.calls), totalCalls: iam.totalCalls(), throttled: iam.throttled() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;

function callsLine(calls: Map<string, number>, users: number): string {
    return [...calls.entries()]
        .sort()
        .map(([action, n]) => `${action} ${n} (${fmt(n / users, 3)}/user)`)
        .join(", ");
}

const targets: { what: string; ok: boolean }[] = [];
function target(what: string, ok: boolean): string {
    targets.push({ what, ok });
    return ok ? "meets target" : "MISSES target";
}

// ---- the yardstick: the real CLI's own pulumi preview, without a pack, with one that judges nothing, with this one ----

/** The CLI's findings as packVerdicts' lines: the user and the key ID or "password" (the notice policy's left out). */
function cliVerdicts(output: string): string[] {
    return cliFindings(output)
        .filter(f => f.policy !== NOTICE_POLICY)
        .map(f => verdictLine(f.resource, f.policy, f.message))
        .sort();
}

/** What the probe (pack-probe.js) wrote from a pack's process: its CPU time, its time inside Analyze and its peak RSS. */
interface ProbeStats {
    cpuMs: number;
    analyzeMs: number;
    analyzeCalls: number;
    peakRssMb: number | null;
}

/** The preview's figures of one CLI run: wall time, and the pack's own when a pack ran. */
interface PreviewFigures {
    ms: number;
    probe?: ProbeStats;
}

/** The pack's figures per resource at each size, for the flatness check across sizes. */
const perResource = new Map<number, { cpuMs: number; analyzeMs: number }>();

/** Whether the language host beside (or on the PATH of) this `pulumi` is the real one or this project's stand-in. */
function languageHost(bin: string): "real" | "stand-in" | "unknown" {
    for (const dir of [bin, ...(process.env.PATH ?? "").split(path.delimiter)]) {
        const file = path.join(dir, "pulumi-language-nodejs");
        if (fs.existsSync(file)) return fs.readFileSync(file).includes("pulumi-language-nodejs (stand-in)") ? "stand-in" : "real";
    }
    return "unknown";
}

function readProbe(dir: string): ProbeStats | undefined {
    const files = fs.readdirSync(dir).filter(f => f.endsWith(".json"));
    if (files.length !== 1) return undefined;
    return JSON.parse(fs.readFileSync(path.join(dir, files[0]), "utf8")) as ProbeStats;
}

async function realCli(n: number, account: AccountFile, driverVerdicts: string[]): Promise<boolean> {
    if (!CLI) {
        console.log("  real CLI: none found (run tools/pulumi-cli/build.sh, or put pulumi on PATH): not measured");
        return true;
    }
    const iam = await startLocalIam({ ...account, faults: { latencyMs: LATENCY_MS, ratePerSecond: RATE, burst: RATE / 10 } });
    const workspace = await Workspace.create(CLI, "bench", { iam });
    // The SDK deserializes a resource's inputs (and its provider's) once per policy: a pack of as many policies that
    // judge nothing splits what the SDK costs from what this pack's reading and judging cost.
    const policies = policyCatalog().length;
    const noop = noopPack(1);
    const noops = noopPack(policies);
    const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-probe-"));
    try {
        await workspace.pulumi(["config", "set", "test:users", String(n)]);
        const runs = PREVIEW_RUNS ?? (n <= 1000 ? 3 : 1);
        const variants = {
            none: [] as string[],
            noop: ["--policy-pack", noop],
            noops: ["--policy-pack", noops],
            pack: ["--policy-pack", REPO],
        };
        const figures: Record<keyof typeof variants, PreviewFigures[]> = { none: [], noop: [], noops: [], pack: [] };
        let calls = 0;
        let verdicts: string[] = [];
        for (let i = 0; i < runs; i++) {
            for (const variant of Object.keys(variants) as (keyof typeof variants)[]) {
                iam.resetCalls();
                for (const f of fs.readdirSync(probeDir)) fs.rmSync(path.join(probeDir, f));
                const probe = { ...PREVIEW_ENV, NODE_OPTIONS: `--require ${PROBE}`, BENCH_PROBE_DIR: probeDir };
                const started = performance.now();
                const preview = await workspace.pulumi(["preview", ...variants[variant]], probe, 60 * 60_000);
                figures[variant].push({ ms: performance.now() - started, probe: readProbe(probeDir) });
                if (variant === "pack") {
                    calls = iam.totalCalls();
                    verdicts = cliVerdicts(preview.output);
                } else if (preview.code !== 0) throw new Error(`pulumi preview (${variant}) failed:\n${preview.output.slice(-2000)}`);
            }
        }
        const wall = (v: keyof typeof variants) => median(figures[v].map(f => f.ms));
        const probed = (v: keyof typeof variants, pick: (p: ProbeStats) => number) =>
            median(figures[v].map(f => (f.probe ? pick(f.probe) : NaN)));
        const [none, empty, empties, pack] = [wall("none"), wall("noop"), wall("noops"), wall("pack")];
        const ratio = pack / none;
        const more = (t: number) => `+${fmt((100 * (t - none)) / none, 0)}%`;
        const host = languageHost(CLI.bin);
        console.log(
            `  real CLI (pulumi ${CLI.version}, ${CLI.origin === "build" ? "built here" : "from PATH"}, ${host} language host), pulumi preview of ${n} users` +
                `${runs > 1 ? `, median of ${runs}` : ", once"}${PREVIEW_ENV.PULUMI_SKIP_CHECKPOINTS ? " (PULUMI_SKIP_CHECKPOINTS=true)" : ""}: without a pack ${secs(none)}; with a pack of 1 policy that judges nothing ${secs(empty)} ` +
                `(${more(empty)}), of ${policies} such policies ${secs(empties)} (${more(empties)}); with this pack ${secs(pack)} = ${fmt(ratio, 3)}x the preview without one ` +
                `(${secs(pack - empties)} above ${policies} policies judging nothing); ${calls} IAM calls = ${fmt(calls / n, 3)}/user`,
        );
        const cpu = probed("pack", p => p.cpuMs);
        const analyze = probed("pack", p => p.analyzeMs);
        const analyzeCalls = probed("pack", p => p.analyzeCalls);
        const peak = (v: keyof typeof variants) => Math.max(...figures[v].map(f => f.probe?.peakRssMb ?? NaN));
        // The highest run is the one a target is read from; with BENCH_PREVIEW_RUNS each run's is listed after it.
        const peaks = (v: keyof typeof variants) =>
            `${fmt(peak(v), 0)} MB${PREVIEW_RUNS && runs > 1 ? ` (runs: ${figures[v].map(f => fmt(f.probe?.peakRssMb ?? NaN, 0)).join(", ")})` : ""}`;
        const rss = peak("pack");
        console.log(
            `  the pack's own process in those previews: CPU ${secs(cpu)} (${fmt(cpu / analyzeCalls, 2)} ms per resource; ${policies} no-op policies: ` +
                `${secs(probed("noops", p => p.cpuMs))}, 1: ${secs(probed("noop", p => p.cpuMs))}); inside Analyze ${secs(analyze)} over ${analyzeCalls} calls ` +
                `(${fmt(analyze / analyzeCalls, 2)} ms per resource; ${policies} no-op policies ${fmt(
                    probed("noops", p => p.analyzeMs / p.analyzeCalls),
                    2,
                )} ms); peak RSS ${peaks("pack")} (${policies} no-op policies ${peaks("noops")}, 1: ${peaks("noop")})`,
        );
        if (Number.isFinite(cpu)) perResource.set(n, { cpuMs: cpu / analyzeCalls, analyzeMs: analyze / analyzeCalls });
        console.log(
            `    preview with the pack ≤ 1.15x without: ${target(`${n} users, real preview (${host} host): with the pack ≤ 1.15x without`, ratio <= 1.15)}` +
                (n >= 5000
                    ? `; pack's peak RSS ≤ ${MEMORY_TARGET_MB} MB: ${target(`${n} users, real preview: pack's peak RSS ≤ ${MEMORY_TARGET_MB} MB`, rss <= MEMORY_TARGET_MB)}`
                    : "") +
                (n === 1000
                    ? `; ≤ 0.21 IAM calls/user: ${target("1000 users, real preview: ≤ 0.21 IAM calls/user", calls / n <= 0.21)}`
                    : ""),
        );
        const same = JSON.stringify(verdicts) === JSON.stringify(driverVerdicts);
        console.log(`  identical verdicts, real CLI = driver: ${same ? "yes" : "NO"}`);
        return same;
    } finally {
        workspace.remove();
        for (const dir of [noop, noops, probeDir]) fs.rmSync(dir, { recursive: true, force: true });
        await iam.close();
    }
}

/** Flat: the pack's CPU and Analyze time per resource at the largest size against 1,000 users, under the real CLI. */
function flatness(): void {
    const small = perResource.get(1000);
    const sizes = [...perResource.keys()].filter(n => n > 1000).sort((a, b) => a - b);
    const large = sizes.length ? perResource.get(sizes[sizes.length - 1]) : undefined;
    if (!small || !large) return;
    const n = sizes[sizes.length - 1];
    const cpu = large.cpuMs / small.cpuMs;
    const analyze = large.analyzeMs / small.analyzeMs;
    console.log(
        `== flat as the stack grows (real CLI): per resource at ${n} users against 1000, the pack's CPU ${fmt(cpu, 2)}x ` +
            `(${fmt(small.cpuMs, 2)} → ${fmt(large.cpuMs, 2)} ms), its time inside Analyze ${fmt(analyze, 2)}x (${fmt(small.analyzeMs, 2)} → ${fmt(large.analyzeMs, 2)} ms): ` +
            `${target(`flat: CPU per resource at ${n} ≤ 1.2x 1000`, cpu <= 1.2)}, ${target(`flat: Analyze per resource at ${n} ≤ 1.2x 1000`, analyze <= 1.2)}\n`,
    );
}

/** Disk use of a folder in MB (du: what an install takes on disk). */
function diskMb(dir: string): number {
    return Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]) / 1024;
}

/** The AWS SDK's XML parser on one GetCredentialReport answer, as installed and as the bundle patches it. */
function xmlParsing(): void {
    const parse = (kind: string, users: number) =>
        JSON.parse(
            execFileSync(process.execPath, [path.join(REPO, "test", "bench", "xml-parse.js"), kind, String(users)], { encoding: "utf8" }),
        ) as { ms: number; peakRssMb: number };
    const sizes = [5000, 20000].map(users => {
        const [sdk, patched] = [parse("sdk", users), parse("patched", users)];
        return (
            `${users} users: the SDK's own ${fmt(sdk.ms, 0)} ms, peak RSS ${fmt(sdk.peakRssMb, 0)} MB; as bundled ${fmt(patched.ms, 0)} ms ` +
            `(${fmt(sdk.ms / patched.ms, 0)}x faster), ${fmt(patched.peakRssMb, 0)} MB`
        );
    });
    console.log(`== one GetCredentialReport answer through the AWS SDK's XML parser, a fresh process each: ${sizes.join("; ")}\n`);
}

/**
 * The published package installed with --omit=dev, beside a no-op pack's install of the two packages every Node pack
 * needs (@pulumi/pulumi, @pulumi/policy, at the ranges this pack asks for, resolved for the Node that runs it): the floor.
 */
interface Installed {
    dir: string;
    /** The unpacked release tarball after `npm install --omit=dev`. */
    pack: string;
    floor: string;
}

function installRelease(): Installed {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-install-"));
    // As a user's shell runs npm: without the npm_config_* variables `npm run bench` hands its scripts, which made
    // the nested install of the package leave packages out (87 MB against 95 MB from a shell).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const install = (cwd: string, args: string[]) =>
        execFileSync("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...args], {
            cwd,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
    const pack = unpackedRelease(dir, env);
    install(pack, []);
    const floor = path.join(dir, "floor");
    fs.mkdirSync(floor);
    // The ranges this pack asks for, resolved as npm resolves them for the Node that runs it (a newer Node gets a
    // newer @pulumi/pulumi), as the pack's own install just did.
    fs.writeFileSync(path.join(floor, "package.json"), JSON.stringify({ name: "noop-pack", version: "0.0.1", dependencies: {} }));
    install(floor, floorPackages());
    return { dir, pack, floor };
}

function floorPackages(): string[] {
    const ranges = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string> })
        .dependencies;
    return ["@pulumi/pulumi", "@pulumi/policy"].map(p => `${p}@${ranges[p]}`);
}

function sdkVersion(dir: string): string {
    return (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string })
        .version;
}

function installSizes(installed: Installed): void {
    const [packMb, floorMb] = [diskMb(installed.pack), diskMb(installed.floor)];
    console.log(
        `== install: the published package with npm install --omit=dev ${fmt(packMb, 0)} MB (@pulumi/pulumi ${sdkVersion(installed.pack)}); ` +
            `a no-op pack's ${floorPackages().join(" + ")} ${fmt(floorMb, 0)} MB (@pulumi/pulumi ${sdkVersion(installed.floor)}); ` +
            `${fmt(packMb - floorMb, 1)} MB above: ${target("install ≤ 20 MB above a no-op pack's", packMb - floorMb <= 20)}\n`,
    );
}

async function main(): Promise<void> {
    // The baseline's own SDK client would print the Node 20 support warning into the figures.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    console.log(
        `unused-iam-credentials benchmark: local IAM endpoint with ${LATENCY_MS} ms latency per request and a ${RATE} requests/s token bucket`,
    );
    console.log(
        `node ${process.version}, ${os.cpus().length} cores; the CLI's mode: Remediate then Analyze, one resource at a time; ` +
            `stress test: ${CONCURRENT} Analyze calls in flight (the CLI never does this)\n`,
    );
    let parityFailures = 0;
    // Installed first, so that the memory runs can start the package as users install it too.
    const installed = process.env.BENCH_INSTALL !== "0" ? installRelease() : undefined;
    if (installed) process.once("exit", () => fs.rmSync(installed.dir, { recursive: true, force: true }));
    for (const n of SIZES) {
        const account = benchAccount(n);
        const iam = await startLocalIam({ ...account, faults: { latencyMs: LATENCY_MS, ratePerSecond: RATE, burst: RATE / 10 } });
        const names = account.users.map(u => u.userName);
        try {
            console.log(
                `== ${n} managed users (${names.filter((_, i) => i % 10 === 0).length} with an unused credential), credential report 1 hour old`,
            );
            const base = await baseline(iam, names);
            const sampled = base.sample.length < n ? ` (timed on ${base.sample.length} random users, scaled linearly)` : "";
            console.log(
                `  baseline, plain per-user APIs one call and one user after another: ${secs(base.scaledMs)}${sampled}, ${fmt(base.calls / base.sample.length, 2)} calls/user`,
            );

            const checks: [string, boolean][] = [];
            const serial = await packRun(iam, "pack, as the CLI runs it (Remediate then Analyze, one resource at a time)", names, 1);
            const concurrent = await packRun(iam, "stress test, concurrent Analyze", names, CONCURRENT);
            const report = await reportOnly(iam);
            const serialSpeedup = base.scaledMs / serial.run.analyzeMs;
            for (const r of [serial, concurrent]) {
                const speedup = base.scaledMs / r.run.analyzeMs;
                console.log(
                    `  ${r.label}: ${secs(r.run.analyzeMs)} first Analyze to last answer = ${fmt(speedup)}x the baseline; ` +
                        `${r.totalCalls} IAM calls = ${fmt(r.totalCalls / n, 3)}/user; ${r.throttled} throttled; peak RSS ${fmt(r.run.peakRssMb ?? NaN)} MB; ` +
                        `start ${secs(r.run.startMs)}, first verdict ${secs(r.run.firstVerdictMs)}`,
                );
                console.log(`    calls: ${callsLine(r.calls, n)}`);
            }
            console.log(
                `  report-only screen, one GetCredentialReport judged alone (as Prowler and AWS Config; up to 4 h stale): ${secs(report.ms)} of IAM time; ` +
                    `the pack's CLI-mode run takes ${secs(serial.run.analyzeMs)} in all, with live verdicts`,
            );

            // Calls beyond the report are the live confirmations of users the report cannot clear.
            const flagged = new Set(packVerdicts(serial.run).map(l => l.split(" ")[0])).size;
            const reportCalls = (serial.calls.get("GetCredentialReport") ?? 0) + (serial.calls.get("GenerateCredentialReport") ?? 0);
            const identityCalls = serial.calls.get("GetCallerIdentity") ?? 0;
            const confirmationCalls = serial.totalCalls - reportCalls - identityCalls;
            console.log(
                `    ${flagged} users flagged; ${identityCalls} account verification (sts:GetCallerIdentity) + ${reportCalls} report calls (${fmt(reportCalls / n, 4)}/user) + ` +
                    `${confirmationCalls} confirmation calls (${fmt(confirmationCalls / Math.max(flagged, 1), 2)}/flagged user)`,
            );
            if (n >= 1000) {
                // The floor: any pack's process in the same path (the SDK, with the TypeScript compiler it loads).
                // And a stack of a few of these users: the pack still reads the whole account's credential report.
                // The checkout runs with the TypeScript of its dev dependencies; the published package as installed
                // (npm install --omit=dev) with the older one @pulumi/pulumi carries.
                const rss = (r: PackRun) => `${fmt(r.run.peakRssMb ?? NaN)} MB`;
                const floorRun = async (nodeModules: string) => {
                    const noop = noopPack(4, nodeModules);
                    try {
                        return await packRun(iam, "no-op pack", names, 1, {}, undefined, { packDir: noop });
                    } finally {
                        fs.rmSync(noop, { recursive: true, force: true });
                    }
                };
                const floor = await floorRun(path.join(REPO, "node_modules"));
                const few = names.slice(0, 10);
                const small = await packRun(iam, "small stack", few, 1);
                console.log(
                    `  peak RSS as the CLI runs it, this checkout: this pack ${rss(serial)}; a no-op pack of four policies, same ${n} resources, ${rss(floor)} (the SDK's floor); ` +
                        `this pack on a stack of ${few.length} of these users, reading the whole account's report, ${rss(small)}: ` +
                        target(
                            `${n}-user account, stack of ${few.length}: peak RSS ≤ ${MEMORY_TARGET_MB} MB`,
                            (small.run.peakRssMb ?? Infinity) <= MEMORY_TARGET_MB,
                        ),
                );
                checks.push([
                    `stack of ${few.length} = the same users in the whole stack`,
                    JSON.stringify(packVerdicts(small.run)) ===
                        JSON.stringify(packVerdicts(serial.run).filter(l => few.includes(l.split(" ")[0]))),
                ]);
                if (installed) {
                    const pack = await packRun(iam, "installed", names, 1, {}, undefined, { packDir: installed.pack });
                    const noop = await floorRun(path.join(installed.floor, "node_modules"));
                    console.log(
                        `  the published package as installed (npm install --omit=dev, @pulumi/pulumi ${sdkVersion(installed.pack)}): this pack ${rss(pack)}; ` +
                            `a no-op pack of four policies on the same SDKs ${rss(noop)}: ` +
                            target(
                                `${n} users, installed package: peak RSS ≤ ${MEMORY_TARGET_MB} MB`,
                                (pack.run.peakRssMb ?? Infinity) <= MEMORY_TARGET_MB,
                            ),
                    );
                    checks.push([
                        "installed package = checkout",
                        JSON.stringify(packVerdicts(pack.run)) === JSON.stringify(packVerdicts(serial.run)),
                    ]);
                }
                console.log(
                    `    peak RSS ≤ ${MEMORY_TARGET_MB} MB as the CLI runs it: ${target(`${n} users, CLI mode: peak RSS ≤ ${MEMORY_TARGET_MB} MB`, (serial.run.peakRssMb ?? Infinity) <= MEMORY_TARGET_MB)}; ` +
                        `in the stress test: ${target(`${n} users, stress test: peak RSS ≤ ${MEMORY_TARGET_MB} MB`, (concurrent.run.peakRssMb ?? Infinity) <= MEMORY_TARGET_MB)}`,
                );
            }
            if (n === 1000) {
                // The floor: the same Analyze calls with no IAM call at all (every user exempt by pattern).
                const exemptAll = { exemptUsers: ["*"] };
                const floor = await packRun(iam, "floor", names, 1, {}, undefined, {
                    configFile: { "iam-user-unused-password": exemptAll, "iam-user-unused-access-key": exemptAll },
                });
                console.log(
                    `  floor, the same ${n} Remediate + Analyze calls needing no IAM call (every user exempt): ${secs(floor.run.analyzeMs)}; ` +
                        `the pack is ${fmt(serial.run.analyzeMs / floor.run.analyzeMs, 2)}x the floor`,
                );
                console.log(
                    `    IAM calls ≤ 0.25/user: ${target("1000 users: ≤ 0.25 IAM calls/user", serial.totalCalls / n <= 0.25)}; ` +
                        `as the CLI runs it ≤ 6 s: ${target("1000 users, CLI mode ≤ 6 s", serial.run.analyzeMs <= 6_000)}, ≥ 35x baseline: ${target("1000 users, CLI mode ≥ 35x", serialSpeedup >= 35)}; ` +
                        `stress test ≥ 20x baseline: ${target("1000 users concurrent ≥ 20x", base.scaledMs / concurrent.run.analyzeMs >= 20)}`,
                );
                // pulumi up: a preview run, then the update's own run, each in its own pack process.
                const update = await packRun(iam, "update", names, 1, {}, undefined, { dryRun: false });
                console.log(
                    `  pulumi up = preview + update, two pack processes: the update's run repeats ${update.totalCalls} IAM calls ` +
                        `(${fmt((100 * update.totalCalls) / Math.max(serial.totalCalls, 1), 0)}% of the preview's ${serial.totalCalls}) and takes ${secs(update.run.analyzeMs)} ` +
                        `(${fmt((100 * update.run.analyzeMs) / serial.run.analyzeMs, 0)}% of the preview's); ${fmt((100 * update.totalCalls) / ((n * base.calls) / base.sample.length), 1)}% of what the baseline's reads would cost`,
                );
                checks.push(["preview = update", JSON.stringify(packVerdicts(update.run)) === JSON.stringify(packVerdicts(serial.run))]);
            }
            if (n === 5000) {
                console.log(
                    `    as the CLI runs it ≤ 30 s: ${target("5000 users, CLI mode ≤ 30 s", serial.run.analyzeMs <= 30_000)}; ` +
                        `stress test under 60 s: ${target("5000 users < 60 s", concurrent.run.analyzeMs < 60_000)}`,
                );
            }
            checks.push(["report-only screen = pack (a report 1 hour old)", report.verdicts.length === packVerdicts(serial.run).length]);

            // Identical verdicts on every path.
            const viaReport = packVerdicts(serial.run);
            checks.push(
                ["one at a time = concurrent", JSON.stringify(packVerdicts(concurrent.run)) === JSON.stringify(viaReport)],
                [
                    "baseline sample = pack",
                    JSON.stringify(factVerdicts(base.facts)) ===
                        JSON.stringify(viaReport.filter(l => base.sample.includes(l.split(" ")[0]))),
                ],
            );
            if (n <= 1000) {
                const api = await packRun(iam, "pack, report off (per-user APIs), concurrent Analyze", names, CONCURRENT, {
                    UNUSED_CREDENTIALS_SOURCE: "api",
                });
                const speedup = base.scaledMs / api.run.analyzeMs;
                const rps = api.totalCalls / (api.run.analyzeMs / 1000);
                console.log(
                    `  ${api.label}: ${secs(api.run.analyzeMs)} = ${fmt(speedup)}x the baseline; ${api.totalCalls} calls at ${fmt(rps, 0)} requests/s; ${api.throttled} throttled`,
                );
                if (n >= 100) {
                    console.log(
                        `    never above the bucket (0 throttled): ${target(`${n} users report off: not above ${RATE}/s`, api.throttled === 0)}; ` +
                            `≥ 4x baseline: ${target(`${n} users report off ≥ 4x`, speedup >= 4)}`,
                    );
                }
                checks.push(["per-user APIs = report", JSON.stringify(packVerdicts(api.run)) === JSON.stringify(viaReport)]);
            }
            if (n === SIZES[0]) {
                // Start-up is noisy on a small machine: the median of three starts of each, on the first 10 users. The
                // floor is a pack of one policy that judges nothing, started the same way (the SDK's own start).
                const compiled: PackRun[] = [];
                const floor: PackRun[] = [];
                const probe = names.slice(0, 10);
                const noop = noopPack(1);
                try {
                    for (let i = 0; i < START_RUNS; i++) {
                        compiled.push(await packRun(iam, "compiled", probe, 1));
                        floor.push(await packRun(iam, "no-op pack", probe, 1, {}, undefined, { packDir: noop }));
                    }
                } finally {
                    fs.rmSync(noop, { recursive: true, force: true });
                }
                const startOf = (runs: PackRun[]) => ({
                    start: median(runs.map(r => r.run.startMs)),
                    first: median(runs.map(r => r.run.firstVerdictMs)),
                    rss: median(runs.map(r => r.run.peakRssMb ?? NaN)),
                });
                const c = startOf(compiled);
                const f = startOf(floor);
                console.log(
                    `  pack start (spawn to port) / first verdict / peak RSS, median of ${START_RUNS}: this pack ${secs(c.start)} / ${secs(c.first)} / ${fmt(c.rss, 0)} MB; ` +
                        `a pack of one policy that judges nothing ${secs(f.start)} / ${secs(f.first)} / ${fmt(f.rss, 0)} MB`,
                );
                console.log(
                    `    first verdict ${secs(c.first - f.first)} after the no-op pack's: ${target("start: first verdict ≤ 0.5 s after a no-op pack's", c.first - f.first <= 500)}`,
                );
            }
            for (const [what, same] of checks) {
                console.log(`  identical verdicts, ${what}: ${same ? "yes" : "NO"}`);
                if (!same) parityFailures++;
            }
            if (n >= 1000 && !(await realCli(n, account, viaReport))) parityFailures++;
            console.log("");
        } finally {
            await iam.close();
        }
    }
    flatness();
    xmlParsing();
    if (installed) installSizes(installed);
    if (OUTAGE_USERS > 0) await outages(OUTAGE_USERS);
    const missed = targets.filter(t => !t.ok);
    console.log(
        `targets: ${targets.length - missed.length} of ${targets.length} met${missed.length ? `; missed: ${missed.map(t => t.what).join("; ")}` : ""}`,
    );
    console.log(`verdict parity: ${parityFailures === 0 ? "identical on every path" : `${parityFailures} mismatches`}`);
    process.exitCode = parityFailures === 0 ? 0 : 1;
}

// ---- bounded whole runs: IAM hangs, refuses connections or drips while STS answers; the defaults' deadlines ----

async function outages(users: number): Promise<void> {
    console.log(
        `== outages: ${users} users, each needing a live read, Analyze one at a time; IAM fails while STS answers (default deadlines)`,
    );
    const healthy = await runThroughOutage({ outage: "none", users });
    console.log(`  healthy IAM (baseline): ${fmt(healthy.seconds, 1)} s, ${healthy.iamCalls} IAM requests`);
    const words = { hang: "hangs (never answers)", refuse: "refuses connections", drip: "drips (a byte at a time)" };
    for (const outage of OUTAGES) {
        const run = await runThroughOutage({ outage, users });
        const unavailable = run.outcomes.filter(o => o.verdict === "unavailable").length;
        console.log(
            `  IAM ${words[outage]}: ${fmt(run.seconds, 1)} s whole run (${fmt(run.seconds / healthy.seconds, 2)}× the healthy run), ` +
                `${unavailable} of ${users} reported unavailable, ${run.iamCalls} IAM requests; ` +
                target(
                    `outage (${outage}) within ${OUTAGE_BOUND_S} s, every user unavailable`,
                    run.seconds < OUTAGE_BOUND_S && unavailable === users,
                ),
        );
    }
    const recovery = await runThroughOutage({ outage: "hang", users, recoverAfterUsers: Math.floor(users / 5), paceMs: 20 });
    const late = recovery.outcomes.filter(o => o.startedMs >= recovery.recoveredMs! + 10_000);
    const judged = late.filter(o => o.verdict === "judged").length;
    console.log(
        `  IAM hangs, recovers after ${Math.floor(users / 5)} users (engine pace 20 ms a resource): ${fmt(recovery.seconds, 1)} s; ` +
            `of the ${late.length} users reached 10 s or more after the recovery, ${judged} judged; ` +
            target("every user reached 10 s after a recovery judged", late.length > 0 && judged === late.length),
    );
    console.log("");
}

main().catch(error => {
    console.error(`bench: ${(error as Error).stack ?? error}`);
    process.exitCode = 2;
});
