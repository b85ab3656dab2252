// Loaded into every Node process of a benchmarked `pulumi preview` (NODE_OPTIONS=--require …), it acts only in a
// policy pack's process (run-policy-pack): it times the pack's Analyze and AnalyzeStack handlers and writes the
// process's CPU time, that time and its peak RSS to BENCH_PROBE_DIR/<pid>.json. The engine kills a pack without an
// exit hook, so the file is rewritten after AnalyzeStack (the engine's last call) and every second meanwhile.
// For looking into a figure by hand: BENCH_PROBE_PROFILE=1 adds a CPU profile (<pid>.cpuprofile), BENCH_PROBE_HEAP=1 a
// heap snapshot at AnalyzeStack, BENCH_PROBE_HEAP_AT=N one after the Nth Analyze (<pid>.at.heapsnapshot).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const dir = process.env.BENCH_PROBE_DIR;
if (dir && process.argv.some(arg => arg.includes("run-policy-pack"))) {
    const started = process.hrtime.bigint();
    const stats = { pack: process.argv[process.argv.length - 1], analyzeCalls: 0, analyzeMs: 0, analyzeStackMs: 0 };
    const write = () => {
        const cpu = process.cpuUsage();
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1];
        const out = {
            ...stats,
            cpuMs: (cpu.user + cpu.system) / 1000,
            wallMs: Number(process.hrtime.bigint() - started) / 1e6,
            peakRssMb: hwm ? Number(hwm) / 1024 : null,
            memory: process.memoryUsage(),
        };
        fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(out));
    };
    setInterval(write, 1000).unref();
    // BENCH_PROBE_PROFILE=1: a CPU profile of the pack's process too, written at AnalyzeStack (<pid>.cpuprofile).
    let profile;
    if (process.env.BENCH_PROBE_PROFILE) {
        const inspector = require("node:inspector");
        const session = new inspector.Session();
        session.connect();
        session.post("Profiler.enable", () => session.post("Profiler.start"));
        profile = () =>
            session.post("Profiler.stop", (error, result) => {
                if (!error) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
            });
    }
    const timed = (handler, add) =>
        function (call, callback) {
            const t0 = process.hrtime.bigint();
            return handler.call(this, call, (...args) => {
                add(Number(process.hrtime.bigint() - t0) / 1e6);
                callback(...args);
            });
        };
    const load = Module._load;
    Module._load = function (request) {
        const loaded = load.apply(this, arguments);
        if (request === "@grpc/grpc-js" && loaded.Server && !loaded.Server.prototype.__benchProbe) {
            const addService = loaded.Server.prototype.addService;
            loaded.Server.prototype.__benchProbe = true;
            loaded.Server.prototype.addService = function (service, impl) {
                const wrapped = { ...impl };
                if (impl.analyze)
                    wrapped.analyze = timed(impl.analyze, ms => {
                        stats.analyzeCalls++;
                        if (String(stats.analyzeCalls) === process.env.BENCH_PROBE_HEAP_AT)
                            require("node:v8").writeHeapSnapshot(path.join(dir, `${process.pid}.at.heapsnapshot`));
                        stats.analyzeMs += ms;
                    });
                if (impl.analyzeStack)
                    wrapped.analyzeStack = timed(impl.analyzeStack, ms => {
                        stats.analyzeStackMs += ms;
                        write();
                        profile?.();
                        if (process.env.BENCH_PROBE_HEAP)
                            require("node:v8").writeHeapSnapshot(path.join(dir, `${process.pid}.heapsnapshot`));
                    });
                return addService.call(this, service, wrapped);
            };
        }
        return loaded;
    };
}
