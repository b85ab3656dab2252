// A fresh run of the pack's policies for a spec: its own accounts, caches and decisions, as one pack process has,
// created from the settings and environment the spec gives (never the test process's own environment).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { packPolicies } from "../../rules/policies";
import { newPackRun, PackRun } from "../../rules/run/pack-run";
import { settingsFrom } from "../../rules/config/settings";
import type { FindingRecord } from "../../rules/run/findings";

export interface FreshPack {
    /** In the pack's order, as the policy SDK runs them on each resource. */
    list: ResourceValidationPolicy[];
    byName: Record<string, ResourceValidationPolicy>;
    run: PackRun;
    /** The structured findings the policies recorded, in order (only when recording, as for `check`). */
    records: FindingRecord[];
}

/** A run as the CLI starts one (no findings sink), or, `recording`, as `check` does. */
export function freshPack(env: NodeJS.ProcessEnv = {}, options: { recording?: boolean } = {}): FreshPack {
    const records: FindingRecord[] = [];
    const findings = options.recording ? { record: (r: FindingRecord) => void records.push(r) } : undefined;
    const run = newPackRun({ settings: settingsFrom(env), env, findings });
    const list = packPolicies(run);
    return { list, byName: Object.fromEntries(list.map(p => [p.name, p])), run, records };
}
