// `check`'s report: the diagnostics as `pulumi preview` prints its Policies section, and, from the pack's
// structured findings, each credential with its owner, the exemptions in force and the users not judged.
import * as fs from "node:fs";
import * as path from "node:path";
import { CredentialKind, ExemptionRecord, FindingRecord, kindModule, ReportNoticeRecord } from "../../rules/api";
import { Diagnostic } from "../driver/analyzer-client";
import { AccountLine } from "./accounts";
import { CheckedStack, credentialOwner, Owner, userOwner } from "./checked-stack";
import { packageRoot } from "../package-root";

/** The finding itself: the policy SDK prefixes each violation message with the policy's description. */
export function findingText(d: Diagnostic): string {
    return d.message.startsWith(`${d.description}\n`) ? d.message.slice(d.description.length + 1) : d.message;
}

type CredentialFields = Pick<
    FindingRecord,
    "credential" | "credentialId" | "accessKeyId" | "lastUsed" | "idleDays" | "thresholdDays" | "unusedFrom" | "retiringUntil" | "message"
>;

export interface CredentialLine extends CredentialFields {
    stack: string;
    /** notice-unavailable: whether it reaches its threshold soon could not be read (the credential itself was judged). */
    kind: "unused" | "retiring" | "notice" | "notice-unavailable";
    reason?: string;
    policy: string;
    enforcementLevel: string;
    user: string;
    /** The user resource the pack judged. */
    urn: string;
    account: string;
    accountId: string | null;
    /** The resource that manages the credential in code, or "unmanaged". */
    owner: Owner;
    /** The resource that manages the user, or "unmanaged" (account-wide listing). */
    userOwner: Owner;
}

export interface CheckReport {
    pack: string;
    version: string;
    stacks: { name: string; resourcesAnalyzed: number }[];
    accounts: AccountLine[];
    violations: { stack: string; policy: string; enforcementLevel: string; urn: string; resource: string; type: string; message: string }[];
    credentials: CredentialLine[];
    /** Every exemption in force, once per user, for a security team's review. */
    exemptions: ({
        stack: string;
        user: string;
        urn: string;
        account: string;
        accountId: string | null;
        policies: string[];
    } & ExemptionRecord)[];
    /** Users whose credentials were not judged, each credential with why: never a pass. */
    unjudged: UnjudgedUser[];
    /** What was judged and not flagged, per user: each credential with its idle days, or why there was none. */
    passed: PassedUser[];
    /** Each account whose credential report was set aside, whole or row by row (those users were read live). */
    credentialReports: Omit<ReportNoticeRecord, "kind">[];
    summary: { mandatory: number; advisory: number; exempt: number; unjudged: number; notices: number; retiring: number };
}

export interface PassedUser {
    stack: string;
    user: string;
    urn: string;
    account: string;
    credentials: {
        credential?: CredentialKind;
        credentialId?: string;
        accessKeyId?: string;
        lastUsed?: string | null;
        idleDays?: number;
        thresholdDays?: number;
        reason?: string;
    }[];
}

export interface UnjudgedUser {
    stack: string;
    user: string;
    urn: string;
    account: string;
    /** The first reason, for a one-line summary; each credential has its own. */
    reason: string;
    policies: string[];
    credentials: { credential?: CredentialKind; credentialId?: string; accessKeyId?: string; reason: string }[];
}

/** One entry per user resource, merging the policies (and credentials) that recorded the same thing for it. */
function perUser<T extends { urn: string; stack: string; policies: string[]; credentials?: UnjudgedUser["credentials"] }>(
    entries: T[],
): T[] {
    const byUser = new Map<string, T>();
    for (const entry of entries) {
        const key = `${entry.stack}\n${entry.urn}`;
        const seen = byUser.get(key);
        if (seen) {
            seen.policies = [...new Set([...seen.policies, ...entry.policies])];
            if (seen.credentials && entry.credentials) seen.credentials.push(...entry.credentials);
        } else byUser.set(key, { ...entry, credentials: entry.credentials && [...entry.credentials] });
    }
    // In a stable order a reviewer can diff from one run to the next.
    return [...byUser.values()].sort((a, b) => `${a.stack}\n${a.urn}`.localeCompare(`${b.stack}\n${b.urn}`));
}

export function checkReport(checked: CheckedStack[], accounts: AccountLine[]): CheckReport {
    const first = checked[0]?.run.info;
    const violations = checked.flatMap(c =>
        c.run.results.flatMap(r =>
            r.diagnostics.map(d => ({
                stack: c.name,
                policy: d.policyName,
                enforcementLevel: d.enforcementLevel,
                urn: d.urn,
                resource: r.resource.name,
                type: r.resource.type,
                message: findingText(d),
            })),
        ),
    );
    const credentials: CredentialLine[] = checked.flatMap(c =>
        c.records.flatMap(r =>
            r.kind === "unused" || r.kind === "retiring" || r.kind === "notice" || r.kind === "notice-unavailable"
                ? [
                      {
                          stack: c.name,
                          kind: r.kind,
                          reason: r.reason,
                          policy: r.policy,
                          enforcementLevel: c.run.config[r.policy]?.enforcementLevel ?? "advisory",
                          user: r.user,
                          urn: r.urn,
                          account: r.account,
                          accountId: r.accountId,
                          credential: r.credential,
                          credentialId: r.credentialId,
                          accessKeyId: r.accessKeyId,
                          lastUsed: r.lastUsed,
                          idleDays: r.idleDays,
                          thresholdDays: r.thresholdDays,
                          unusedFrom: r.unusedFrom,
                          retiringUntil: r.retiringUntil,
                          message: r.message,
                          owner: credentialOwner(c, r),
                          userOwner: userOwner(c, r),
                      },
                  ]
                : [],
        ),
    );
    // Records arrive as Analyze calls finish: put them in an order a reviewer can diff from one run to the next.
    credentials.sort((a, b) =>
        `${a.stack}\n${a.user}\n${a.credential}\n${a.credentialId ?? ""}`.localeCompare(
            `${b.stack}\n${b.user}\n${b.credential}\n${b.credentialId ?? ""}`,
        ),
    );
    const exemptions = perUser(
        checked.flatMap(c =>
            c.records.flatMap(r =>
                r.kind === "exempt" && r.exemption
                    ? [
                          {
                              stack: c.name,
                              user: r.user,
                              urn: r.urn,
                              account: r.account,
                              accountId: r.accountId,
                              policies: [r.policy],
                              ...r.exemption,
                          },
                      ]
                    : [],
            ),
        ),
    );
    const unjudged = perUser([
        ...checked.flatMap(c =>
            c.records.flatMap((r): UnjudgedUser[] =>
                r.kind === "unjudged"
                    ? [
                          {
                              stack: c.name,
                              user: r.user,
                              urn: r.urn,
                              account: r.account,
                              reason: r.reason ?? "",
                              policies: [r.policy],
                              credentials: [
                                  {
                                      credential: r.credential,
                                      credentialId: r.credentialId,
                                      accessKeyId: r.accessKeyId,
                                      reason: r.reason ?? "",
                                  },
                              ],
                          },
                      ]
                    : [],
            ),
        ),
        // A user whose name is a secret in the export: the pack cannot even say which user it is.
        ...checked.flatMap(c =>
            (c.stack?.secretUserNames ?? []).map((urn): UnjudgedUser => {
                const reason = "its name is a secret in the stack export, which check cannot decrypt";
                return {
                    stack: c.name,
                    user: urn.split("::").pop() ?? urn,
                    urn,
                    account: "",
                    reason,
                    policies: [],
                    credentials: [{ reason }],
                };
            }),
        ),
    ]);
    // Users with no violation and nothing unjudged: what was judged, and why it passed.
    const flagged = new Set([...credentials.map(c => `${c.stack}\n${c.urn}`), ...unjudged.map(u => `${u.stack}\n${u.urn}`)]);
    const passedByUser = new Map<string, PassedUser>();
    for (const c of checked)
        for (const r of c.records) {
            const key = `${c.name}\n${r.urn}`;
            if (r.kind !== "passed" || flagged.has(key)) continue;
            const user = passedByUser.get(key) ?? { stack: c.name, user: r.user, urn: r.urn, account: r.account, credentials: [] };
            user.credentials.push({
                credential: r.credential,
                credentialId: r.credentialId,
                accessKeyId: r.accessKeyId,
                lastUsed: r.lastUsed,
                idleDays: r.idleDays,
                thresholdDays: r.thresholdDays,
                reason: r.reason,
            });
            passedByUser.set(key, user);
        }
    const passed = [...passedByUser.values()].sort((a, b) => `${a.stack}\n${a.user}`.localeCompare(`${b.stack}\n${b.user}`));
    // Once per account and report, however many stacks were checked in it.
    const credentialReports = [
        ...new Map(
            checked.flatMap(c => c.reportNotices).map(({ kind: _kind, ...n }) => [`${n.accountId ?? n.account}\n${n.text}`, n]),
        ).values(),
    ];
    return {
        pack: first?.name ?? "unused-iam-credentials",
        version: first?.version ?? packageVersion(),
        stacks: checked.map(c => ({ name: c.name, resourcesAnalyzed: c.run.results.length })),
        accounts,
        violations,
        credentials,
        exemptions,
        unjudged,
        passed,
        credentialReports,
        summary: {
            mandatory: violations.filter(v => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter(v => v.enforcementLevel === "advisory").length,
            exempt: exemptions.length,
            unjudged: unjudged.length,
            notices: credentials.filter(c => c.kind === "notice").length,
            retiring: credentials.filter(c => c.kind === "retiring").length,
        },
    };
}

/** A type token as the CLI shows it: `aws:iam/user:User` → `aws:iam:User` (the module's last part repeats the type). */
export function displayType(token: string): string {
    const match = /^([^:]+):([^:/]+)\/([^:]+):([^:]+)$/.exec(token);
    return match && match[3].toLowerCase() === match[4].toLowerCase() ? `${match[1]}:${match[2]}:${match[4]}` : token;
}

function ownerText(owner: Owner): string {
    return owner === "unmanaged" ? "unmanaged" : `${owner.stack} ${owner.urn}`;
}

/** Violations grouped by cause: policy, level and message with the user's name left out; in first-seen order. */
function sharedCauses(violations: CheckReport["violations"]): CheckReport["violations"][] {
    const groups = new Map<string, CheckReport["violations"]>();
    for (const v of violations) {
        const cause = `${v.stack}\n${v.policy}\n${v.enforcementLevel}\n${v.message.replace(/IAM user '[^']*'/g, "IAM user '…'")}`;
        groups.set(cause, [...(groups.get(cause) ?? []), v]);
    }
    return [...groups.values()];
}

/** A credential judged and not unused, as the list of what was not flagged says it. */
function passedText(c: PassedUser["credentials"][number]): string {
    const days = (iso: string) => Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
    // Idle for fewer days than its last use is old: it was created (or re-created) since.
    const since = c.lastUsed && days(c.lastUsed) > c.idleDays! + 1 ? ", created since" : "";
    const use = c.lastUsed ? `last used ${c.lastUsed.slice(0, 10)}${since}` : "never used";
    return `${credentialOf(c)} ${use}: idle ${counted(c.idleDays!, "day")}, threshold ${c.thresholdDays}`;
}

/** `1 user`, `2 users`: a count with its noun in the right number. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
    return `${n} ${n === 1 ? singular : plural}`;
}

/** The pack's own version, when no run of it told it (nothing was analyzed). */
function packageVersion(): string {
    const file = path.join(packageRoot(), "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** A credential as its kind names it (`console password`, `access key AKIA…`, `access keys` for all of them). */
function credentialOf(c: { credential?: CredentialKind; credentialId?: string }): string {
    return c.credential ? kindModule(c.credential).nameOf(c.credentialId).text : "credentials";
}

/**
 * The Policies section as a preview prints it, then owners, exemptions and what was not judged. The tick is earned:
 * nothing analyzed, a user not judged or an account not listed is a warning, never ✅.
 */
export function formatPolicies(
    report: CheckReport,
    packLocation: string,
    options: { descriptions: Map<string, string>; severities?: Map<string, string>; notListed: number; listPassed?: boolean },
): string {
    const { descriptions } = options;
    const analyzedCount = report.stacks.reduce((n, s) => n + s.resourcesAnalyzed, 0);
    const incomplete = analyzedCount === 0 || report.summary.unjudged > 0 || options.notListed > 0;
    const icon = report.summary.mandatory > 0 ? "❌" : report.violations.length > 0 || incomplete ? "⚠️" : "✅";
    const lines = ["Policies:", `    ${icon} ${report.pack}@v${report.version} (local: ${packLocation})`];
    const several = report.stacks.length > 1;
    // Findings that share a cause (the same policy and message but for the user's name) are told once, with the
    // resources they concern: 19 users without credentials are one cause, not 19 paragraphs. A preview prints one
    // diagnostic per resource, as the engine asks; check is read by a person.
    for (const group of sharedCauses(report.violations)) {
        const v = group[0];
        const severity = options.severities?.get(v.policy);
        const level = `[${v.enforcementLevel}]${severity ? ` [severity: ${severity}]` : ""}`;
        const where = (x: CheckReport["violations"][number]) => `${several ? `${x.stack}: ` : ""}${displayType(x.type)}: ${x.resource}`;
        lines.push(`        - ${level}  ${v.policy}  (${group.length === 1 ? where(v) : `${counted(group.length, "resource")}`})`);
        const description = descriptions.get(v.policy);
        if (description) lines.push(`          ${description}`);
        lines.push(`          ${v.message}`);
        if (group.length > 1) lines.push(`          The same for ${group.slice(1).map(where).join(", ")}.`);
    }
    const owned = report.credentials.filter(c => c.kind === "unused" || c.kind === "retiring");
    if (owned.length > 0) {
        lines.push("", "Unused credentials and their owners:");
        for (const c of owned) {
            const state = c.kind === "retiring" ? `being retired until ${c.retiringUntil}` : `idle ${c.idleDays} days`;
            lines.push(
                `    - ${c.user} (${c.account}): ${credentialOf(c)}, ${state}: ` +
                    (c.owner === "unmanaged" ? `unmanaged (user: ${ownerText(c.userOwner)})` : `managed by ${ownerText(c.owner)}`),
            );
        }
    }
    if (report.exemptions.length > 0) {
        lines.push("", "Exempt (not judged):");
        for (const e of report.exemptions) {
            const how =
                e.by === "tag"
                    ? `until ${e.until} (${e.daysLeft} days left)${e.reason ? `, reason: "${e.reason}"` : ", no reason given"}`
                    : `by exemptUsers pattern "${e.pattern}"`;
            lines.push(`    - ${e.user}${several ? ` (${e.stack})` : ""}: exempt ${how}`);
        }
    }
    const unavailableNotices = report.credentials.filter(c => c.kind === "notice-unavailable");
    if (unavailableNotices.length > 0) {
        lines.push("", "Notices that could not be computed (the credentials themselves were judged):");
        for (const c of unavailableNotices) lines.push(`    - ${c.user} (${c.account}): ${credentialOf(c)}: ${c.reason}`);
    }
    if (report.unjudged.length > 0) {
        lines.push("", "Not judged (never a pass):");
        // Users not judged for the same reasons are one line: an unreachable account is one cause.
        const byCause = new Map<string, string[]>();
        for (const u of report.unjudged) {
            const reasons = new Set(u.credentials.map(c => c.reason));
            const text =
                reasons.size <= 1
                    ? `${u.credentials.map(credentialOf).join(", ")}: ${u.reason}`
                    : u.credentials.map(c => `${credentialOf(c)}: ${c.reason}`).join("; ");
            byCause.set(text, [...(byCause.get(text) ?? []), `${u.user}${several ? ` (${u.stack})` : ""}`]);
        }
        for (const [text, users] of byCause)
            lines.push(`    - ${users.length === 1 ? users[0] : `${counted(users.length, "user")} (${users.join(", ")})`}: ${text}`);
    }
    if (options.listPassed && report.passed.length > 0) {
        lines.push("", "Judged and not flagged:");
        for (const u of report.passed) {
            const notYet = u.credentials.find(c => c.reason?.startsWith("not in IAM yet"));
            const what = (notYet ? [notYet] : u.credentials).map(c =>
                c.idleDays === undefined ? (c.reason ?? "nothing to judge") : passedText(c),
            );
            lines.push(`    - ${u.user}${several ? ` (${u.stack})` : ""}: ${[...new Set(what)].join("; ")}`);
        }
    }
    if (report.credentialReports.length > 0) {
        lines.push("", "Credential reports set aside (the users concerned were read from the per-user IAM APIs instead):");
        for (const r of report.credentialReports) lines.push(`    - ${r.text.replace(/^unused-iam-credentials: /, "")}`);
    }
    const extras = [
        report.summary.exempt ? counted(report.summary.exempt, "exempt user") : "",
        report.summary.unjudged ? `${counted(report.summary.unjudged, "user")} not judged` : "",
        options.notListed ? `${counted(options.notListed, "account")} not listed` : "",
    ].filter(Boolean);
    lines.push("");
    if (analyzedCount === 0) {
        lines.push(`Nothing was analyzed: no user was judged${extras.map(e => `, ${e}`).join("")}.`);
        return lines.join("\n");
    }
    const { mandatory, advisory } = report.summary;
    lines.push(
        `${counted(analyzedCount, "resource")} analyzed${several ? ` in ${report.stacks.length} runs` : ""}: ${mandatory} mandatory and ` +
            `${advisory} advisory ${mandatory + advisory === 1 ? "violation" : "violations"}${extras.map(e => `, ${e}`).join("")}.`,
    );
    return lines.join("\n");
}
