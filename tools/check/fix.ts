// `check --deactivate`: fixes what the pack found without fighting the stack that owns it. Credentials the
// stack manages are fixed in code (the change is printed); the others are deactivated (keys) or deleted
// (passwords, on request) after re-reading their live data, and every action is written to an audit log.
import { DeleteLoginProfileCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import * as fs from "node:fs";
import { Accounts } from "../../rules/accounts/accounts";
import { ProviderLike } from "../../rules/accounts/provider-settings";
import { describeIamError } from "../../rules/iam/iam-errors";
import { IamCallError, IamRequester } from "../../rules/iam/iam-requester";
import { formatUtc } from "../../rules/verdict/message";
import { readUserUsage } from "../../rules/iam/per-user-reader";
import { settingsFrom } from "../../rules/config/settings";
import { Assessment, assessAccessKey, assessPassword } from "../../rules/verdict/verdict";
import { CheckedStack, credentialOwner } from "./checked-stack";

/** One unused credential the pack reported, and what `check` will do about it. */
export type FixStep =
    | { kind: "code-change"; userName: string; credential: string; resourceUrn: string; change: string; mandatory: boolean }
    | { kind: "deactivate-key"; userName: string; accessKeyId: string; provider?: ProviderLike; thresholdDays: number; mandatory: boolean }
    | { kind: "delete-login-profile"; userName: string; provider?: ProviderLike; thresholdDays: number; mandatory: boolean }
    | { kind: "left-alone"; userName: string; credential: string; why: string; mandatory: boolean };

export interface FixOptions {
    deletePasswords: boolean;
}

function lastName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** Decides, per unused credential the pack recorded, whether it is fixed in code or out of band. */
export function planFixes(checked: CheckedStack[], options: FixOptions): FixStep[] {
    const steps: FixStep[] = [];
    for (const stack of checked) {
        for (const record of stack.records) {
            if (record.kind !== "unused" || typeof record.thresholdDays !== "number") continue;
            const mandatory = stack.run.config[record.policy]?.enforcementLevel === "mandatory";
            const provider = stack.resources.get(record.urn)?.provider;
            const owner = credentialOwner(stack, record);
            const thresholdDays = record.thresholdDays;
            const userName = record.user;
            if (record.credential === "access-key" && record.accessKeyId) {
                const accessKeyId = record.accessKeyId;
                steps.push(owner !== "unmanaged"
                    ? { kind: "code-change", userName, credential: `access key ${accessKeyId}`, resourceUrn: owner.urn, mandatory,
                        change: `set status: "Inactive" on aws.iam.AccessKey "${lastName(owner.urn)}" (or remove the resource) and tag the user ` +
                            `"unused-credentials:retiring": "${accessKeyId} until <a date within 14 days>" in the same change, then pulumi up` }
                    : { kind: "deactivate-key", userName, accessKeyId, provider, thresholdDays, mandatory });
            } else if (record.credential === "password") {
                if (owner !== "unmanaged") {
                    const what = owner.urn === record.urn ? `remove loginProfile from aws-native:iam:User "${lastName(owner.urn)}"` : `remove the aws.iam.UserLoginProfile "${lastName(owner.urn)}"`;
                    const change = `${what} and tag the user "unused-credentials:retiring": "password until <a date within 14 days>" in the same change, then pulumi up`;
                    steps.push({ kind: "code-change", userName, credential: "console password", resourceUrn: owner.urn, change, mandatory });
                } else if (options.deletePasswords) {
                    steps.push({ kind: "delete-login-profile", userName, provider, thresholdDays, mandatory });
                } else {
                    steps.push({ kind: "left-alone", userName, credential: "console password", why: "pass --delete-unused-passwords to delete unused login profiles", mandatory });
                }
            }
        }
    }
    return steps;
}

export interface AuditRecord {
    time: string;
    /** The verified account ID; null when it could not be verified (then nothing was done). */
    accountId: string | null;
    /** The account as messages name it: `account 111122223333 (provider prod)`. */
    account: string;
    user: string;
    credential: string;
    lastUsed: string | null;
    idleDays: number | null;
    action: "deactivate-access-key" | "delete-login-profile";
    result: "done" | "failed" | "skipped" | "dry-run";
    detail: string;
    undo: string | null;
}

/** Re-reads the credential right before acting: the finding may be minutes old. */
async function stillUnused(iam: IamRequester, step: Extract<FixStep, { kind: "deactivate-key" | "delete-login-profile" }>): Promise<{ assessment?: Assessment; skip?: string; error?: string }> {
    const usage = await readUserUsage(iam, step.userName);
    if (usage.status === "unavailable") return { error: usage.reason };
    if (usage.status !== "found") return { skip: "the user no longer exists" };
    const now = new Date();
    let assessment: Assessment | undefined;
    if (step.kind === "deactivate-key") {
        const key = usage.facts.accessKeys.find(k => k.accessKeyId === step.accessKeyId);
        if (!key) return { skip: "the key no longer exists" };
        if (key.status !== "Active") return { skip: "the key is already inactive" };
        assessment = assessAccessKey(step.userName, key, step.thresholdDays, now);
    } else {
        assessment = assessPassword(usage.facts, step.thresholdDays, now);
        if (!assessment) return { skip: "the user no longer has a console password" };
    }
    if (!assessment || assessment.unused) return { assessment };
    return { assessment, skip: `used since the finding: idle ${assessment.idleDays} days now, threshold ${step.thresholdDays}` };
}

export async function applyFix(
    step: Extract<FixStep, { kind: "deactivate-key" | "delete-login-profile" }>,
    sources: Accounts,
    dryRun: boolean,
): Promise<{ record: AuditRecord }> {
    const source = await sources.accessFor(step.provider);
    const key = step.kind === "deactivate-key";
    const credential = key ? `access key ${step.accessKeyId}` : "console password";
    const undo = key
        ? `aws iam update-access-key --user-name ${step.userName} --access-key-id ${step.accessKeyId} --status Active`
        : `aws iam create-login-profile --user-name ${step.userName} --password-reset-required --password <new password>`;
    const who = { time: new Date().toISOString(), accountId: source.identity?.accountId ?? null, account: source.label, user: step.userName, credential };
    const action = key ? ("deactivate-access-key" as const) : ("delete-login-profile" as const);
    // Never act on an account that was not verified to be the one the provider must reach.
    if (!source.iam || !source.identity) {
        return { record: { ...who, lastUsed: null, idleDays: null, action, result: "failed", detail: `not changed: ${source.unverified ?? "the account was not verified"}`, undo: null } };
    }
    const iam = source.iam;
    const check = await stillUnused(iam, step);
    const base = {
        ...who,
        lastUsed: check.assessment?.lastUsed ? check.assessment.lastUsed.date.toISOString() : null,
        idleDays: check.assessment?.idleDays ?? null,
        action,
    };
    if (check.error) return { record: { ...base, result: "failed", detail: `could not re-read: ${check.error}`, undo: null } };
    if (check.skip) return { record: { ...base, result: "skipped", detail: check.skip, undo: null } };
    const lastUse = check.assessment?.lastUsed ? `last used ${formatUtc(check.assessment.lastUsed.date)}` : "never used";
    if (dryRun) return { record: { ...base, result: "dry-run", detail: `would ${key ? "deactivate" : "delete"} (${lastUse}, idle ${base.idleDays} days)`, undo } };
    try {
        if (key) {
            await iam.call("UpdateAccessKey", (c, abortSignal) =>
                c.send(new UpdateAccessKeyCommand({ UserName: step.userName, AccessKeyId: step.accessKeyId, Status: "Inactive" }), { abortSignal }));
        } else {
            await iam.call("DeleteLoginProfile", (c, abortSignal) => c.send(new DeleteLoginProfileCommand({ UserName: step.userName }), { abortSignal }));
        }
        return { record: { ...base, result: "done", detail: `${key ? "deactivated" : "deleted"} (${lastUse}, idle ${base.idleDays} days)`, undo } };
    } catch (error) {
        const reason = error instanceof IamCallError ? describeIamError(error.cause, error.action, iam.timeoutSeconds).reason : String(error);
        return { record: { ...base, result: "failed", detail: reason, undo: null } };
    }
}

export interface FixOutcome {
    lines: string[];
    records: AuditRecord[];
    failed: number;
    codeChanges: number;
    /** Mandatory findings this run did not resolve: code changes, passwords left alone, failures, a dry run. */
    mandatoryLeft: number;
}

/** Carries out the plan, one credential at a time; a failure is recorded and the others go on. */
export async function runFixes(steps: FixStep[], dryRun: boolean, auditLog: string | undefined): Promise<FixOutcome> {
    const sources = new Accounts(settingsFrom(process.env));
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
        const { record } = await applyFix(step, sources, dryRun);
        records.push(record);
        // Skipped means IAM shows it resolved (used since, inactive, gone); anything else leaves it in place.
        if (step.mandatory && record.result !== "done" && record.result !== "skipped") mandatoryLeft++;
        if (auditLog && !dryRun) fs.appendFileSync(auditLog, `${JSON.stringify(record)}\n`);
        const label = { done: "done", failed: "FAILED", skipped: "skipped", "dry-run": "would do" }[record.result];
        lines.push(`  ${label.padEnd(13)} ${record.user}: ${record.credential}: ${record.detail}${record.undo && record.result === "done" ? `; undo: ${record.undo}` : ""}`);
    }
    return {
        lines,
        records,
        failed: records.filter(r => r.result === "failed").length,
        codeChanges: steps.filter(s => s.kind === "code-change").length,
        mandatoryLeft,
    };
}
