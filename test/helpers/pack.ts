// A fresh run of the pack's policies for a spec: its own accounts, caches and decisions, as one pack process has.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { packPolicies } from "../../rules/policies";
import { newPackRun } from "../../rules/run/pack-run";

export interface FreshPack {
    /** In the pack's order, as the policy SDK runs them on each resource. */
    list: ResourceValidationPolicy[];
    byName: Record<string, ResourceValidationPolicy>;
}

export function freshPack(env: NodeJS.ProcessEnv = process.env): FreshPack {
    const list = packPolicies(newPackRun(env));
    return { list, byName: Object.fromEntries(list.map(p => [p.name, p])) };
}
