// Drives a pack through a preview (or `pulumi policy analyze`) the way the CLI does: the engine's calls, in
// its order, one resource at a time.
import pLimit from "p-limit";
import { AnalyzedResource, AnalyzeResult, AnalyzerClient, AnalyzerInfo } from "./analyzer-client";
import { engineConfig, PolicyPackConfigFile } from "./engine-config";
import { PolicyConfigEntry } from "./analyzer-client";
import { PackStartOptions, peakRssMb, startPack } from "./pack-process";

export interface DriveOptions extends PackStartOptions {
    /**
     * "preview" (default): as `pulumi preview` / `up` run a pack. "analyze": as `pulumi policy analyze` and audit
     * evaluations do: no ConfigureStack, no PULUMI_CONFIG, resources' state instead of inputs.
     */
    mode?: "preview" | "analyze";
    resources: AnalyzedResource[];
    configFile?: PolicyPackConfigFile;
    /** Analyze calls in flight at once; 1 = one at a time. */
    concurrency?: number;
    /** Deadline of each gRPC call; a pack that exceeds it is reported as hung. */
    callDeadlineMs?: number;
    stackTags?: Record<string, string>;
    /** Called as each Analyze answer arrives (progress; or, awaited, the engine's step for that resource). */
    onResult?: (result: ResourceResult) => void | Promise<void>;
    /** Called as the engine turns to a resource, before its Remediate and Analyze. */
    onAnalyzeStart?: (resource: AnalyzedResource) => void;
}

export interface ResourceResult extends AnalyzeResult {
    resource: AnalyzedResource;
}

export interface DriveResult {
    info: AnalyzerInfo;
    /** The config sent with Configure: each policy's level and properties, defaults applied. */
    config: Record<string, PolicyConfigEntry>;
    results: ResourceResult[];
    /** Spawn to port line. */
    startMs: number;
    /** Spawn to the first Analyze answer. */
    firstVerdictMs: number;
    /** First Analyze sent to last answer. */
    analyzeMs: number;
    /** What the pack printed after its port (the CLI shows it). */
    output: string;
    /** The pack's peak resident memory, in MB, where the platform tells. */
    peakRssMb?: number;
}

export class PackHungError extends Error {}

/** A call the pack did not answer within the driver's deadline is a hung pack (the CLI itself would wait forever). */
function hung(call: string, resource: string, deadlineMs: number | undefined) {
    return (error: unknown): never => {
        if ((error as { code?: number }).code === 4 /* DEADLINE_EXCEEDED */) {
            throw new PackHungError(`the policy pack did not answer ${call} for ${resource} within ${(deadlineMs ?? 120_000) / 1000} s`);
        }
        throw error;
    };
}

/**
 * The engine's call pattern: ConfigureStack first (the language host forwards it; not in analyze mode), then
 * GetPluginInfo, GetAnalyzerInfo, Configure (the pack supports config), then for each resource Remediate and
 * Analyze, one resource at a time unless `concurrency` says otherwise (a stress test: the CLI never does it),
 * AnalyzeStack at the end and Cancel at shutdown.
 */
export async function drivePack(options: DriveOptions): Promise<DriveResult> {
    const spawnedAt = performance.now();
    const analyze = options.mode === "analyze";
    const pack = await startPack({ ...options, withoutStackConfig: analyze });
    let made: AnalyzerClient | undefined;
    try {
        // Inside the try: a client that cannot be made must not leave the pack running (and the caller hanging).
        const client = (made = new AnalyzerClient(pack.port, options.callDeadlineMs));
        if (!analyze) await client.configureStack({ ...options.stack, tags: options.stackTags });
        await client.getPluginInfo();
        const info = await client.getAnalyzerInfo();
        const config = engineConfig(info, options.configFile);
        await client.configure(config);
        const limit = pLimit(Math.max(1, options.concurrency ?? 1));
        let firstVerdictAt: number | undefined;
        const analyzeStart = performance.now();
        const results = await Promise.all(
            options.resources.map(resource =>
                limit(async () => {
                    options.onAnalyzeStart?.(resource);
                    await client.remediate(resource).catch(hung("Remediate", resource.urn, options.callDeadlineMs));
                    const result = await client.analyze(resource).catch(hung("Analyze", resource.urn, options.callDeadlineMs));
                    firstVerdictAt ??= performance.now();
                    await options.onResult?.({ resource, ...result });
                    return { resource, ...result };
                }),
            ),
        );
        const analyzeEnd = performance.now();
        // The engine ends with AnalyzeStack; this pack has no stack policies, so it reports nothing there.
        await client.analyzeStack(options.resources).catch(hung("AnalyzeStack", "the stack", options.callDeadlineMs));
        await client.cancel();
        return {
            info,
            config,
            results,
            startMs: pack.startMs,
            firstVerdictMs: (firstVerdictAt ?? analyzeEnd) - spawnedAt,
            analyzeMs: analyzeEnd - analyzeStart,
            output: pack.output(),
            peakRssMb: peakRssMb(pack.pid),
        };
    } finally {
        made?.close();
        await pack.stop();
    }
}
