// rules/reading/ owns reading users' credentials: per user over the kinds, one account's report and live reads, once per user; it knows no policy.
// The usage source of one account: credential-report screening with live confirmation, or the per-user
// APIs, chosen automatically or forced. The report is fetched once per account and shared by every user;
// a report that fails validation is set aside for the run (one line on stderr) and every user is read live;
// rows doubted one by one are counted by cause, in one line per account, and their users read live.
//
// The report is the account's optimisation, never a user's wait: in auto mode a report being generated is
// waited for by nobody (users are read live meanwhile and screened once it is ready); only `source: report`
// waits for it, once for the account, before any user's own deadline starts.
//
// Confirmation is targeted: only the kind of credential asked about is read, and of the keys only those the
// report cannot prove fresh. It also runs ahead of the engine, which asks about one resource at a time: once
// the report is known, users it cannot clear are confirmed in the background, under the account's caps, so
// that their Analyze rarely waits on IAM. Read-ahead is bounded by its usefulness: it may run
// READ_AHEAD_START users ahead, plus two for each user read ahead that the engine then asked about, plus one
// for each user the engine asked about that it had to confirm on the spot. A stack that manages every user
// of the account keeps it growing; a stack that manages a few users of thousands stops it after a handful.
import { CredentialReport, ReportRow, ROW_DOUBTS, rowsSetAside, RowsSetAside } from "../iam/credential-report";
import { fetchCredentialReport, getCredentialReport, ReportResult } from "../iam/credential-report-reader";
import { IamRequester } from "../iam/iam-requester";
import { UsageReader, UserUsage } from "../iam/usage";
import { PackSettings } from "../config/settings";
import { kindsOf, Thresholds } from "../model/credentials";
import { provenFreshByReport, ReadScope, scopeFor } from "../kinds/kinds";
import { CoalescingReader } from "./coalescing-reader";
import { readUserUsage } from "./per-user-reader";

/** Users read ahead at the start, before any has proven useful. */
export const READ_AHEAD_START = 8;
/** Users read ahead at once: a few, so that the engine's own asks never queue behind many. */
const READ_AHEAD_IN_FLIGHT = 4;

export type UsageReaderSettings = Pick<PackSettings, "source" | "reportWaitMs" | "autoReportAfterUsers" | "userDeadlineMs">;

/** What the one line per account says of its credential report: set aside whole, or some rows set aside. */
export interface ReportNotice {
    account: string;
    accountId: string | null;
    /** The line as the pack prints it. */
    text: string;
    /** Why the whole report was set aside. */
    setAsideWhole?: string;
    /** The rows set aside one by one, by cause. */
    rows?: RowsSetAside;
}

export interface UsageReaderOptions {
    /** How the stderr line names the account (`account 1111… (provider prod)`). */
    accountName?: string;
    /** The verified account: a report whose ARNs name another is set aside. */
    accountId?: string;
    /** Where the one line about a report set aside goes; the CLI shows the pack's stderr. */
    warn?: (line: string) => void;
    /** The same, as data (for `check`'s findings). */
    notice?: (notice: ReportNotice) => void;
    now?: () => Date;
}

export class AccountUsageReader implements UsageReader {
    private readonly live: CoalescingReader;
    private existingReport?: Promise<ReportResult>;
    private generatedReport?: Promise<ReportResult>;
    /** The generated report once it has arrived: auto mode screens with it from then on, never waiting for it. */
    private generatedSettled?: ReportResult;
    /** Reports whose doubtful rows were already told (once per account and report). */
    private readonly told = new WeakSet<CredentialReport>();
    private readonly usersReadLive = new Set<string>();
    private setAside = false;
    private readonly now: () => Date;
    /** The smallest threshold asked for each kind of credential: what confirmations and read-ahead prepare for. */
    private readonly smallest: Thresholds = {};
    private readonly asked = new Set<string>();
    private readonly readAhead = new Set<string>();
    /** Users read ahead that the engine then asked about, and users it asked about that had to be confirmed on the spot. */
    private readAheadUsed = 0;
    private confirmedOnTheSpot = 0;
    private readAheadInFlight = 0;
    private candidates?: { report: CredentialReport; rows: Iterator<ReportRow>; kinds: string };

    constructor(
        private readonly iam: IamRequester,
        private readonly settings: UsageReaderSettings,
        private readonly options: UsageReaderOptions = {},
    ) {
        this.now = options.now ?? (() => new Date());
        const deadlineSeconds = settings.userDeadlineMs / 1000;
        this.live = new CoalescingReader(
            (userName, scope, deadlineMs) => readUserUsage(iam, userName, { now: this.now, deadlineMs, deadlineSeconds, scope }),
            settings.userDeadlineMs,
        );
    }

    async usageOf(userName: string, need: Thresholds): Promise<UserUsage> {
        const firstAsk = this.noteAsked(userName, need);
        const report = await this.reportFor();
        const row = report?.rows.get(userName.toLowerCase());
        if (report) this.readAheadFrom(report);
        if (report && row && provenFreshByReport(row, report, need, this.now())) {
            return { status: "fresh-by-report", reportGenerated: report.generated };
        }
        // Not in the report (created since), doubtful, or possibly unused: confirm from the live per-user APIs.
        this.usersReadLive.add(userName.toLowerCase());
        const scope = this.scopeFor(row, need);
        if (firstAsk && !this.readAhead.has(userName.toLowerCase())) this.confirmedOnTheSpot++;
        return this.live.usageOf(userName, scope);
    }

    /** Counts the engine's asks (read-ahead's budget) and the thresholds asked; true the first time a user is asked about. */
    private noteAsked(userName: string, need: Thresholds): boolean {
        for (const kind of kindsOf(need)) this.smallest[kind] = Math.min(this.smallest[kind] ?? Infinity, need[kind]!);
        const key = userName.toLowerCase();
        if (this.asked.has(key)) return false;
        this.asked.add(key);
        if (this.readAhead.has(key)) this.readAheadUsed++;
        return true;
    }

    /**
     * What confirming `need` reads: only the kinds asked about; of the keys, those the report does not prove fresh
     * at the smallest threshold asked (the same for every ask of a run, so that read-ahead and asks share reads).
     */
    private scopeFor(row: ReportRow | undefined, need: Thresholds): ReadScope {
        return scopeFor(need, row, this.smallest, this.now());
    }

    /** Confirms, in the background and within its budget, users of the report that the report cannot clear. */
    private readAheadFrom(report: CredentialReport): void {
        // From the second user on: by then the first user's policies have all asked, so every kind is known.
        if (this.asked.size < 2) return;
        const kinds = JSON.stringify(this.smallest);
        if (this.candidates?.report !== report || this.candidates.kinds !== kinds)
            this.candidates = { report, rows: report.rows.values(), kinds };
        const budget = READ_AHEAD_START + 2 * this.readAheadUsed + this.confirmedOnTheSpot;
        while (this.readAheadInFlight < READ_AHEAD_IN_FLIGHT && this.readAhead.size < budget) {
            const next = this.candidates.rows.next();
            if (next.done) return;
            const row = next.value;
            const key = row.userName.toLowerCase();
            if (this.asked.has(key) || this.readAhead.has(key)) continue;
            const needs = kindsOf(this.smallest)
                .map((kind): Thresholds => ({ [kind]: this.smallest[kind] }))
                .filter(need => !provenFreshByReport(row, report, need, this.now()));
            if (needs.length === 0) continue;
            this.readAhead.add(key);
            this.readAheadInFlight++;
            // Background work ends in a handled result, whatever a read does: the pack never dies of it.
            void Promise.allSettled(needs.map(need => this.live.usageOf(row.userName, this.scopeFor(row, need))))
                .then(() => {
                    this.readAheadInFlight--;
                    this.readAheadFrom(report);
                })
                .catch(() => undefined); // a read ahead that went wrong costs only the read the engine's ask then makes
        }
    }

    /** Starts fetching the account's report before any user is asked about. */
    startReport(): void {
        void this.firstReport();
    }

    /**
     * The report the account reads first, fetched once: none for the per-user APIs; asked for (`source: report`), the
     * report generated within the account's budget (the wait is the account's, not a user's); else (auto) the report
     * that already exists, which costs one call whatever the number of users.
     */
    private firstReport(): Promise<ReportResult> | undefined {
        const { source, reportWaitMs } = this.settings;
        if (source === "api" || this.setAside) return undefined;
        if (source === "report") return this.generate(reportWaitMs);
        return (this.existingReport ??= getCredentialReport(this.iam, this.now));
    }

    /** The report to screen with, or undefined to read this user with the per-user APIs. */
    private async reportFor(): Promise<CredentialReport | undefined> {
        const { source, reportWaitMs, autoReportAfterUsers } = this.settings;
        const first = this.firstReport();
        if (!first) return undefined;
        if (source === "report") return this.usable(await first);
        const existing = await first;
        if (existing.status !== "missing") return this.usable(existing); // unavailable (e.g. AccessDenied): per-user APIs
        // No usable report: a few users are cheaper per user; past that, generate one in the background.
        if (!this.generatedReport && this.usersReadLive.size < autoReportAfterUsers) return undefined;
        void this.generate(reportWaitMs);
        return this.generatedSettled && this.usable(this.generatedSettled);
    }

    /** Generates the report once for the account, within `budgetMs`; never rejects. */
    private generate(budgetMs: number): Promise<ReportResult> {
        this.generatedReport ??= fetchCredentialReport(this.iam, budgetMs, this.now)
            .catch((error: unknown): ReportResult => ({ status: "unusable", reason: `it could not be read (${String(error)})` }))
            .then(result => (this.generatedSettled = result));
        return this.generatedReport;
    }

    /** Says once per account what a report set aside, as a line (stderr) and as data. */
    private tell(notice: Pick<ReportNotice, "setAsideWhole" | "rows">, text: string): void {
        const account = this.options.accountName ?? "this account";
        (this.options.warn ?? (line => process.stderr.write(`${line}\n`)))(text);
        this.options.notice?.({ account, accountId: this.options.accountId ?? null, text, ...notice });
    }

    /** How the one line names the report: ` of account 1111…`, or nothing. */
    private get reportOf(): string {
        return this.options.accountName ? ` of ${this.options.accountName}` : "";
    }

    /** The one line about rows doubted one by one, the first time a report is used. */
    private tellRowsSetAside(report: CredentialReport): void {
        if (this.told.has(report)) return;
        this.told.add(report);
        const rows = rowsSetAside(report);
        if (rows.setAside === 0) return;
        const causes = rows.causes.map(c => `${c.rows} with ${ROW_DOUBTS[c.kind]} (e.g. ${c.example})`).join("; ");
        this.tell(
            { rows },
            `unused-iam-credentials: the credential report${this.reportOf}: ${rows.setAside} of ${rows.rows} rows set aside, ` +
                `their users read from the per-user IAM APIs instead: ${causes}`,
        );
    }

    private usable(found: ReportResult): CredentialReport | undefined {
        const expected = this.options.accountId;
        const result: ReportResult =
            found.status === "ok" && expected && found.report.accountId && found.report.accountId !== expected
                ? { status: "unusable", reason: `it is the report of account ${found.report.accountId}, not of ${expected}` }
                : found;
        if (result.status === "ok") {
            this.tellRowsSetAside(result.report);
            return result.report;
        }
        if (result.status === "unusable" && !this.setAside) {
            this.setAside = true;
            this.tell(
                { setAsideWhole: result.reason },
                `unused-iam-credentials: the credential report${this.reportOf} was set aside for this run because ${result.reason}; ` +
                    "every user is read from the per-user IAM APIs instead",
            );
        }
        return undefined;
    }
}
