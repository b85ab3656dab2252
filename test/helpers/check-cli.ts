// The check command as a user runs it: a child process, with only PATH, HOME and the given environment.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { CheckReport } from "../../tools/check/format-report";

const CHECK = path.resolve(__dirname, "..", "..", "..", "dist", "check.js");

export interface CheckRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** What `check --json` prints. */
export type CheckJson = CheckReport & { listingProblems: string[]; mandatoryLeft: number; exitCode: number };

// Asynchronous, so that a local IAM endpoint in the test's process can answer the pack.
export function runCheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CheckRun> {
    const child = spawn(process.execPath, [CHECK, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    return new Promise(resolve => child.on("close", code => resolve({ code, stdout, stderr })));
}

/** The report of a `check --json` run. */
export function reportOf(run: CheckRun): CheckJson {
    return JSON.parse(run.stdout) as CheckJson;
}
