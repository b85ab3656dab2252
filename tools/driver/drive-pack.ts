// Drives a pack through a preview the way the CLI does: start, GetAnalyzerInfo, Configure,
// ConfigureStack, then Analyze for every resource, serially or concurrently (CLI 3.219+).
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
    /** Called as each Analyze answer arrives (progress). */
    onResult?: (result: ResourceResult) => void;
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

export async function drivePack(options: DriveOptions): Promise<DriveResult> {
    const spawnedAt = performance.now();
    const analyze = options.mode === "analyze";
    const pack = await startPack({ ...options, withoutStackConfig: analyze });
    const client = new AnalyzerClient(pack.port, options.callDeadlineMs);
    try {
        const info = await client.getAnalyzerInfo();
        const config = engineConfig(info, options.configFile);
        await client.configure(config);
        if (!analyze) await client.configureStack({ ...options.stack, tags: options.stackTags });
        const limit = pLimit(Math.max(1, options.concurrency ?? 1));
        let firstVerdictAt: number | undefined;
        const analyzeStart = performance.now();
        const results = await Promise.all(
            options.resources.map(resource =>
                limit(async () => {
                    const result = await client.analyze(resource).catch(error => {
                        if ((error as { code?: number }).code === 4 /* DEADLINE_EXCEEDED */) {
                            throw new PackHungError(`the policy pack did not answer Analyze for ${resource.urn} within ${(options.callDeadlineMs ?? 120_000) / 1000} s`);
                        }
                        throw error;
                    });
                    firstVerdictAt ??= performance.now();
                    options.onResult?.({ resource, ...result });
                    return { resource, ...result };
                }),
            ),
        );
        const analyzeEnd = performance.now();
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
        client.close();
        await pack.stop();
    }
}
