// The real Pulumi CLI for the specs that make it the judge: found on PATH (with its own Node.js language host) or
// built by tools/pulumi-cli/build.sh (with the project's stand-in host), and a workspace per spec: a program copied
// from test/programs/cli/, a local backend, its own PULUMI_HOME, the stand-in provider plugins, and the local IAM
// endpoint's address and credentials in the environment.
//   UNUSED_CREDENTIALS_CLI_SPECS=require   a missing CLI fails the run (CI)
//   UNUSED_CREDENTIALS_CLI_SPECS=skip      the specs are skipped (CI's other Node versions: they run once per CI run)
//   unset                                  they run when a CLI is found, else one line says how many were skipped
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { strict as assert } from "node:assert";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import type { AccountFile } from "../../tools/local-iam/account-file";
import { REPO } from "./samples";
import { skippedCliSuites } from "./skipped";

export interface Cli {
    /** The folder holding `pulumi` (and, for a built one, the stand-in `pulumi-language-nodejs`). */
    bin: string;
    version: string;
    /** Where it came from: the caller's PATH, or this project's build. */
    origin: "PATH" | "build";
}

function versionOf(bin: string): string | undefined {
    try {
        return execFileSync(path.join(bin, "pulumi"), ["version"], {
            encoding: "utf8",
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
            timeout: 20_000,
        }).trim();
    } catch {
        return undefined;
    }
}

function findCli(): Cli | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (dir && fs.existsSync(path.join(dir, "pulumi"))) {
            const version = versionOf(dir);
            if (version) return { bin: dir, version, origin: "PATH" };
        }
    }
    try {
        const bin = execFileSync("bash", [path.join(REPO, "tools", "pulumi-cli", "build.sh"), "--locate"], { encoding: "utf8" }).trim();
        const version = versionOf(bin);
        return version ? { bin, version, origin: "build" } : undefined;
    } catch {
        return undefined;
    }
}

export const CLI: Cli | undefined = process.env.UNUSED_CREDENTIALS_CLI_SPECS === "skip" ? undefined : findCli();

/** A suite that runs under the real CLI: skipped (counted) without one, or failing when a CLI is required. */
export function describeWithCli(title: string, body: (this: Mocha.Suite, cli: Cli) => void): void {
    const mode = process.env.UNUSED_CREDENTIALS_CLI_SPECS;
    const cli = CLI;
    if (cli) {
        describe(`${title} (real Pulumi CLI ${cli.version}, ${cli.origin === "build" ? "built here" : "from PATH"})`, function () {
            body.call(this, cli);
        });
    } else if (mode === "require") {
        describe(title, () => {
            it("has a Pulumi CLI to run under", () => assert.fail("no Pulumi CLI: run tools/pulumi-cli/build.sh, or put pulumi on PATH"));
        });
    } else {
        const suite = describe.skip(title, body as (this: Mocha.Suite) => void);
        if (suite) skippedCliSuites.push(suite);
    }
}

export interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
    /** stdout and stderr as the user's terminal shows them. */
    output: string;
}

/** Runs a command asynchronously (the local IAM endpoint answers from the test's own process meanwhile). */
export function runCommand(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: options.cwd, env: options.env });
        let stdout = "";
        let stderr = "";
        let output = "";
        child.stdout.on("data", (c: Buffer) => ((stdout += c.toString()), (output += c.toString())));
        child.stderr.on("data", (c: Buffer) => ((stderr += c.toString()), (output += c.toString())));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
        child.on("error", reject);
        child.on("close", code => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, output });
        });
    });
}

const PLUGINS = path.join(REPO, "test", "cli", "plugins");
const PROGRAMS = path.join(REPO, "test", "programs", "cli");

/** One project and stack, in a folder of its own, as a user's checkout of a Pulumi program. */
export class Workspace {
    readonly env: NodeJS.ProcessEnv;

    private constructor(
        readonly dir: string,
        readonly cli: Cli,
        env: NodeJS.ProcessEnv,
    ) {
        this.env = env;
    }

    /** A copy of test/programs/cli/<program>, its packages those of test/programs, its providers the stand-ins. */
    static async create(
        cli: Cli,
        program: string,
        options: { iam: LocalIam; env?: NodeJS.ProcessEnv; stack?: string },
    ): Promise<Workspace> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cli-${program}-`));
        fs.cpSync(path.join(PROGRAMS, program), dir, { recursive: true });
        fs.symlinkSync(path.join(REPO, "test", "programs", "node_modules"), path.join(dir, "node_modules"));
        const providers = ["aws", "aws-native"].map(name => `    - name: ${name}\n      path: ${path.join(PLUGINS, name)}\n`).join("");
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${program}\nruntime: nodejs\nplugins:\n  providers:\n${providers}`);
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: program, version: "0.0.0", main: "index.ts" }));
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: { target: "ES2022", module: "commonjs", strict: true, skipLibCheck: true },
                files: ["index.ts"],
            }),
        );
        fs.mkdirSync(path.join(dir, ".state"));
        const env: NodeJS.ProcessEnv = {
            PATH: [cli.bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
            HOME: process.env.HOME,
            PULUMI_HOME: path.join(dir, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
            PULUMI_CONFIG_PASSPHRASE: "not-a-secret",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            AWS_ENDPOINT_URL_IAM: options.iam.url,
            AWS_ENDPOINT_URL_STS: options.iam.url,
            AWS_ACCESS_KEY_ID: "AKIDREALCLITEST00000",
            AWS_SECRET_ACCESS_KEY: "not-a-secret",
            AWS_REGION: "us-east-1",
            ...options.env,
        };
        const workspace = new Workspace(dir, cli, env);
        const init = await workspace.pulumi(["stack", "init", options.stack ?? "dev"]);
        assert.equal(init.code, 0, init.output);
        await workspace.pulumi(["config", "set", "aws:region", "us-east-1"]);
        return workspace;
    }

    /** Runs `pulumi`; killed after `timeoutMs` (5 minutes unless given: a 5,000-user preview takes longer). */
    pulumi(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs?: number): Promise<CliRun> {
        return runCommand(
            path.join(this.cli.bin, "pulumi"),
            [...args, ...(args[0] === "stack" || args[0] === "config" ? [] : ["--non-interactive"])],
            { cwd: this.dir, env: { ...this.env, ...env }, timeoutMs },
        );
    }

    /** Replaces the program (index.ts) with another of test/programs/cli/. */
    useProgram(program: string): void {
        fs.copyFileSync(path.join(PROGRAMS, program, "index.ts"), path.join(this.dir, "index.ts"));
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** The pack's policy lines in the CLI's output: `[level] policy (type: name)`, sorted. */
export function policyLines(output: string): string[] {
    return [...output.matchAll(/- \[(\w+)\](?: \[severity: \w+\])?\s+([\w-]+)\s+\(([^:]+:[^:]+:[^:]+): ([^)]+)\)/g)]
        .map(m => `${m[1]} ${m[2]} ${m[4]}`)
        .sort();
}

export interface CliFinding {
    level: string;
    policy: string;
    /** The resource's name, as the CLI prints it. */
    resource: string;
    message: string;
}

/** Each violation the CLI prints in its Policies section: level, policy, resource and the message under it. */
export function cliFindings(output: string): CliFinding[] {
    const findings: CliFinding[] = [];
    const lines = output.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const head = /^\s+- \[(\w+)\](?: \[severity: \w+\])?\s+([\w-]+)\s+\([^:]+:[^:]+:[^:]+: ([^)]+)\)\s*$/.exec(lines[i]);
        // The policy's description, then its message (the SDK prefixes every message with the description).
        if (head) findings.push({ level: head[1], policy: head[2], resource: head[3], message: (lines[i + 2] ?? "").trim() });
    }
    return findings;
}

/**
 * A pack of `policies` policies that judge nothing, on this project's node_modules (or those given): the benchmark's floor for any pack
 * (one policy), and for one with as many policies as this pack (the SDK's own cost per policy and resource).
 */
export function noopPack(policies: number, nodeModules = path.join(REPO, "node_modules")): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "noop-pack-"));
    const list = Array.from(
        { length: policies },
        (_, i) => `{ name: "nothing-${i}", description: "Does nothing.", validateResource: () => {} }`,
    );
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "noop-pack", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `const { PolicyPack } = require("@pulumi/policy");\nnew PolicyPack("noop", { policies: [${list.join(", ")}] });\n`,
    );
    fs.writeFileSync(
        path.join(dir, "PulumiPolicy.yaml"),
        "description: Judges nothing (the benchmark's floor for any pack).\nruntime: nodejs\n",
    );
    fs.symlinkSync(nodeModules, path.join(dir, "node_modules"));
    return dir;
}

/** For a suite: a workspace on a fresh local IAM endpoint per spec, both cleaned up after it. */
export function freshWorkspaces(cli: Cli): {
    open(program: string, account: AccountFile): Promise<{ iam: LocalIam; workspace: Workspace }>;
} {
    let opened: { iam: LocalIam; workspace: Workspace } | undefined;
    afterEach(async () => {
        opened?.workspace.remove();
        await opened?.iam.close();
        opened = undefined;
    });
    return {
        async open(program, account) {
            const iam = await startLocalIam(account);
            opened = { iam, workspace: await Workspace.create(cli, program, { iam }) };
            return opened;
        },
    };
}
