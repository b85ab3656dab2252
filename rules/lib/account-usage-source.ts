// The usage source of one account: credential-report screening with live confirmation, or the per-user
// APIs, chosen automatically or forced. The report is fetched once per account and shared by every user;
// a report that fails validation is set aside for the run (one line on stderr) and every user is read live.
import { CredentialReport, Need, provenFreshByReport } from "./credential-report";
import { fetchCredentialReport, getCredentialReport, ReportResult } from "./credential-report-reader";
import { CoalescingReader } from "./coalescing-reader";
import { IamRequester } from "./iam-requester";
import { readUserUsage } from "./per-user-reader";
import { PackSettings } from "./settings";
import { noteUnjudged, UnjudgedCredentials, UsageSource, UserUsage } from "./usage";

export type UsageSourceSettings = Pick<PackSettings, "source" | "reportWaitMs" | "autoReportAfterUsers" | "userDeadlineMs">;

export interface UsageSourceOptions {
    /** How the stderr line names the account (`account 1111… (provider prod)`). */
    accountName?: string;
    /** The verified account: a report whose ARNs name another is set aside. */
    accountId?: string;
    /** Where the one line about a report set aside goes; the CLI shows the pack's stderr. */
    warn?: (line: string) => void;
    now?: () => Date;
}

export class AccountUsageSource implements UsageSource {
    private readonly live: CoalescingReader;
    private existingReport?: Promise<ReportResult>;
    private generatedReport?: Promise<ReportResult>;
    private readonly usersReadLive = new Set<string>();
    private readonly unjudged = new Map<string, UnjudgedCredentials>();
    private setAside = false;
    private readonly now: () => Date;

    constructor(private readonly iam: IamRequester, private readonly settings: UsageSourceSettings, private readonly options: UsageSourceOptions = {}) {
        this.now = options.now ?? (() => new Date());
        this.live = new CoalescingReader((userName, deadlineMs) => readUserUsage(iam, userName, { now: this.now, deadlineMs }), settings.userDeadlineMs);
    }

    async usageOf(userName: string, need: Need): Promise<UserUsage> {
        const report = await this.reportFor(userName);
        const row = report?.rows.get(userName.toLowerCase());
        if (report && row && provenFreshByReport(row, report, need, this.now())) {
            return { status: "fresh-by-report", reportGenerated: report.generated };
        }
        // Not in the report (created since), doubtful, or possibly unused: confirm from the live per-user APIs.
        this.usersReadLive.add(userName.toLowerCase());
        const usage = await this.live.usageOf(userName);
        if (usage.status === "unavailable") noteUnjudged(this.unjudged, userName, usage, need);
        return usage;
    }

    async failureOf(userName: string): Promise<UnjudgedCredentials | undefined> {
        return this.unjudged.get(userName);
    }

    /** The report to screen with, or undefined to read this user with the per-user APIs. */
    private async reportFor(userName: string): Promise<CredentialReport | undefined> {
        const { source, reportWaitMs, autoReportAfterUsers } = this.settings;
        if (source === "api" || this.setAside) return undefined;
        if (source === "report") {
            this.generatedReport ??= fetchCredentialReport(this.iam, reportWaitMs, this.now);
            return this.usable(await this.generatedReport);
        }
        // auto: a report that already exists costs one call, whatever the number of users.
        this.existingReport ??= getCredentialReport(this.iam, this.now);
        const existing = await this.existingReport;
        if (existing.status !== "missing") return this.usable(existing); // unavailable (e.g. AccessDenied): per-user APIs
        // No usable report: a few users are cheaper per user; past that, generate one and wait for it.
        if (!this.generatedReport && this.usersReadLive.size < autoReportAfterUsers) return undefined;
        this.generatedReport ??= fetchCredentialReport(this.iam, reportWaitMs, this.now);
        return this.usable(await this.generatedReport);
    }

    private usable(found: ReportResult): CredentialReport | undefined {
        const expected = this.options.accountId;
        const result: ReportResult = found.status === "ok" && expected && found.report.accountId && found.report.accountId !== expected
            ? { status: "unusable", reason: `it is the report of account ${found.report.accountId}, not of ${expected}` }
            : found;
        if (result.status === "ok") return result.report;
        if (result.status === "unusable" && !this.setAside) {
            this.setAside = true;
            const name = this.options.accountName ? ` of ${this.options.accountName}` : "";
            (this.options.warn ?? (line => process.stderr.write(`${line}\n`)))(
                `unused-iam-credentials: the credential report${name} was set aside for this run because ${result.reason}; every user is read from the per-user IAM APIs instead`,
            );
        }
        return undefined;
    }
}
