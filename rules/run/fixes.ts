// Fixing a finding out of band, for `check --deactivate`: re-read the credential right before acting (the finding
// may be minutes old), then deactivate the key or delete the login profile, only in the account the finding was
// judged in. I/O through the account's requester (its caps and deadline).
import { CredentialKind, doubtCovers, Failure } from "../model/credentials";
import { IamCallError } from "../iam/iam-requester";
import { describeIamError } from "../iam/iam-errors";
import { readUserUsage } from "../reading/per-user-reader";
import { VerifiedAccess } from "../accounts/accounts";
import { kindModule } from "../kinds/kinds";
import { Assessment, assessCredential } from "../verdict/verdict";

/** One credential to fix: the user's password, or one of its keys, unused at `thresholdDays`. */
export interface CredentialToFix {
    userName: string;
    credential: CredentialKind;
    /** `password`, or the key's ID. */
    credentialId: string;
    thresholdDays: number;
}

export type Recheck =
    | { status: "still-unused"; assessment: Assessment }
    | { status: "resolved"; why: string; assessment?: Assessment }
    | ({ status: "unreadable" } & Failure);

/** The credential's live state now: still there and unused, resolved since the finding, or unreadable. */
export async function recheckCredential(access: VerifiedAccess, fix: CredentialToFix): Promise<Recheck> {
    const kind = kindModule(fix.credential);
    const usage = await readUserUsage(access.iam, fix.userName);
    if (usage.status === "unavailable") return { ...usage, status: "unreadable" };
    if (usage.status !== "found") return { status: "resolved", why: "the user no longer exists" };
    const doubt = usage.facts.doubts.find(d => doubtCovers(d, fix.credential, fix.credentialId));
    if (doubt) return { ...doubt, status: "unreadable" };
    const usable = kind.usable(usage.facts).find(c => c.credentialId === fix.credentialId);
    if (!usable) return { status: "resolved", why: kind.goneReason(usage.facts, fix.credentialId) };
    const assessment = assessCredential(fix.credential, fix.userName, usable, fix.thresholdDays, new Date());
    if (assessment.unused) return { status: "still-unused", assessment };
    return {
        status: "resolved",
        assessment,
        why: `used since the finding: idle ${assessment.idleDays} days now, threshold ${fix.thresholdDays}`,
    };
}

/** Carries out the kind's out-of-band fix (a key deactivated, never deleted; a login profile deleted); undefined when done, else why not. */
export async function applyFix(access: VerifiedAccess, fix: CredentialToFix): Promise<Failure | undefined> {
    try {
        await kindModule(fix.credential).fix.apply(access.iam, fix.userName, fix.credentialId);
        return undefined;
    } catch (error) {
        return error instanceof IamCallError
            ? describeIamError(error.cause, error.action, access.iam.timeoutSeconds)
            : { reason: String(error) };
    }
}
