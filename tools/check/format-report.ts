// Prints a run's diagnostics the way `pulumi preview` prints its Policies section, or as JSON for CI.
import { Diagnostic } from "../driver/analyzer-client";
import { DriveResult } from "../driver/drive-pack";

/** The finding itself: the policy SDK prefixes each violation message with the policy's description. */
export function findingText(d: Diagnostic): string {
    return d.message.startsWith(`${d.description}\n`) ? d.message.slice(d.description.length + 1) : d.message;
}

export interface CheckReport {
    pack: string;
    version: string;
    resourcesAnalyzed: number;
    violations: { policy: string; enforcementLevel: string; urn: string; resource: string; type: string; message: string }[];
    /** Users a policy did not judge because they are exempt (by tag or exemptUsers), with why. */
    exemptions: { policy: string; urn: string; resource: string; reason: string }[];
    summary: { mandatory: number; advisory: number; exempt: number };
}

export function checkReport(run: DriveResult): CheckReport {
    const violations = run.results.flatMap(r =>
        r.diagnostics.map(d => ({
            policy: d.policyName,
            enforcementLevel: d.enforcementLevel,
            urn: d.urn,
            resource: r.resource.name,
            type: r.resource.type,
            message: findingText(d),
        })),
    );
    const exemptions = run.results.flatMap(r =>
        r.notApplicable
            .filter(n => / is exempt /.test(n.reason))
            .map(n => ({ policy: n.policyName, urn: r.resource.urn, resource: r.resource.name, reason: n.reason })),
    );
    return {
        pack: run.info.name,
        version: run.info.version,
        resourcesAnalyzed: run.results.length,
        violations,
        exemptions,
        summary: {
            mandatory: violations.filter(v => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter(v => v.enforcementLevel === "advisory").length,
            exempt: new Set(exemptions.map(e => e.urn)).size,
        },
    };
}

export function formatPolicies(report: CheckReport, packLocation: string, descriptions: Map<string, string>): string {
    const icon = report.summary.mandatory > 0 ? "❌" : report.violations.length > 0 ? "⚠️" : "✅";
    const lines = ["Policies:", `    ${icon} ${report.pack}@v${report.version} (local: ${packLocation})`];
    for (const v of report.violations) {
        lines.push(`        - [${v.enforcementLevel}]  ${v.policy}  (${v.type}: ${v.resource})`);
        const description = descriptions.get(v.policy);
        if (description) lines.push(`          ${description}`);
        lines.push(`          ${v.message}`);
    }
    if (report.exemptions.length > 0) {
        lines.push("", "Exempt (not judged):");
        for (const e of report.exemptions) lines.push(`    - ${e.policy}  (${e.resource}): ${e.reason}`);
    }
    lines.push("");
    lines.push(
        `${report.resourcesAnalyzed} resources analyzed: ${report.summary.mandatory} mandatory and ${report.summary.advisory} advisory violations` +
            `${report.summary.exempt ? `, ${report.summary.exempt} exempt users` : ""}.`,
    );
    return lines.join("\n");
}
