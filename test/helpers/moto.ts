// moto (PyPI `moto[server]`), the IAM emulator the Python ecosystem tests against, as a second IAM backend: started on
// a loopback port by test/moto/moto_iam.py, seeded in-process from an account file with every date made absolute.
//   UNUSED_CREDENTIALS_MOTO_PYTHON         the Python that has moto (default: python3)
//   UNUSED_CREDENTIALS_MOTO_SPECS=require  a Python without moto fails the run (CI)
//   UNUSED_CREDENTIALS_MOTO_SPECS=skip     the specs are skipped
//   unset                                  they run when moto is found, else one line says how many were skipped
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AccountFile, UserFile } from "../../tools/local-iam/account-file";
import { resolveWhen } from "../../tools/local-iam/account-file";
import { skippedMotoSuites } from "./skipped";

const SCRIPT = path.resolve(__dirname, "..", "..", "..", "test", "moto", "moto_iam.py");
const PYTHON = process.env.UNUSED_CREDENTIALS_MOTO_PYTHON || "python3";

/** The moto version the Python has, or undefined. */
function motoVersion(): string | undefined {
    if (process.env.UNUSED_CREDENTIALS_MOTO_SPECS === "skip") return undefined;
    const probe = spawnSync(PYTHON, ["-c", "import moto, werkzeug; print(moto.__version__)"], { encoding: "utf8", timeout: 30_000 });
    return probe.status === 0 ? probe.stdout.trim() : undefined;
}

export const MOTO_VERSION = motoVersion();

/** A suite that runs against moto: skipped (counted) without it, or failing when moto is required. */
export function describeWithMoto(title: string, body: (this: Mocha.Suite) => void): void {
    if (MOTO_VERSION) {
        describe(`${title} (moto ${MOTO_VERSION})`, body);
    } else if (process.env.UNUSED_CREDENTIALS_MOTO_SPECS === "require") {
        describe(title, () => {
            it("has moto to run against", () =>
                assert.fail(`${PYTHON} cannot import moto: pip install "moto[server]" (UNUSED_CREDENTIALS_MOTO_PYTHON names the Python)`));
        });
    } else {
        const suite = describe.skip(title, body);
        if (suite) skippedMotoSuites.push(suite);
    }
}

/** The account with every relative date made absolute against `now`, as both backends are then seeded. */
export function absoluteAccount(account: AccountFile, now: Date): AccountFile {
    const abs = (when: Parameters<typeof resolveWhen>[0]) => resolveWhen(when, now).toISOString();
    return {
        ...account,
        users: account.users.map((u): UserFile => ({
            ...u,
            created: abs(u.created ?? { daysAgo: 1000 }),
            loginProfile: u.loginProfile ? { ...u.loginProfile, created: abs(u.loginProfile.created) } : u.loginProfile,
            passwordLastUsed: u.passwordLastUsed ? abs(u.passwordLastUsed) : u.passwordLastUsed,
            accessKeys: u.accessKeys?.map(k => {
                const lastUsed = k.lastUsed && ("at" in k.lastUsed ? k.lastUsed.at : abs(k.lastUsed));
                // IAM records key use in whole minutes, as the local endpoint does.
                const minute = lastUsed && new Date(Math.floor(new Date(lastUsed).getTime() / 60_000) * 60_000).toISOString();
                return {
                    ...k,
                    created: abs(k.created),
                    lastUsed: k.lastUsed && { at: minute!, service: k.lastUsed.service, region: k.lastUsed.region },
                };
            }),
        })),
    };
}

export interface Moto {
    url: string;
    close(): Promise<void>;
}

/** Starts moto seeded with `account` (absolute dates: see absoluteAccount). */
export async function startMoto(account: AccountFile): Promise<Moto> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unused-credentials-moto-"));
    const file = path.join(dir, "account.json");
    fs.writeFileSync(file, JSON.stringify(account));
    const child = spawn(PYTHON, [SCRIPT, file], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`moto did not start within 30 s: ${output}`)), 30_000);
        const read = (chunk: Buffer) => {
            output += chunk.toString();
            const match = /moto-iam listening on (\d+)/.exec(output);
            if (match) {
                clearTimeout(timer);
                resolve(Number(match[1]));
            }
        };
        child.stdout.on("data", read);
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("exit", code => reject(new Error(`moto exited (${code}) before it served: ${output}`)));
    });
    return {
        url: `http://127.0.0.1:${port}`,
        close: async () => {
            const exited = new Promise(resolve => child.once("exit", resolve));
            child.stdin.end();
            const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(killer);
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
