// `check --deactivate`: fixes what the pack found without fighting the stack that owns it. Credentials the stack
// manages are fixed in code (the change is printed); the others are deactivated (keys) or deleted (passwords, on
// request) after re-reading their live data, only in the account the finding was judged in, and every action is
// written to an audit log.
import * as fs from "node:fs";
import {
    Accounts,
    applyFix,
    CredentialToFix,
    formatUtc,
    kindModule,
    managedUserOf,
    MAX_RETIRING_DAYS,
    recheckCredential,
    DEFAULT_RETIRING_TAG,
} from "../../rules/api";
import { AnalyzedResource } from "../driver/analyzer-client";
import { CheckedStack, credentialOwner } from "./checked-stack";

/** An unused credential fixed out of band: where it was judged, and what to read it with again. */
interface OutOfBand extends CredentialToFix {
    /** The account the finding was judged in: a fix acts there or not at all. */
    accountId: string | null;
    resource?: AnalyzedResource;
    accountRoles: Record<string, string>;
    mandatory: boolean;
}

/** One unused credential the pack reported, and what `check` will do about it. */
export type FixStep =
    | { kind: "code-change"; userName: string; credential: string; resourceUrn: string; change: string; mandatory: boolean }
    | ({ kind: "out-of-band" } & OutOfBand)
    | { kind: "left-alone"; userName: string; credential: string; why: string; mandatory: boolean };

export interface FixOptions {
    deletePasswords: boolean;
}

function lastName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** The retiring tag a policy runs with (its config, defaults applied): the one a code change must carry. */
function retiringTagOf(stack: CheckedStack, policy: string): string {
    const tag = stack.run.config[policy]?.properties.retiringTag;
    return typeof tag === "string" ? tag : DEFAULT_RETIRING_TAG;
}

/** Decides, per unused credential the pack recorded, whether it is fixed in code or out of band. */
export function planFixes(checked: CheckedStack[], options: FixOptions): FixStep[] {
    const steps: FixStep[] = [];
    for (const stack of checked) {
        for (const record of stack.records) {
            if (record.kind !== "unused" || typeof record.thresholdDays !== "number") continue;
            const mandatory = stack.run.config[record.policy]?.enforcementLevel === "mandatory";
            const resource = stack.resources.get(record.urn);
            const owner = credentialOwner(stack, record);
            const userName = record.user;
            const tag = retiringTagOf(stack, record.policy);
            const roles = stack.run.config[record.policy]?.properties.accountRoles;
            const outOfBand = {
                userName,
                thresholdDays: record.thresholdDays,
                accountId: record.accountId,
                resource,
                mandatory,
                accountRoles: roles && typeof roles === "object" ? (roles as Record<string, string>) : {},
            };
            const retiring = (credential: string) =>
                `tag the user "${tag}": "${credential} until <a date within ${MAX_RETIRING_DAYS} days>" in the same change, then pulumi up`;
            const credentialId = record.credentialId;
            if (!record.credential || !credentialId) continue;
            const kind = kindModule(record.credential);
            const credential = kind.nameOf(credentialId).text;
            if (owner !== "unmanaged") {
                const inCode = { urn: owner.urn, isUser: owner.urn === record.urn, name: lastName(owner.urn) };
                steps.push({
                    kind: "code-change",
                    userName,
                    credential,
                    resourceUrn: owner.urn,
                    mandatory,
                    change: kind.fix.inCode(inCode, retiring(credentialId)),
                });
            } else if (kind.fix.byDefault || options.deletePasswords) {
                steps.push({ kind: "out-of-band", ...outOfBand, credential: record.credential, credentialId });
            } else {
                steps.push({ kind: "left-alone", userName, credential, why: kind.fix.askFor ?? "not asked for", mandatory });
            }
        }
    }
    return steps;
}

export interface AuditRecord {
    time: string;
    /** The account acted in (the finding's, verified again); null when it could not be verified (then nothing was done). */
    accountId: string | null;
    /** The account as messages name it: `account 111122223333 (provider prod)`. */
    account: string;
    user: string;
    credential: string;
    lastUsed: string | null;
    idleDays: number | null;
    /** The kind's out-of-band action: `deactivate-access-key`, `delete-login-profile`. */
    action: string;
    /** refused: the account reached now is not the one the finding was judged in. */
    result: "done" | "failed" | "refused" | "skipped" | "dry-run";
    detail: string;
    undo: string | null;
}

/** Acts on one credential: in the finding's account only, after re-reading it. */
export async function fixOutOfBand(
    step: Extract<FixStep, { kind: "out-of-band" }>,
    accounts: Accounts,
    dryRun: boolean,
): Promise<AuditRecord> {
    const user = step.resource ? managedUserOf(step.resource) : undefined;
    const access = await accounts.accessForUser(
        { provider: step.resource?.provider },
        user?.kind === "user" ? user.arn : undefined,
        step.accountRoles,
    );
    const kind = kindModule(step.credential);
    const credential = kind.nameOf(step.credentialId).text;
    const undo = kind.fix.undo(step.userName, step.credentialId);
    const { action, verb } = kind.fix;
    const reached = access.status === "verified" ? access.identity.accountId : null;
    const who = { time: new Date().toISOString(), accountId: reached, account: access.label, user: step.userName, credential, action };
    const untouched = { lastUsed: null, idleDays: null, undo: null };
    // Never act on an account that was not verified, nor on another account than the one the finding was judged in.
    const judged = step.accountId === null ? "an account that was not verified" : `account ${step.accountId}`;
    if (access.status !== "verified") {
        return {
            ...who,
            ...untouched,
            result: "refused",
            detail: `not changed: the finding was judged in ${judged}, which cannot be reached now: ${access.failure.reason}`,
        };
    }
    if (step.accountId === null || reached !== step.accountId) {
        return {
            ...who,
            ...untouched,
            result: "refused",
            detail: `not changed: the finding was judged in ${judged}, but ${access.readWith} now reaches account ${reached}`,
        };
    }
    const recheck = await recheckCredential(access, step);
    const assessment = recheck.status === "unreadable" ? undefined : recheck.assessment;
    const base = {
        ...who,
        lastUsed: assessment?.lastUsed ? assessment.lastUsed.date.toISOString() : null,
        idleDays: assessment?.idleDays ?? null,
    };
    if (recheck.status === "unreadable") return { ...base, result: "failed", detail: `could not re-read: ${recheck.reason}`, undo: null };
    if (recheck.status === "resolved") return { ...base, result: "skipped", detail: recheck.why, undo: null };
    const lastUse = assessment?.lastUsed ? `last used ${formatUtc(assessment.lastUsed.date)}` : "never used";
    if (dryRun)
        return {
            ...base,
            result: "dry-run",
            detail: `would ${verb} (${lastUse}, idle ${base.idleDays} days)`,
            undo,
        };
    const failure = await applyFix(access, step);
    if (failure) return { ...base, result: "failed", detail: failure.reason, undo: null };
    return { ...base, result: "done", detail: `${verb}d (${lastUse}, idle ${base.idleDays} days)`, undo };
}

export interface FixOutcome {
    lines: string[];
    records: AuditRecord[];
    failed: number;
    codeChanges: number;
    /** Mandatory findings this run did not resolve: code changes, passwords left alone, failures, a dry run. */
    mandatoryLeft: number;
}

/** Carries out the plan, one credential at a time, through the accounts the findings were judged with; a failure is recorded and the others go on. */
export async function runFixes(steps: FixStep[], accounts: Accounts, options: { dryRun: boolean; auditLog?: string }): Promise<FixOutcome> {
    const lines: string[] = [];
    const records: AuditRecord[] = [];
    let mandatoryLeft = 0;
    for (const step of steps) {
        if (step.kind === "code-change" || step.kind === "left-alone") mandatoryLeft += step.mandatory ? 1 : 0;
        if (step.kind === "code-change") {
            lines.push(`  fix in code   ${step.userName}: ${step.credential} is managed by ${step.resourceUrn}: ${step.change}`);
            continue;
        }
        if (step.kind === "left-alone") {
            lines.push(`  left alone    ${step.userName}: ${step.credential}: ${step.why}`);
            continue;
        }
        const record = await fixOutOfBand(step, accounts, options.dryRun);
        records.push(record);
        // Skipped means IAM shows it resolved (used since, inactive, gone); anything else leaves it in place.
        if (step.mandatory && record.result !== "done" && record.result !== "skipped") mandatoryLeft++;
        if (options.auditLog && !options.dryRun) fs.appendFileSync(options.auditLog, `${JSON.stringify(record)}\n`);
        const label = { done: "done", failed: "FAILED", refused: "REFUSED", skipped: "skipped", "dry-run": "would do" }[record.result];
        lines.push(
            `  ${label.padEnd(13)} ${record.user}: ${record.credential}: ${record.detail}` +
                (record.undo && record.result === "done" ? `; undo: ${record.undo}` : ""),
        );
    }
    return {
        lines,
        records,
        failed: records.filter(r => r.result === "failed" || r.result === "refused").length,
        codeChanges: steps.filter(s => s.kind === "code-change").length,
        mandatoryLeft,
    };
}
