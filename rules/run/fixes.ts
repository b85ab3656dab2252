// Fixing a finding out of band, for `check --deactivate`: re-read the credential right before acting (the finding
// may be minutes old), then deactivate the key or delete the login profile, only in the account the finding was
// judged in. I/O through the account's requester (its caps and deadline).
import { DeleteLoginProfileCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import type { CredentialKind, Failure } from "../model/credentials";
import { IamCallError } from "../iam/iam-requester";
import { describeIamError } from "../iam/iam-errors";
import { readUserUsage } from "../iam/per-user-reader";
import { VerifiedAccess } from "../accounts/accounts";
import { Assessment, assessAccessKey, assessPassword } from "../verdict/verdict";

/** One credential to fix: the user's password, or one of its keys, unused at `thresholdDays`. */
export interface CredentialToFix {
    userName: string;
    credential: CredentialKind;
    accessKeyId?: string;
    thresholdDays: number;
}

export type Recheck =
    | { status: "still-unused"; assessment: Assessment }
    | { status: "resolved"; why: string; assessment?: Assessment }
    | ({ status: "unreadable" } & Failure);

/** The credential's live state now: still active and unused, resolved since the finding, or unreadable. */
export async function recheckCredential(access: VerifiedAccess, fix: CredentialToFix): Promise<Recheck> {
    const usage = await readUserUsage(access.iam, fix.userName);
    if (usage.status === "unavailable") return { ...usage, status: "unreadable" };
    if (usage.status !== "found") return { status: "resolved", why: "the user no longer exists" };
    const doubt = usage.facts.doubts.find(
        d => d.credential === fix.credential && (d.accessKeyId === undefined || d.accessKeyId === fix.accessKeyId),
    );
    if (doubt) return { ...doubt, status: "unreadable" };
    const now = new Date();
    let assessment: Assessment | undefined;
    if (fix.credential === "access-key") {
        const key = usage.facts.accessKeys.find(k => k.accessKeyId === fix.accessKeyId);
        if (!key) return { status: "resolved", why: "the key no longer exists" };
        if (key.status !== "Active") return { status: "resolved", why: "the key is already inactive" };
        assessment = assessAccessKey(fix.userName, key, fix.thresholdDays, now)!;
    } else {
        assessment = assessPassword(usage.facts, fix.thresholdDays, now);
        if (!assessment) return { status: "resolved", why: "the user no longer has a console password" };
    }
    if (assessment.unused) return { status: "still-unused", assessment };
    return {
        status: "resolved",
        assessment,
        why: `used since the finding: idle ${assessment.idleDays} days now, threshold ${fix.thresholdDays}`,
    };
}

/** Deactivates the key (never deletes it) or deletes the login profile; undefined when done, else why not. */
export async function applyFix(access: VerifiedAccess, fix: CredentialToFix): Promise<Failure | undefined> {
    try {
        if (fix.credential === "access-key") {
            await access.iam.call("UpdateAccessKey", (c, abortSignal) =>
                c.send(new UpdateAccessKeyCommand({ UserName: fix.userName, AccessKeyId: fix.accessKeyId, Status: "Inactive" }), {
                    abortSignal,
                }),
            );
        } else {
            await access.iam.call("DeleteLoginProfile", (c, abortSignal) =>
                c.send(new DeleteLoginProfileCommand({ UserName: fix.userName }), { abortSignal }),
            );
        }
        return undefined;
    } catch (error) {
        return error instanceof IamCallError
            ? describeIamError(error.cause, error.action, access.iam.timeoutSeconds)
            : { reason: String(error) };
    }
}
