// A whole preview-shaped run (Analyze one resource at a time, as the engine calls it) over a stack whose every user
// needs a live read, while the account's IAM hangs, refuses connections or drips, and STS answers. Optionally IAM
// recovers mid-run. Shared by the bounded-run spec and the benchmark.
import type { FaultsFile, UserFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { packEnv, REPO } from "./samples";

export type Outage = "hang" | "refuse" | "drip";
export const OUTAGES: readonly Outage[] = ["hang", "refuse", "drip"];

/** Every IAM action the pack may call; STS's are left alone. */
const IAM_ACTIONS = [
    "GetCredentialReport",
    "GenerateCredentialReport",
    "GetLoginProfile",
    "GetUser",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListUsers",
];

export function faultsFor(outage: Exclude<Outage, "refuse">): FaultsFile {
    const rules = IAM_ACTIONS.map(action => ({ action }));
    return outage === "hang" ? { hang: rules } : { slowBody: rules.map(r => ({ ...r, seconds: 600 })) };
}

export interface UserOutcome {
    name: string;
    /** When its Analyze started, in ms since the first Analyze. */
    startedMs: number;
    verdict: "judged" | "unavailable" | "other";
    message: string;
}

export interface OutageRun {
    outcomes: UserOutcome[];
    /** First Analyze sent to last answer, in seconds. */
    seconds: number;
    /** When IAM recovered, in ms since the first Analyze; undefined when it did not. */
    recoveredMs?: number;
    /** IAM requests the endpoint received. */
    iamCalls: number;
}

export interface OutageOptions {
    /** What IAM does; "none": it answers (a baseline). */
    outage: Outage | "none";
    users: number;
    /** IAM recovers once this many users' Analyze calls have answered. */
    recoverAfterUsers?: number;
    /** The engine's own time per resource (its steps and the program's), spent after each Analyze. */
    paceMs?: number;
    env?: NodeJS.ProcessEnv;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** One stale key per user: every user needs a live read, and a judged one is a violation. */
function staleUsers(count: number): UserFile[] {
    return Array.from({ length: count }, (_, i) => ({
        userName: `u${String(i).padStart(4, "0")}`,
        accessKeys: [
            {
                accessKeyId: `AKIAOUTAGE${String(i).padStart(10, "0")}`,
                created: { daysAgo: 400 },
                lastUsed: { daysAgo: 200, service: "s3", region: "us-east-1" },
            },
        ],
    }));
}

export async function runThroughOutage(options: OutageOptions): Promise<OutageRun> {
    const users = staleUsers(options.users);
    const iam: LocalIam = await startLocalIam({ users });
    try {
        const outage = options.outage;
        const startFault = async () =>
            outage === "none" ? undefined : outage === "refuse" ? iam.refuseIam(true) : iam.setFaults(faultsFor(outage));
        const recover = async () => (outage === "refuse" ? iam.refuseIam(false) : iam.setFaults({}));
        await startFault();
        iam.resetCalls();
        const started = new Map<string, number>();
        let first = 0;
        let answered = 0;
        let recoveredMs: number | undefined;
        const resources = users.map(u => ({
            type: "aws:iam/user:User",
            name: u.userName,
            urn: `urn:pulumi:dev::proj::aws:iam/user:User::${u.userName}`,
            props: { name: u.userName },
        }));
        const result = await drivePack({
            packDir: REPO,
            stack: { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true },
            // IAM on its own port (which can refuse), STS on the endpoint's main one.
            env: packEnv(iam, { AWS_ENDPOINT_URL_IAM: iam.iamUrl, ...options.env }),
            resources,
            callDeadlineMs: 300_000,
            onAnalyzeStart: resource => {
                if (started.size === 0) first = performance.now();
                started.set(resource.name, performance.now());
            },
            onResult: async () => {
                answered++;
                if (options.recoverAfterUsers !== undefined && answered === options.recoverAfterUsers) {
                    await recover();
                    recoveredMs = performance.now() - first;
                }
                if (options.paceMs) await sleep(options.paceMs);
            },
        });
        const outcomes = result.results.map((r): UserOutcome => {
            const unused = r.diagnostics.find(d => d.policyName === "iam-user-unused-access-key");
            const unavailable = r.diagnostics.find(d => d.policyName === "iam-user-usage-data-unavailable");
            return {
                name: r.resource.name,
                startedMs: started.get(r.resource.name)! - first,
                verdict: unused && !unavailable ? "judged" : unavailable && !unused ? "unavailable" : "other",
                message: (unavailable ?? unused)?.message ?? "",
            };
        });
        return { outcomes, seconds: result.analyzeMs / 1000, recoveredMs, iamCalls: iam.totalCalls() };
    } finally {
        await iam.close();
    }
}
