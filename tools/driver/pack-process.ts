// Starts a policy pack exactly as `pulumi preview --policy-pack DIR` does (docs/pack-run.md): the
// `run-policy-pack` entry of the pack's own @pulumi/pulumi, cwd = DIR, the caller's environment plus the
// PULUMI_* variables, and the gRPC port as the first line of stdout.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface StackIdentity {
    stack: string;
    project: string;
    organization: string;
    /** The stack config the CLI passes as PULUMI_CONFIG, e.g. `{"aws:region": "us-east-1"}`. */
    config: Record<string, string>;
    dryRun: boolean;
}

export interface PackStartOptions {
    packDir: string;
    /** What `require` is given; default the pack directory (package.json `main`). */
    program?: string;
    stack: StackIdentity;
    env?: NodeJS.ProcessEnv;
    startTimeoutMs?: number;
    /** As `pulumi policy analyze` starts a pack: no PULUMI_CONFIG (and no stack config at all). */
    withoutStackConfig?: boolean;
}

export interface PackProcess {
    port: number;
    pid: number;
    /** Spawn to port line. */
    startMs: number;
    /** Everything the pack wrote to stderr, and to stdout after its port: what the CLI would show. */
    output(): string;
    stop(): Promise<void>;
}

export class PackStartError extends Error {}

export function runPolicyPackEntry(packDir: string): string {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [path.resolve(packDir)] });
}

export function startPack(options: PackStartOptions): Promise<PackProcess> {
    const packDir = path.resolve(options.packDir);
    const started = process.hrtime.bigint();
    const env: NodeJS.ProcessEnv = {
        ...(options.env ?? process.env),
        ...(options.withoutStackConfig ? {} : { PULUMI_CONFIG: JSON.stringify(options.stack.config) }),
        PULUMI_NODEJS_STACK: options.stack.stack,
        PULUMI_NODEJS_PROJECT: options.stack.project,
        PULUMI_NODEJS_ORGANIZATION: options.stack.organization,
        PULUMI_NODEJS_DRY_RUN: String(options.stack.dryRun),
    };
    // The engine's own address; a Node pack never calls back to it.
    const child = spawn(process.execPath, [runPolicyPackEntry(packDir), "127.0.0.1:1", options.program ?? packDir], {
        cwd: packDir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let after = "";
    let stderr = "";
    let port: number | undefined;
    const timeoutMs = options.startTimeoutMs ?? 60_000;

    return new Promise<PackProcess>((resolve, reject) => {
        const fail = (message: string) => {
            clearTimeout(timer);
            child.kill("SIGKILL");
            reject(new PackStartError(`${message}${stderr.trim() ? `\n--- pack stderr ---\n${stderr.trim()}` : ""}`));
        };
        const timer = setTimeout(() => fail(`the policy pack did not print its port within ${timeoutMs / 1000} s`), timeoutMs);
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on("data", (chunk: Buffer) => {
            if (port !== undefined) {
                after += chunk.toString();
                return;
            }
            stdout += chunk.toString();
            const newline = stdout.indexOf("\n");
            if (newline < 0) return;
            const first = stdout.slice(0, newline).trim();
            if (!/^\d+$/.test(first)) {
                fail(
                    `the policy pack printed to stdout before its port, which breaks the CLI's handshake: ${JSON.stringify(first.slice(0, 200))}`,
                );
                return;
            }
            port = Number(first);
            after = stdout.slice(newline + 1);
            clearTimeout(timer);
            resolve({
                port,
                pid: child.pid!,
                startMs: Number(process.hrtime.bigint() - started) / 1e6,
                output: () => `${stderr}${after}`,
                stop: () => stopChild(child),
            });
        });
        child.on("exit", (code, signal) => {
            if (port === undefined) fail(`the policy pack exited before printing its port (code ${code}, signal ${signal})`);
        });
        child.on("error", error => fail(`could not start the policy pack: ${error.message}`));
    });
}

/** Peak resident memory of a process so far (Linux VmHWM), in MB; undefined where /proc is not available. */
export function peakRssMb(pid: number): number | undefined {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
        return kb ? Number(kb) / 1024 : undefined;
    } catch {
        return undefined;
    }
}

function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise(resolve => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
}
