// Fetches the account's credential report: GetCredentialReport, and when there is none (or it expired,
// after 4 hours) GenerateCredentialReport, polled inside a time budget.
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from "@aws-sdk/client-iam";
import { CredentialReport, parseCredentialReport } from "./credential-report";
import { describeIamError } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import { UsageUnavailable } from "./usage";

export type ReportResult = { status: "ok"; report: CredentialReport } | { status: "missing" } | UsageUnavailable;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const NOT_READY = new Set(["CredentialReportNotPresentException", "CredentialReportExpiredException", "CredentialReportNotReadyException"]);

/** One GetCredentialReport: the report, "missing" (none, expired or being generated), or unavailable. */
export async function getCredentialReport(iam: IamRequester): Promise<ReportResult> {
    try {
        const out = await iam.call("GetCredentialReport", (c, abortSignal) => c.send(new GetCredentialReportCommand({}), { abortSignal }));
        const csv = Buffer.from(out.Content ?? new Uint8Array()).toString("utf8");
        return { status: "ok", report: parseCredentialReport(csv, out.GeneratedTime ?? new Date(0)) };
    } catch (error) {
        if (error instanceof IamCallError) {
            if (NOT_READY.has((error.cause as Error)?.name)) return { status: "missing" };
            return describeIamError(error.cause, error.action, iam.timeoutSeconds);
        }
        throw error;
    }
}

/** The report, generating a new one if needed and waiting at most `budgetMs` for it. */
export async function fetchCredentialReport(iam: IamRequester, budgetMs: number): Promise<ReportResult> {
    const first = await getCredentialReport(iam);
    if (first.status !== "missing") return first;
    const deadline = Date.now() + budgetMs;
    let pause = 250;
    for (;;) {
        try {
            const state = await iam.call("GenerateCredentialReport", (c, abortSignal) => c.send(new GenerateCredentialReportCommand({}), { abortSignal }));
            if (state.State === "COMPLETE") {
                const report = await getCredentialReport(iam);
                if (report.status !== "missing") return report;
            }
        } catch (error) {
            if (error instanceof IamCallError) return describeIamError(error.cause, error.action, iam.timeoutSeconds);
            throw error;
        }
        if (Date.now() + pause > deadline) {
            return { status: "unavailable", errorCode: "Timeout", reason: `the credential report was not ready within ${budgetMs / 1000} s` };
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 4000);
    }
}
