// Fetches the account's credential report: GetCredentialReport, and when there is none (or it expired,
// after 4 hours) GenerateCredentialReport, polled inside a time budget.
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from "@aws-sdk/client-iam";
import { CredentialReport, readCredentialReport } from "./credential-report";
import { describeIamError } from "./iam-errors";
import { IamCallError, IamRequester } from "./iam-requester";
import { UsageUnavailable } from "./usage";

/** The report; "missing" (none, expired or being generated); "unusable" (it failed validation); or unavailable. */
export type ReportResult =
    | { status: "ok"; report: CredentialReport }
    | { status: "missing" }
    | { status: "unusable"; reason: string }
    | UsageUnavailable;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The SDK's XML parser needs ~80 MB of transient memory for a 5,000-user report (its base64 content is one
 * text node of 1.5 MB), and grows with the account. This middleware sits just inside the SDK's deserializer:
 * it takes the raw answer, lifts the base64 `<Content>` out as bytes, and hands the deserializer the rest,
 * a few hundred bytes. Signing, retries and error handling stay the SDK's own.
 */
function liftContent(sink: { content?: Buffer }) {
    return (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
        const result = await next(args);
        const response = result.response as { statusCode?: number; body?: AsyncIterable<Uint8Array> | Uint8Array };
        if (response.statusCode === 200 && response.body && !(response.body instanceof Uint8Array)) {
            const chunks: Buffer[] = [];
            for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
            const raw = Buffer.concat(chunks);
            const start = raw.indexOf("<Content>");
            const end = start < 0 ? -1 : raw.indexOf("</Content>", start);
            if (end > start) {
                sink.content = Buffer.from(raw.subarray(start + "<Content>".length, end).toString("latin1"), "base64");
                response.body = Buffer.concat([raw.subarray(0, start + "<Content>".length), raw.subarray(end)]);
            } else {
                response.body = raw;
            }
        }
        return result;
    };
}

const NOT_READY = new Set(["CredentialReportNotPresentException", "CredentialReportExpiredException", "CredentialReportNotReadyException"]);

/** One GetCredentialReport. Never rejects: whatever IAM sends, the worst outcome is a report set aside. */
export async function getCredentialReport(iam: IamRequester, now: () => Date = () => new Date()): Promise<ReportResult> {
    try {
        const sink: { content?: Buffer } = {};
        const out = await iam.call("GetCredentialReport", (c, abortSignal) => {
            const command = new GetCredentialReportCommand({});
            command.middlewareStack.add(liftContent(sink) as never, { step: "deserialize", priority: "low", name: "liftCredentialReportContent" });
            return c.send(command, { abortSignal });
        });
        const content = sink.content ?? (out.Content instanceof Uint8Array ? Buffer.from(out.Content) : undefined);
        if (!content) return { status: "unusable", reason: "GetCredentialReport answered without Content" };
        return readCredentialReport(content.toString("utf8"), out.GeneratedTime, now());
    } catch (error) {
        if (error instanceof IamCallError) {
            if (NOT_READY.has((error.cause as Error)?.name)) return { status: "missing" };
            return describeIamError(error.cause, error.action, iam.timeoutSeconds);
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
            const state = await iam.call("GenerateCredentialReport", (c, abortSignal) => c.send(new GenerateCredentialReportCommand({}), { abortSignal }));
            if (state.State === "COMPLETE") {
                const report = await getCredentialReport(iam, now);
                if (report.status !== "missing") return report;
            }
        } catch (error) {
            if (error instanceof IamCallError) return describeIamError(error.cause, error.action, iam.timeoutSeconds);
            return { status: "unusable", reason: `it could not be generated (${(error as Error)?.message ?? String(error)})` };
        }
        if (Date.now() + pause > deadline) {
            return { status: "unavailable", errorCode: "Timeout", reason: `the credential report was not ready within ${budgetMs / 1000} s` };
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 4000);
    }
}
