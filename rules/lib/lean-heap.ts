// Memory: before the pack runs, the CLI's loader has already loaded the TypeScript compiler and the Pulumi
// SDK (~125 MB resident). Judging thousands of users then makes short-lived garbage (gRPC messages,
// property proxies, SDK requests) that V8 lets pile up: at 5,000 users its heap grew to ~110 MB around
// ~40 MB of live data, and the peak passed 200 MB. A full collection whenever the used heap has grown half
// again over what the last one kept (48 MB at least), checked twice a second, keeps the peak well under
// 200 MB at no measurable cost in time (npm run bench); a large live set only raises the bar.
// Set UNUSED_CREDENTIALS_LEAN_HEAP=false to leave V8 to itself.
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const CHECK_EVERY_MS = 500;
const FLOOR_BYTES = 48 * 1024 * 1024;
const GROWTH = 1.5;

let watching = false;

/** Starts the heap watch once, when the pack first reads IAM (not at load). */
export function startHeapWatch(env: NodeJS.ProcessEnv = process.env): void {
    if (watching || env.UNUSED_CREDENTIALS_LEAN_HEAP === "false") return;
    watching = true;
    // `gc` is only exposed to contexts created after the flag is set.
    setFlagsFromString("--expose-gc");
    const collect = runInNewContext("gc") as () => void;
    let collectAbove = FLOOR_BYTES;
    setInterval(() => {
        if (getHeapStatistics().used_heap_size <= collectAbove) return;
        collect();
        collectAbove = Math.max(FLOOR_BYTES, GROWTH * getHeapStatistics().used_heap_size);
    }, CHECK_EVERY_MS).unref();
}
