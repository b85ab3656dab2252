// The usage source of one account: credential-report screening with live confirmation, or the per-user
// APIs, chosen automatically or forced. The report is fetched once per account and shared by every user.
import { CredentialReport, Need, provenFreshByReport } from "./credential-report";
import { fetchCredentialReport, getCredentialReport, ReportResult } from "./credential-report-reader";
import { CoalescingReader } from "./coalescing-reader";
import { IamRequester } from "./iam-requester";
import { readUserUsage } from "./per-user-reader";
import { PackSettings } from "./settings";
import { UsageSource, UsageUnavailable, UserUsage } from "./usage";

export class AccountUsageSource implements UsageSource {
    private readonly live: CoalescingReader;
    private existingReport?: Promise<ReportResult>;
    private generatedReport?: Promise<ReportResult>;
    private readonly usersReadLive = new Set<string>();
    private reportAccountId?: string;

    constructor(private readonly iam: IamRequester, private readonly settings: Pick<PackSettings, "source" | "reportWaitMs" | "autoReportAfterUsers">) {
        this.live = new CoalescingReader(userName => readUserUsage(iam, userName));
    }

    async usageOf(userName: string, need: Need): Promise<UserUsage> {
        const report = await this.reportFor(userName);
        this.reportAccountId ??= report?.accountId;
        const row = report?.rows.get(userName.toLowerCase());
        if (report && row && provenFreshByReport(row, report, need, new Date())) {
            return { status: "fresh-by-report", reportGenerated: report.generated };
        }
        // Not in the report (created since), or possibly unused: confirm from the live per-user APIs.
        this.usersReadLive.add(userName.toLowerCase());
        return this.live.usageOf(userName);
    }

    /** The account's ID once a credential report has shown it. */
    knownAccountId(): string | undefined {
        return this.reportAccountId;
    }

    async failureOf(userName: string): Promise<UsageUnavailable | undefined> {
        const usage = await this.live.existing(userName);
        return usage?.status === "unavailable" ? usage : undefined;
    }

    /** The report to screen with, or undefined to read this user with the per-user APIs. */
    private async reportFor(userName: string): Promise<CredentialReport | undefined> {
        const { source, reportWaitMs, autoReportAfterUsers } = this.settings;
        if (source === "api") return undefined;
        if (source === "report") {
            this.generatedReport ??= fetchCredentialReport(this.iam, reportWaitMs);
            return okReport(await this.generatedReport);
        }
        // auto: a report that already exists costs one call, whatever the number of users.
        this.existingReport ??= getCredentialReport(this.iam);
        const existing = await this.existingReport;
        if (existing.status !== "missing") return okReport(existing); // unavailable (e.g. AccessDenied): per-user APIs
        // No usable report: a few users are cheaper per user; past that, generate one and wait for it.
        if (!this.generatedReport && this.usersReadLive.size < autoReportAfterUsers) return undefined;
        this.generatedReport ??= fetchCredentialReport(this.iam, reportWaitMs);
        return okReport(await this.generatedReport);
    }
}

function okReport(result: ReportResult): CredentialReport | undefined {
    return result.status === "ok" ? result.report : undefined;
}
