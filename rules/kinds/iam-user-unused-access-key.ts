// Access keys: how they are listed and their last use read, which of them the credential report proves fresh, which
// can be used (active ones), how they are named and told, and how they are fixed (deactivated, never deleted).
//
// Doubt is as narrow as what it touches: an answer that cannot be trusted about one key makes that key unknown,
// naming it; a listing that cannot be trusted makes the user's keys unknown. "No such user" only when the listing
// says so (ListAccessKeys → NoSuchEntity).
import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import type { AccessKeyFacts, LastUse, Unjudged } from "../model/credentials";
import { ACCESS_KEY_TRACKING_START, MAX_ACCESS_KEYS, MAX_RETIRING_DAYS } from "../model/limits";
import { DEFAULT_RETIRING_TAG, unusedCredentialConfigSchema } from "../config/policy-config";
import { ReportKeySlot, ReportRow, within } from "../iam/credential-report";
import {
    accessKeyId,
    accessKeyStatus,
    modelRequired,
    optionalDate,
    requiredDate,
    requiredObject,
    sameUser,
    UntrustedAnswer,
} from "../iam/iam-answer-checks";
import { doubtOrReRead, failureOf, noSuchEntity, Read, secondRound } from "../iam/read-steps";
import { FixText, formatUtc, NATIVE_USER, neverUsed } from "../verdict/message";
import type { Assessment } from "../verdict/verdict";
import type { CredentialKindModule, KindRead } from "./kind";

/** A user has at most two keys; one more page than that is the most an honest listing can take. */
const MAX_KEY_PAGES = MAX_ACCESS_KEYS + 1;

/** What a live read of the keys may skip: the key slots the credential report proves fresh. */
export interface AccessKeyScope {
    /** An active key created when one of these slots was is not read live: the report's last use stands for it. */
    freshKeySlots?: readonly ReportKeySlot[];
}

/** Whether the report proves one key slot fresh at `days`: used (or, inactive, created) within them. */
function slotFresh(key: ReportKeySlot, days: number, now: Date): boolean {
    // An inactive key may have been re-activated since the report: it too must be fresh to skip confirmation.
    return within(key.lastUsed ?? (key.active ? undefined : key.lastRotated), days, now);
}

/**
 * The key slots of a row the report proves fresh at `days`, for a confirmation that reads live only the keys
 * the report cannot clear. None for a doubtful row.
 */
export function keySlotsProvenFresh(row: ReportRow, days: number, now: Date): ReportKeySlot[] {
    if (row.doubt) return [];
    // Slots map to keys by creation time to the second: a slot that shares it with the other slot cannot be told
    // apart from it, so it proves nothing about either key (two keys created in the same second).
    const alone = (key: ReportKeySlot) =>
        row.keys.every(other => other === key || Math.abs(other.lastRotated.getTime() - key.lastRotated.getTime()) >= 1000);
    return row.keys.filter(key => alone(key) && slotFresh(key, days, now));
}

/** The report's slot for a listed key: same creation to the second, and only one such slot (else: read live). */
function reportSlotOf(key: AccessKeyFacts, slots: readonly ReportKeySlot[] | undefined): ReportKeySlot | undefined {
    const matching = (slots ?? []).filter(slot => Math.abs(slot.lastRotated.getTime() - key.createDate.getTime()) < 1000);
    return matching.length === 1 ? matching[0] : undefined;
}

// IAM writes "N/A" where it has no service or region for a key's last use.
function known(value: string | undefined): string | undefined {
    return value && value !== "N/A" ? value : undefined;
}

/** The keys of one listing: those whose facts can be trusted, and those named but doubtful. */
interface Listing {
    keys: AccessKeyFacts[];
    doubts: Unjudged[];
}

async function listAccessKeys(read: Read): Promise<Listing> {
    const { iam, userName, now, signal } = read;
    const action = "iam:ListAccessKeys";
    const listing: Listing = { keys: [], doubts: [] };
    const ids: string[] = [];
    const markers = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
        if (++pages > MAX_KEY_PAGES)
            throw new UntrustedAnswer(
                action,
                `more than ${MAX_KEY_PAGES} pages for one user, who can hold at most ${MAX_ACCESS_KEYS} keys`,
            );
        const page = await iam.call(
            "ListAccessKeys",
            (c, abortSignal) => c.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }), { abortSignal }),
            signal,
        );
        if (!Array.isArray(page.AccessKeyMetadata)) throw new UntrustedAnswer(action, "without AccessKeyMetadata");
        for (const k of page.AccessKeyMetadata) {
            // A key that cannot be named, or that is another user's, casts doubt on the listing as a whole.
            const id = accessKeyId(k.AccessKeyId, action);
            sameUser(k.UserName, userName, action);
            ids.push(id);
            const doubt = (error: unknown): Unjudged => ({
                credential: "access-key",
                credentialId: id,
                ...failureOf(error, iam.timeoutSeconds),
            });
            let status: AccessKeyFacts["status"];
            try {
                status = accessKeyStatus(k.Status, id, action);
            } catch (error) {
                listing.doubts.push(doubt(error)); // neither Active nor Inactive: whether it can be used is unknown
                continue;
            }
            try {
                listing.keys.push({
                    accessKeyId: id,
                    status,
                    createDate: requiredDate(k.CreateDate, `CreateDate of key ${id}`, action, now),
                });
            } catch (error) {
                // An inactive key cannot be used, whatever its dates say: only an active one is left unknown.
                if (status === "Active") listing.doubts.push(doubt(error));
            }
        }
        // IsTruncated is optional in IAM's API model, false when absent (as ListUsers reads it); a Marker beside a
        // missing IsTruncated says there may be more, so it is doubt rather than a default.
        if (page.IsTruncated == null && page.Marker) throw new UntrustedAnswer(action, "a Marker without IsTruncated");
        marker = undefined;
        if (page.IsTruncated === true) {
            if (!page.Marker) throw new UntrustedAnswer(action, "a truncated page without a Marker");
            if (markers.has(page.Marker)) throw new UntrustedAnswer(action, "the same Marker twice");
            markers.add(page.Marker);
            marker = page.Marker;
        }
    } while (marker);
    if (ids.length > MAX_ACCESS_KEYS)
        throw new UntrustedAnswer(action, `${ids.length} keys for one user; IAM holds at most ${MAX_ACCESS_KEYS}`);
    if (new Set(ids).size !== ids.length) throw new UntrustedAnswer(action, "the same key twice");
    return listing;
}

async function lastUseOfKey(read: Read, key: AccessKeyFacts): Promise<LastUse | undefined> {
    const { iam, userName, now, signal } = read;
    const action = "iam:GetAccessKeyLastUsed";
    const out = await secondRound(action, () =>
        iam.call(
            "GetAccessKeyLastUsed",
            (c, abortSignal) => c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }), { abortSignal }),
            signal,
        ),
    );
    sameUser(out.UserName, userName, action);
    const used = requiredObject(out.AccessKeyLastUsed, `AccessKeyLastUsed for key ${key.accessKeyId}`, action);
    modelRequired(used, ["ServiceName", "Region"], `AccessKeyLastUsed for key ${key.accessKeyId}`, action);
    const date = optionalDate(used.LastUsedDate, `LastUsedDate of key ${key.accessKeyId}`, action, now);
    if (!date) return undefined; // never used, or not since tracking began
    return { date, serviceName: known(used.ServiceName), region: known(used.Region) };
}

/** The listing, then each active key's last use (unless the report proves its slot fresh). */
async function read(read: Read, scope: AccessKeyScope): Promise<KindRead> {
    let listing: Listing;
    try {
        listing = await listAccessKeys(read);
    } catch (error) {
        if (noSuchEntity(error)) return { status: "no-such-user" };
        return { status: "read", facts: {}, doubts: [doubtOrReRead(read, error, "access-key")] };
    }
    const doubts = [...listing.doubts];
    const keys = await Promise.all(
        listing.keys.map(async (key): Promise<AccessKeyFacts | undefined> => {
            if (key.status !== "Active") return key;
            // A key the report proves fresh takes the report's last use: older than the live one, and fresh all the same.
            const slot = reportSlotOf(key, scope.freshKeySlots);
            if (slot) return { ...key, lastUsed: slot.lastUsed && { date: slot.lastUsed } };
            try {
                return { ...key, lastUsed: await lastUseOfKey(read, key) };
            } catch (error) {
                doubts.push(doubtOrReRead(read, error, "access-key", key.accessKeyId));
                return undefined;
            }
        }),
    );
    return { status: "read", facts: { accessKeys: keys.filter((k): k is AccessKeyFacts => k !== undefined) }, doubts };
}

function lastUseText(finding: Assessment): string {
    const used = finding.lastUsed;
    if (!used) return neverUsed(finding.createDate, ACCESS_KEY_TRACKING_START);
    const where = [used.serviceName && `service ${used.serviceName}`, used.region && `region ${used.region}`].filter(Boolean).join(", ");
    // IAM sometimes records a last use before the key's creation; the verdict then counts idle time from creation.
    const beforeCreation =
        used.date < finding.createDate
            ? `; IAM records that use before the key's creation ${formatUtc(finding.createDate)}, so idle time counts from creation`
            : "";
    return `last used ${formatUtc(used.date)}${where ? ` (${where})` : ""}${beforeCreation}`;
}

function fixText(finding: Assessment, resourceType: string | undefined): FixText {
    return {
        // aws-native has no access key resource: a managed key is an aws.iam.AccessKey even beside an aws-native user.
        inCode:
            resourceType === NATIVE_USER
                ? "If an aws.iam.AccessKey manages it (aws-native has no access key resource), " +
                  'set status "Inactive" on it (or remove it) and add the retiring tag to the aws-native.iam.User'
                : `Fix in code: set status "Inactive" on its aws.iam.AccessKey (or remove that resource)`,
        outOfBand:
            `A key the stack does not manage: ${ACCESS_KEY.fix.command(finding.userName, finding.credentialId)}. ` +
            "Delete the key once nothing breaks",
    };
}

export const ACCESS_KEY: CredentialKindModule<"access-key", AccessKeyScope> = {
    kind: "access-key",
    nameOf: id => (id ? { text: `access key ${id}`, plural: false } : { text: "access keys", plural: true }),
    violationName: id => `active access key ${id}`,
    idField: "accessKeyId",
    iamActions: ["iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"],
    policy: {
        name: "iam-user-unused-access-key",
        enforcementLevel: "mandatory",
        severity: "high",
        displayName: "Unused IAM user access key",
        description: "Active access keys of managed IAM users must have been used within maxUnusedDays days.",
        remediationSteps:
            'Confirm nobody needs the key, then deactivate it. In code: set `status: "Inactive"` on its aws.iam.AccessKey resource ' +
            `and, in the same change, tag the user \`${DEFAULT_RETIRING_TAG}\` = \`<key ID> until <date within ${MAX_RETIRING_DAYS} days>\` so that the ` +
            "deployment that deactivates the key is not blocked by it. For keys the stack does not manage: " +
            "`aws iam update-access-key --status Inactive`. Delete the key once nothing has broken.",
        configSchema: unusedCredentialConfigSchema("access key"),
    },

    read,
    scopeKey: scope =>
        `k${(scope.freshKeySlots ?? [])
            .map(k => k.lastRotated.getTime())
            .sort()
            .join(",")}`,
    scopeFromReport: (row, days, now) => ({
        freshKeySlots: row && days !== undefined ? keySlotsProvenFresh(row, days, now) : undefined,
    }),
    provenFreshByReport: (row, report, days, now) =>
        // Keys created since the report are not proven fresh.
        within(report.generated, days, now) && row.keys.every(key => slotFresh(key, days, now)),

    // Inactive keys cannot be used.
    usable: facts =>
        facts.accessKeys
            .filter(key => key.status === "Active")
            .map(key => ({ credentialId: key.accessKeyId, createDate: key.createDate, lastUsed: key.lastUsed })),
    noneReason: facts => {
        const inactive = facts.accessKeys.filter(k => k.status !== "Active").length;
        return inactive ? `no active access key (${inactive} inactive, which cannot be used)` : "no access key";
    },
    goneReason: (facts, id) =>
        facts.accessKeys.some(k => k.accessKeyId === id) ? "the key is already inactive" : "the key no longer exists",

    lastUseText,
    fixText,
    fix: {
        action: "deactivate-access-key",
        verb: "deactivate",
        byDefault: true,
        command: (userName, id) => `aws iam update-access-key --user-name ${userName} --access-key-id ${id} --status Inactive`,
        undo: (userName, id) => `aws iam update-access-key --user-name ${userName} --access-key-id ${id} --status Active`,
        apply: async (iam, userName, id) => {
            await iam.call("UpdateAccessKey", (c, abortSignal) =>
                c.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: id, Status: "Inactive" }), { abortSignal }),
            );
        },
        inCode: (owner, retiring) => `set status: "Inactive" on aws.iam.AccessKey "${owner.name}" (or remove the resource) and ${retiring}`,
    },
    // aws-native has no access key resource: a managed key is an aws.iam.AccessKey, its ID the resource's id.
    managedKey: r => (r.type === "aws:iam/accessKey:AccessKey" && typeof r.outputs.id === "string" ? `key\n${r.outputs.id}` : undefined),
    ownerKey: finding => `key\n${finding.credentialId}`,
};
