// The credential report: parsing (a real CSV parser: IAM user names may contain commas), validation, and
// the pure screening rule. The report is an optimisation that can never change a verdict: last use only
// moves forward, so a credential that is fresh in a report is fresh now; one that looks stale, never used,
// could have changed since the report, or sits in a doubtful row must be confirmed live. A report that
// fails validation as a whole is not used at all. Pure: no I/O.
import { parse } from "csv-parse/sync";
import { dateProblem } from "./iam-answer-checks";
import { MS_PER_DAY } from "../model/credentials";
import { CLOCK_SKEW_MS, EARLIEST_IAM_DATE } from "../model/limits";
import { accountOfArn } from "../model/arn";

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
    /** Why this row cannot be trusted (the user is then confirmed live), if it cannot. */
    doubt?: string;
    /** The kind of that doubt, to count rows set aside by cause (one line per account). */
    doubtKind?: RowDoubtKind;
}

/** Why rows are set aside, each as the one line per account says it. */
export const ROW_DOUBTS = {
    "after-generated": "a date after the report's GeneratedTime",
    "not-a-date": "a cell that is neither a date nor N/A",
    "predates-aws": "a date before AWS began",
    "not-a-boolean": "a cell that is neither true nor false",
    "row-length": "a row cut short or too long",
    arn: "an arn that does not name the user",
    contradiction: "cells that contradict each other",
    twice: "a user listed twice",
} as const;
export type RowDoubtKind = keyof typeof ROW_DOUBTS;

/** The rows of a report set aside, by cause, with one example of each: what the one line per account says. */
export interface RowsSetAside {
    rows: number;
    setAside: number;
    causes: { kind: RowDoubtKind; rows: number; example: string }[];
}

export function rowsSetAside(report: CredentialReport): RowsSetAside {
    const causes = new Map<RowDoubtKind, { kind: RowDoubtKind; rows: number; example: string }>();
    let setAside = 0;
    for (const row of report.rows.values()) {
        if (!row.doubt) continue;
        setAside++;
        const kind = row.doubtKind ?? "contradiction";
        const cause = causes.get(kind) ?? { kind, rows: 0, example: `${row.userName}: ${row.doubt}` };
        cause.rows++;
        causes.set(kind, cause);
    }
    return { rows: report.rows.size, setAside, causes: [...causes.values()].sort((a, b) => b.rows - a.rows) };
}

export interface CredentialReport {
    generated: Date;
    /** From the report's ARNs. */
    accountId?: string;
    /** By lower-cased user name: IAM user names are unique case-insensitively. */
    rows: Map<string, ReportRow>;
}

/** A report to screen with, or why it was set aside as a whole. */
export type ReportReading = { status: "ok"; report: CredentialReport } | { status: "unusable"; reason: string };

/** The columns screening reads; any order, extra columns allowed. */
export const REQUIRED_COLUMNS = [
    "user",
    "arn",
    "password_enabled",
    "password_last_used",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
] as const;

const ROOT_ROW = "<root_account>";
/** IAM's words for "no date" in a user's row (`not_supported` appears only in the root row, which is skipped). */
const NO_DATE = new Set(["N/A", "no_information"]);
/** As IAM writes them: `2016-11-25T09:37:34+00:00` (whole seconds, an offset or Z). */
const REPORT_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/** A field that is not what its column promises: the row is doubtful. */
class DoubtfulField extends Error {
    constructor(
        message: string,
        readonly kind: RowDoubtKind,
    ) {
        super(message);
    }
}

function reportBoolean(value: string, column: string): boolean {
    const lower = value.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true"; // IAM writes TRUE/FALSE or true/false
    throw new DoubtfulField(`${column} is ${JSON.stringify(value)}, not true or false`, "not-a-boolean");
}

/** A date, or undefined for IAM's "no date" words; a date after the report was generated is doubtful. */
function reportDate(value: string, column: string, generated: Date): Date | undefined {
    if (NO_DATE.has(value)) return undefined;
    const date = new Date(value);
    if (!REPORT_DATE.test(value) || Number.isNaN(date.getTime()))
        throw new DoubtfulField(`${column} ${JSON.stringify(value)} is not a date`, "not-a-date");
    if (date.getTime() > generated.getTime() + CLOCK_SKEW_MS)
        throw new DoubtfulField(`${column} ${JSON.stringify(value)} is after the report was generated`, "after-generated");
    if (date.getTime() < EARLIEST_IAM_DATE.getTime())
        throw new DoubtfulField(`${column} ${JSON.stringify(value)} predates AWS`, "predates-aws");
    return date;
}

function readRow(field: (column: string) => string, generated: Date): Omit<ReportRow, "userName"> {
    const keys: ReportKeySlot[] = [];
    for (const slot of [1, 2] as const) {
        const active = reportBoolean(field(`access_key_${slot}_active`), `access_key_${slot}_active`);
        const lastRotated = reportDate(field(`access_key_${slot}_last_rotated`), `access_key_${slot}_last_rotated`, generated);
        const lastUsed = reportDate(field(`access_key_${slot}_last_used_date`), `access_key_${slot}_last_used_date`, generated);
        if (!lastRotated) {
            if (active) throw new DoubtfulField(`access key ${slot} is active but has no access_key_${slot}_last_rotated`, "contradiction");
            continue; // no key in this slot
        }
        keys.push({ slot, active, lastRotated, lastUsed });
    }
    const passwordEnabled = reportBoolean(field("password_enabled"), "password_enabled");
    const passwordLastUsed = reportDate(field("password_last_used"), "password_last_used", generated);
    if (passwordEnabled && field("password_last_used") === "N/A")
        throw new DoubtfulField("password_enabled is true but password_last_used is N/A", "contradiction");
    return { passwordEnabled, passwordLastUsed, keys };
}

/**
 * Parses and validates a credential report: `GeneratedTime` present and not in the future, the required
 * columns present (in any order), one row per user. A row that is cut short, misspelt, dated after the report,
 * or listed twice is kept as doubtful, so that its user is confirmed live.
 */
export function readCredentialReport(csv: string, generatedTime: Date | undefined, now: Date): ReportReading {
    if (!generatedTime) return { status: "unusable", reason: "it has no GeneratedTime" };
    const generatedProblem = dateProblem(generatedTime, now);
    if (generatedProblem) return { status: "unusable", reason: `its GeneratedTime ${generatedProblem}` };
    let records: string[][];
    try {
        const parsed: unknown = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
        records = parsed as string[][];
    } catch (error) {
        return { status: "unusable", reason: `it is not CSV (${(error as Error).message.split("\n")[0]})` };
    }
    if (records.length === 0) return { status: "unusable", reason: "it is empty" };
    const header = records[0].map(h => h.trim().toLowerCase());
    const missing = REQUIRED_COLUMNS.filter(c => !header.includes(c));
    if (missing.length) return { status: "unusable", reason: `it lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` };
    if (new Set(header).size !== header.length) return { status: "unusable", reason: "a column appears twice in its header" };
    const index = new Map(header.map((name, i) => [name, i]));

    const rows = new Map<string, ReportRow>();
    let accountId: string | undefined;
    for (const record of records.slice(1)) {
        const field = (column: string) => (record[index.get(column)!] ?? "").trim();
        const userName = field("user");
        const arnAccount = accountOfArn(field("arn")); // the root row's ARN names the account too
        if (arnAccount) {
            accountId ??= arnAccount;
            if (arnAccount !== accountId) return { status: "unusable", reason: `it mixes accounts ${accountId} and ${arnAccount}` };
        }
        if (userName === ROOT_ROW) continue; // the root account is not a managed user
        const key = userName.toLowerCase();
        let row: ReportRow;
        try {
            if (record.length !== header.length)
                throw new DoubtfulField(`its row has ${record.length} fields, the header ${header.length}`, "row-length");
            // Recorded reports are often anonymised (`arn:aws:iam::fakearn:user/…`): only the name at the end is required.
            if (!field("arn").endsWith(`/${userName}`))
                throw new DoubtfulField(`its arn ${JSON.stringify(field("arn"))} does not name the user`, "arn");
            row = { userName, ...readRow(field, generatedTime) };
        } catch (error) {
            if (!(error instanceof DoubtfulField)) throw error;
            row = { userName, passwordEnabled: false, keys: [], doubt: error.message, doubtKind: error.kind };
        }
        if (rows.has(key))
            row = { userName, passwordEnabled: false, keys: [], doubt: "the user is listed twice in the report", doubtKind: "twice" };
        rows.set(key, row);
    }
    return { status: "ok", report: { generated: generatedTime, accountId, rows } };
}

/** Whether a date lies within `days` before now: a use (or a creation) that recent is fresh. */
export const within = (since: Date | undefined, days: number, now: Date): boolean =>
    since !== undefined && now.getTime() - since.getTime() < days * MS_PER_DAY;
