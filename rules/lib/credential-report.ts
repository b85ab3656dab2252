// The credential report: parsing (a real CSV parser: IAM user names may contain commas) and the pure
// screening rule. Last use only moves forward, so a credential that is fresh in a report is fresh now;
// one that looks stale, never used, or could have changed since the report must be confirmed live.
import { parse } from "csv-parse/sync";
import { MS_PER_DAY } from "./verdict";

export interface ReportKeySlot {
    slot: 1 | 2;
    active: boolean;
    /** The key's CreateDate: how a slot maps to a key ID (ListAccessKeys). */
    lastRotated: Date;
    lastUsed?: Date;
}

export interface ReportRow {
    userName: string;
    passwordEnabled: boolean;
    /** Undefined for `no_information` (never used, or not since tracking began) and `N/A`. */
    passwordLastUsed?: Date;
    keys: ReportKeySlot[];
}

export interface CredentialReport {
    generated: Date;
    /** From the report's ARNs. */
    accountId?: string;
    /** By lower-cased user name: IAM user names are unique case-insensitively. */
    rows: Map<string, ReportRow>;
}

/** What the caller will judge, with its threshold; only these credentials need to be proven fresh. */
export interface Need {
    passwordDays?: number;
    accessKeyDays?: number;
}

function reportDate(value: string | undefined): Date | undefined {
    if (!value || value === "N/A" || value === "no_information" || value === "not_supported") return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseCredentialReport(csv: string, generated: Date): CredentialReport {
    const records = parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
    const rows = new Map<string, ReportRow>();
    let accountId: string | undefined;
    for (const r of records) {
        accountId ??= /^arn:aws[\w-]*:iam::(\d{12}):/.exec(r.arn ?? "")?.[1];
        if (r.user === "<root_account>") continue; // the root account is not a managed user
        const keys: ReportKeySlot[] = [];
        for (const slot of [1, 2] as const) {
            const lastRotated = reportDate(r[`access_key_${slot}_last_rotated`]);
            if (!lastRotated) continue; // no key in this slot
            keys.push({ slot, active: r[`access_key_${slot}_active`] === "true", lastRotated, lastUsed: reportDate(r[`access_key_${slot}_last_used_date`]) });
        }
        rows.set(r.user.toLowerCase(), {
            userName: r.user,
            passwordEnabled: r.password_enabled === "true",
            passwordLastUsed: reportDate(r.password_last_used),
            keys,
        });
    }
    return { generated, accountId, rows };
}

const within = (since: Date | undefined, days: number, now: Date) => since !== undefined && now.getTime() - since.getTime() < days * MS_PER_DAY;

/**
 * True when the report proves that no credential the caller judges can be unused now, so no live call is
 * needed. Anything created or re-enabled since the report is younger than the report itself.
 */
export function provenFreshByReport(row: ReportRow, report: CredentialReport, need: Need, now: Date): boolean {
    if (need.passwordDays !== undefined) {
        const days = need.passwordDays;
        // No password in the report: any password now was created after the report, so is younger than it.
        const passwordFresh = row.passwordEnabled ? within(row.passwordLastUsed, days, now) : within(report.generated, days, now);
        if (!passwordFresh) return false;
    }
    if (need.accessKeyDays !== undefined) {
        const days = need.accessKeyDays;
        if (!within(report.generated, days, now)) return false; // keys created since the report are not proven fresh
        for (const key of row.keys) {
            // An inactive key may have been re-activated since the report: it too must be fresh to skip confirmation.
            const idleSince = key.lastUsed ?? (key.active ? undefined : key.lastRotated);
            if (!within(idleSince, days, now)) return false;
        }
    }
    return true;
}
