// One run of the pack over one stack (or over the users no given stack manages), with the structured findings
// the pack wrote for it: `check` builds its report, its exemption review and its fixes from these records.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FINDING_KINDS, FINDINGS_FILE_ENV, FindingRecord, kindModule, ReportNoticeRecord } from "../../rules/api";
import { AnalyzedResource } from "../driver/analyzer-client";
import { drivePack, DriveOptions, DriveResult } from "../driver/drive-pack";
import { StackForCheck } from "./stack-export";

export interface CheckedStack {
    /** `project/stack`, or `unmanaged` for the account's users that no given stack manages. */
    name: string;
    /** The stack export, when a stack; undefined for the account-wide listing. */
    stack?: StackForCheck;
    run: DriveResult;
    records: FindingRecord[];
    /** What each account's credential report set aside (whole, or rows one by one), as the pack said it. */
    reportNotices: ReportNoticeRecord[];
    /** Resources by URN: each record's user resource, with its provider. */
    resources: Map<string, AnalyzedResource>;
}

const KINDS = new Set<string>(FINDING_KINDS);

/** The pack's records could not be read: check's report would be built on nothing (exit 2). */
export class FindingsLost extends Error {}

/**
 * The pack's records and report notices, checked for the fields check uses: a line that is neither stops check
 * (exit 2).
 */
export function parseFindings(text: string): { records: FindingRecord[]; reportNotices: ReportNoticeRecord[] } {
    const records: FindingRecord[] = [];
    const reportNotices: ReportNoticeRecord[] = [];
    text.split("\n").forEach((line, i) => {
        if (line.trim() === "") return;
        let parsed: FindingRecord | ReportNoticeRecord;
        try {
            parsed = JSON.parse(line) as FindingRecord | ReportNoticeRecord;
        } catch {
            throw new FindingsLost(`the pack's findings file has a line ${i + 1} that is not JSON`);
        }
        if (parsed?.kind === "credential-report" && typeof parsed.text === "string" && typeof parsed.account === "string") {
            reportNotices.push(parsed);
            return;
        }
        const record = parsed as FindingRecord;
        if (
            !KINDS.has(record?.kind) ||
            typeof record.user !== "string" ||
            typeof record.urn !== "string" ||
            typeof record.policy !== "string"
        ) {
            throw new FindingsLost(`the pack's findings file has an unexpected line ${i + 1}`);
        }
        records.push(record);
    });
    return { records, reportNotices };
}

/** The findings folders in use: removed when each run ends, and by `removeTemporaryFiles` on an interrupt. */
const temporary = new Set<string>();

/** Removes every findings folder still in use (an interrupted `check`). */
export function removeTemporaryFiles(): void {
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
    temporary.clear();
}

export async function checkStack(name: string, stack: StackForCheck | undefined, options: DriveOptions): Promise<CheckedStack> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unused-credentials-findings-"));
    temporary.add(dir);
    const file = path.join(dir, "findings.jsonl");
    try {
        const run = await drivePack({ ...options, env: { ...options.env, [FINDINGS_FILE_ENV]: file } });
        // The pack creates the file when it starts: no file means its records were lost, never "nothing found".
        if (!fs.existsSync(file))
            throw new FindingsLost(`the pack wrote no findings file for ${name}: its records were lost, so check cannot report on it`);
        const { records, reportNotices } = parseFindings(fs.readFileSync(file, "utf8"));
        return { name, stack, run, records, reportNotices, resources: new Map(options.resources.map(r => [r.urn, r])) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        temporary.delete(dir);
    }
}

/** Who manages a credential: the stack and the resource that holds it in code, or "unmanaged". */
export type Owner = { stack: string; urn: string } | "unmanaged";

export function credentialOwner(checked: CheckedStack, record: FindingRecord): Owner {
    const credentialId = record.credentialId;
    const urn =
        record.credential && credentialId
            ? checked.stack?.managed.get(kindModule(record.credential).ownerKey({ user: record.user, credentialId }))
            : undefined;
    return urn ? { stack: checked.name, urn } : "unmanaged";
}

/** Who manages the user: the stack and the user's URN, or "unmanaged" (account-wide listing). */
export function userOwner(checked: CheckedStack, record: FindingRecord): Owner {
    return checked.stack ? { stack: checked.name, urn: record.urn } : "unmanaged";
}
