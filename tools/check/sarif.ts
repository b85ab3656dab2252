// `check --format sarif`: SARIF 2.1.0 for code scanning (GitHub and others). One result per unused credential and one
// per user not judged, each with its policy as the rule, located at the line of the program that declares the user
// (the stack export's sourcePosition), so that the scan marks that line; without one, the resource's URN.
import { kindModule } from "../../rules/api";
import { AnalyzerInfo, PolicyInfo } from "../driver/analyzer-client";
import { CheckReport } from "./format-report";
import { CheckedStack } from "./checked-stack";

/** The parts of SARIF 2.1.0 this writes (https://docs.oasis-open.org/sarif/sarif/v2.1.0/). */
interface SarifLocation {
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn?: number } };
    logicalLocations?: { fullyQualifiedName: string; kind: string }[];
}

interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    level: "error" | "warning" | "note";
    message: { text: string };
    locations: SarifLocation[];
    partialFingerprints: Record<string, string>;
    properties: Record<string, unknown>;
}

export interface SarifLog {
    $schema: string;
    version: "2.1.0";
    runs: {
        tool: { driver: { name: string; version: string; informationUri?: string; rules: Record<string, unknown>[] } };
        results: SarifResult[];
    }[];
}

const LEVELS: Record<string, SarifResult["level"]> = { mandatory: "error", advisory: "warning", remediate: "warning", disabled: "note" };

function rule(policy: PolicyInfo): Record<string, unknown> {
    return {
        id: policy.name,
        name: policy.displayName || policy.name,
        shortDescription: { text: policy.description },
        fullDescription: { text: policy.description },
        help: { text: policy.remediationSteps || policy.description },
        ...(policy.url ? { helpUri: policy.url } : {}),
        defaultConfiguration: { level: LEVELS[policy.enforcementLevel] ?? "warning" },
        properties: { tags: policy.tags, ...(policy.severity ? { severity: policy.severity } : {}) },
    };
}

export interface SarifOptions {
    /** Where the Pulumi project sits in the repository the scan belongs to (`infra/`), for the results' paths. */
    sourceRoot?: string;
}

/** The report of a `check` run, as one SARIF run. */
export function sarifOf(
    report: CheckReport,
    checked: CheckedStack[],
    info: AnalyzerInfo | undefined,
    options: SarifOptions = {},
): SarifLog {
    const policies = info?.policies ?? [];
    const ruleIndex = new Map(policies.map((p, i) => [p.name, i]));
    const levelOf = (stack: string, policy: string) => {
        const run = checked.find(c => c.name === stack)?.run;
        return LEVELS[run?.config[policy]?.enforcementLevel ?? "advisory"] ?? "warning";
    };
    const locate = (stack: string, urn: string): SarifLocation[] => {
        const position = checked.find(c => c.name === stack)?.stack?.sourcePositions.get(urn);
        const logical = { logicalLocations: [{ fullyQualifiedName: urn, kind: "resource" }] };
        if (!position) return [logical];
        const uri = `${options.sourceRoot ? `${options.sourceRoot.replace(/\/+$/, "")}/` : ""}${position.file}`;
        return [
            {
                physicalLocation: {
                    artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
                    region: { startLine: position.line, startColumn: position.column },
                },
                ...logical,
            },
        ];
    };
    const results: SarifResult[] = [];
    for (const c of report.credentials.filter(x => x.kind === "unused")) {
        // The record carries the diagnostic's own text: nothing is joined by matching message text.
        const credential = c.credentialId ?? c.credential ?? "credential";
        results.push({
            ruleId: c.policy,
            ruleIndex: ruleIndex.get(c.policy) ?? -1,
            level: levelOf(c.stack, c.policy),
            message: {
                text:
                    c.message ??
                    `IAM user '${c.user}': ${credential} is unused: idle ${c.idleDays} days, threshold ${c.thresholdDays} days.`,
            },
            locations: locate(c.stack, c.urn),
            partialFingerprints: { "unusedCredential/v1": `${c.accountId ?? c.account}/${c.user}/${credential}` },
            properties: {
                stack: c.stack,
                user: c.user,
                credential,
                accountId: c.accountId,
                idleDays: c.idleDays,
                thresholdDays: c.thresholdDays,
                owner: c.owner,
            },
        });
    }
    const unavailable = "iam-user-usage-data-unavailable";
    for (const u of report.unjudged) {
        const credentials = u.credentials.map(
            c => c.credentialId ?? (c.credential ? kindModule(c.credential).nameOf().text : "credentials"),
        );
        results.push({
            ruleId: unavailable,
            ruleIndex: ruleIndex.get(unavailable) ?? -1,
            level: levelOf(u.stack, unavailable),
            message: {
                text: `IAM user '${u.user}' (${u.account}): not judged, never a pass: ${u.credentials
                    .map(c => c.reason)
                    .filter((r, i, all) => all.indexOf(r) === i)
                    .join("; ")}`,
            },
            locations: locate(u.stack, u.urn),
            partialFingerprints: { "unjudgedUser/v1": `${u.stack}/${u.urn}` },
            properties: { stack: u.stack, user: u.user, credentials },
        });
    }
    // An account's credential report set aside: a note, located at the account (no resource or line holds it).
    for (const r of report.credentialReports) {
        results.push({
            ruleId: unavailable,
            ruleIndex: ruleIndex.get(unavailable) ?? -1,
            level: "note",
            message: { text: r.text.replace(/^unused-iam-credentials: /, "") },
            locations: [{ logicalLocations: [{ fullyQualifiedName: r.accountId ?? r.account, kind: "account" }] }],
            partialFingerprints: { "credentialReport/v1": `${r.accountId ?? r.account}/${r.setAsideWhole ? "whole" : "rows"}` },
            properties: { account: r.account, accountId: r.accountId, setAsideWhole: r.setAsideWhole, rows: r.rows },
        });
    }
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: info?.name ?? report.pack,
                        version: report.version,
                        ...(info?.repository ? { informationUri: info.repository } : {}),
                        rules: policies.map(rule),
                    },
                },
                results,
            },
        ],
    };
}
