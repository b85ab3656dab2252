#!/usr/bin/env node
// Runs the local IAM endpoint on its own: `npm run local-iam -- --account FILE [--port N]`.
// Point any AWS SDK or CLI at it with AWS_ENDPOINT_URL_IAM=<printed URL> (and AWS_ENDPOINT_URL_STS: it serves STS too).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startLocalIam } from "./server";
import { packageRoot } from "../package-root";
import type { AccountFile } from "./account-file";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            account: { type: "string", default: path.join(packageRoot(), "samples", "demo-account.json") },
            port: { type: "string", default: "0" },
        },
    });
    const account = JSON.parse(fs.readFileSync(values.account, "utf8")) as AccountFile;
    const iam = await startLocalIam(account, { port: Number(values.port) });
    console.log(`local IAM endpoint for ${values.account} at ${iam.url}`);
    console.log(`  export AWS_ENDPOINT_URL_IAM=${iam.url} AWS_ENDPOINT_URL_STS=${iam.url}`);
    console.log(`  IAM alone (can refuse connections): ${iam.iamUrl}`);
    console.log(`  faults on command: curl -d '{"faults": {"hang": [{}]}}' ${iam.url}/__local-iam/control  ('{"faults": {}}' recovers)`);
    const stop = () => void iam.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch(error => {
    console.error(`local-iam: ${(error as Error).message}`);
    process.exit(2);
});
