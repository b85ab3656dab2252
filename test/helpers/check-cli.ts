// The check command as a user runs it: a child process, with only PATH, HOME and the given environment.
import { spawn } from "node:child_process";
import * as path from "node:path";

const CHECK = path.resolve(__dirname, "..", "..", "..", "bin", "tools", "check.js");

export interface CheckRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

// Asynchronous, so that a local IAM endpoint in the test's process can answer the pack.
export function runCheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CheckRun> {
    const child = spawn(process.execPath, [CHECK, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", c => (stdout += c));
    child.stderr.on("data", c => (stderr += c));
    return new Promise(resolve => child.on("close", code => resolve({ code, stdout, stderr })));
}
