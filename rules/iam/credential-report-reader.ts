// Fetches the account's credential report: GetCredentialReport, and when there is none (or it expired,
// after 4 hours) GenerateCredentialReport, polled inside a time budget.
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from "@aws-sdk/client-iam";
import { CredentialReport, readCredentialReport } from "./credential-report";
import { describeIamError } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import { UsageUnavailable } from "./usage";

/** The report; "missing" (none, expired or being generated); "unusable" (it failed validation); or unavailable. */
export type ReportResult =
    { status: "ok"; report: CredentialReport } | { status: "missing" } | { status: "unusable"; reason: string } | UsageUnavailable;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const NOT_READY = new Set(["CredentialReportNotPresentException", "CredentialReportExpiredException", "CredentialReportNotReadyException"]);

/** One GetCredentialReport. Never rejects: whatever IAM sends, the worst outcome is a report set aside. */
export async function getCredentialReport(iam: IamRequester, now: () => Date = () => new Date()): Promise<ReportResult> {
    try {
        // A report is a large body: its timeout alone does not say IAM stopped answering.
        const out = await iam.call(
            "GetCredentialReport",
            (c, abortSignal) => c.send(new GetCredentialReportCommand({}), { abortSignal }),
            undefined,
            {
                mayStartOutage: false,
            },
        );
        // The SDK decodes the base64 Content to bytes.
        if (!(out.Content instanceof Uint8Array)) return { status: "unusable", reason: "GetCredentialReport answered without Content" };
        return readCredentialReport(Buffer.from(out.Content).toString("utf8"), out.GeneratedTime, now());
    } catch (error) {
        if (error instanceof IamCallError) {
            if (NOT_READY.has((error.cause as Error)?.name)) return { status: "missing" };
            return { status: "unavailable", ...describeIamError(error.cause, error.action, iam.timeoutSeconds) };
        }
        return { status: "unusable", reason: `it could not be read (${(error as Error)?.message ?? String(error)})` };
    }
}

/** The report, generating a new one if needed and waiting at most `budgetMs` for it. */
export async function fetchCredentialReport(iam: IamRequester, budgetMs: number, now?: () => Date): Promise<ReportResult> {
    const first = await getCredentialReport(iam, now);
    if (first.status !== "missing") return first;
    const deadline = Date.now() + budgetMs;
    let pause = 250;
    for (;;) {
        try {
            const state = await iam.call("GenerateCredentialReport", (c, abortSignal) =>
                c.send(new GenerateCredentialReportCommand({}), { abortSignal }),
            );
            if (state.State === "COMPLETE") {
                const report = await getCredentialReport(iam, now);
                if (report.status !== "missing") return report;
            }
        } catch (error) {
            if (error instanceof IamCallError)
                return { status: "unavailable", ...describeIamError(error.cause, error.action, iam.timeoutSeconds) };
            return { status: "unusable", reason: `it could not be generated (${(error as Error)?.message ?? String(error)})` };
        }
        if (Date.now() + pause > deadline) {
            return {
                status: "unavailable",
                errorCode: "Timeout",
                reason: `the credential report was not ready within ${budgetMs / 1000} s`,
            };
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 4000);
    }
}
