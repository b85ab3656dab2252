// The repository, its sample account and stack, the environment a pack is started with against a local endpoint,
// and verdicts as comparable lines: what the end-to-end specs share.
import * as fs from "node:fs";
import * as path from "node:path";
import type { AccountFile } from "../../tools/local-iam/account-file";
import type { LocalIam } from "../../tools/local-iam/server";
import type { DriveResult } from "../../tools/driver/drive-pack";
import { ExportedResource, StackExport, stackFromExport } from "../../tools/check/stack-export";

/** A resource of a stack export, as the specs edit it. */
export type ExportResource = ExportedResource;

/** A stack export, as the specs edit it. */
export interface ExportFile extends StackExport {
    deployment: { resources: ExportResource[] };
}

export const REPO = path.resolve(__dirname, "..", "..", "..");

export const sampleAccount = (): AccountFile =>
    JSON.parse(fs.readFileSync(path.join(REPO, "samples", "demo-account.json"), "utf8")) as AccountFile;
/** The sample stack export as `pulumi stack export` writes it (JSON, to edit). */
export const sampleExport = (): ExportFile =>
    JSON.parse(fs.readFileSync(path.join(REPO, "samples", "demo-stack.json"), "utf8")) as ExportFile;
export const sampleStack = () => stackFromExport(sampleExport());

/** Only PATH and HOME of the test process, and credentials and endpoints for the local IAM endpoint. */
export function packEnv(iam: LocalIam, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ENDPOINT_URL_IAM: iam.url,
        AWS_ENDPOINT_URL_STS: iam.url,
        AWS_ACCESS_KEY_ID: "AKIDE2ETESTS00000000",
        AWS_SECRET_ACCESS_KEY: "e2e-not-a-secret",
        AWS_REGION: "us-east-1",
        ...extra,
    };
}

/** One line per diagnostic: level, policy, user resource, and the key ID or "password" it names first ("-" for none). */
export function verdictLines(run: DriveResult): string[] {
    return run.results
        .flatMap(r =>
            r.diagnostics.map(d => {
                const key = /access key (AKIA[A-Z0-9]{16})/.exec(d.message)?.[1];
                const what = key ?? (d.policyName === "iam-user-unused-password" ? "password" : "-");
                return `${d.enforcementLevel} ${d.policyName} ${r.resource.name} ${what}`;
            }),
        )
        .sort();
}
