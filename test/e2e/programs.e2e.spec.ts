// End to end from real Pulumi programs (test/programs), run under the Pulumi SDK's mocks: the resources and
// providers @pulumi/aws and @pulumi/aws-native register, serialized exactly as those SDKs serialize them
// (provider inputs as JSON strings, unknown values as the engine's sentinel), are what the pack receives,
// with the engine's default provider built from the stack's config.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { AnalyzedResource } from "../../tools/driver/analyzer-client";
import { drivePack } from "../../tools/driver/drive-pack";
import { AccountFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { REPO, verdictLines } from "../helpers/samples";

const CAPTURE = path.join(REPO, "test", "programs", "bin", "capture.js");
const KEY_A = "AKIDPROGRAMSACCOUNTA";
const KEY_B = "AKIDPROGRAMSACCOUNTB";
const HOP = "arn:aws:iam::222222222222:role/programs-hop";
const AUDITOR = "arn:aws:iam::222222222222:role/programs-auditor";

/** What the engine would send the pack for a program, in a preview or an update, with this stack config. */
function capture(program: string, mode: "preview" | "update", config: Record<string, string>): AnalyzedResource[] {
    const out = execFileSync(process.execPath, [CAPTURE, program, mode], {
        env: { PATH: process.env.PATH, PULUMI_CONFIG: JSON.stringify(config) },
        encoding: "utf8",
    });
    return (JSON.parse(out) as { resources: AnalyzedResource[] }).resources;
}

const stale = { daysAgo: 200 };
const ACCOUNT_A: AccountFile = {
    accountId: "123456789012",
    users: [
        {
            userName: "prog-stale-key",
            accessKeys: [{ accessKeyId: "AKIAPROGSTALEKEY0001", created: { daysAgo: 400 }, lastUsed: { ...stale, service: "s3" } }],
        },
        { userName: "prog-stale-password", loginProfile: { created: { daysAgo: 400 } }, passwordLastUsed: stale },
        {
            userName: "prog-fresh",
            accessKeys: [{ accessKeyId: "AKIAPROGFRESHKEY0001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } }],
        },
        { userName: "prog-exempt", accessKeys: [{ accessKeyId: "AKIAPROGEXEMPTKEY001", created: { daysAgo: 400 } }] },
        {
            userName: "prog-shared",
            accessKeys: [{ accessKeyId: "AKIAPROGSHAREDA00001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 2 } }],
        },
        { userName: "prog-native", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 150 } },
    ],
    roles: [{ roleArn: "arn:aws:iam::123456789012:role/auditor", trustedAccessKeyIds: [KEY_A] }],
};

describe("end to end: stacks from real Pulumi programs", function () {
    this.timeout(120_000);
    let a: LocalIam;
    let b: LocalIam;
    beforeEach(async () => {
        a = await startLocalIam(ACCOUNT_A);
        b = await startLocalIam({
            accountId: "222222222222",
            users: [
                {
                    userName: "prog-shared",
                    accessKeys: [
                        { accessKeyId: "AKIAPROGSHAREDB00001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 300, service: "ec2" } },
                    ],
                },
            ],
            roles: [
                { roleArn: HOP, trustedAccessKeyIds: [KEY_B] },
                { roleArn: AUDITOR, trustedRoleArns: [HOP], externalId: "programs-ext" },
            ],
        });
    });
    afterEach(async () => {
        await a.close();
        await b.close();
    });

    const config = () => ({
        "aws:region": "us-east-1",
        "aws:accessKey": KEY_A,
        "aws:secretKey": "not-a-secret-a",
        "aws:endpoints": JSON.stringify([{ iam: a.url, sts: a.url }]),
        "test:keyA": KEY_A,
        "test:secretA": "not-a-secret-a",
        "test:endpointA": a.url,
        "test:accountA": "123456789012",
        "test:keyB": KEY_B,
        "test:secretB": "not-a-secret-b",
        "test:endpointB": b.url,
        "test:hopRole": HOP,
        "test:auditorRole": AUDITOR,
        "test:externalId": "programs-ext",
    });
    const run = (program: string, mode: "preview" | "update") => {
        const stackConfig = config();
        return drivePack({
            packDir: REPO,
            stack: { stack: "test", project: "iam-programs", organization: "org", config: stackConfig, dryRun: mode === "preview" },
            // aws-native's provider has no endpoints setting: its IAM and STS come from the environment.
            env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ENDPOINT_URL_IAM: a.url, AWS_ENDPOINT_URL_STS: a.url },
            resources: capture(program, mode, stackConfig),
        });
    };

    it("a default provider built from the stack's config: every kind of finding, and the exempt and new users left alone", async () => {
        const result = await run("default-provider", "preview");
        assert.deepEqual(verdictLines(result), [
            "mandatory iam-user-unused-access-key stale-key-user AKIAPROGSTALEKEY0001",
            "mandatory iam-user-unused-password password-user password",
        ]);
        const exempt = result.results.find(r => r.resource.name === "exempt-user")!;
        assert.ok(
            exempt.notApplicable.some(n =>
                new RegExp(
                    `exempt until ${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)} .*reason: "yearly batch, SEC-7"`,
                ).test(n.reason),
            ),
        );
        assert.match(
            result.results.find(r => r.resource.name === "stale-key-user")!.diagnostics[0].message,
            /in account 123456789012 \(provider default_7_\d+_\d+\)/,
        );
    });

    it("explicit providers: each user in its own provider's account, through the role chain for account B; aws-native judged by userName", async () => {
        const result = await run("explicit-providers", "preview");
        assert.deepEqual(verdictLines(result), [
            "mandatory iam-user-unused-access-key shared-in-b AKIAPROGSHAREDB00001",
            "mandatory iam-user-unused-password native-user password",
        ]);
        assert.match(
            result.results.find(r => r.resource.name === "shared-in-b")!.diagnostics[0].message,
            /in account 222222222222 \(provider account-b\)/,
        );
        assert.ok(b.signers.filter(s => s.action === "ListAccessKeys").every(s => s.roleArn === AUDITOR));
        assert.ok(
            result.results.every(r => r.diagnostics.every(d => !d.message.includes("not-a-secret"))),
            "no secret in any message",
        );
    });

    it("in a preview, unknown inputs never switch a policy off: each gives its precise outcome", async () => {
        const result = await run("unknown-in-preview", "preview");
        assert.deepEqual(verdictLines(result), [
            "advisory iam-user-usage-data-unavailable computed-exemption -",
            "advisory iam-user-usage-data-unavailable pending-user -",
            "mandatory iam-user-unused-password tagged-user password",
        ]);
        const message = (name: string) => result.results.find(r => r.resource.name === name)!.diagnostics[0].message;
        assert.match(
            message("pending-user"),
            /provider pending: its input `assumeRoles` is not known during preview, so the account it reaches cannot be known/,
        );
        assert.match(
            message("computed-exemption"),
            /its tag unused-credentials:exempt-until is not known during preview, so whether it is exempt cannot be known/,
        );
        const computed = result.results.find(r => r.resource.name === "computed-name")!;
        assert.ok(computed.notApplicable.some(n => /name is not known yet/.test(n.reason)));
        assert.ok(result.results.every(r => r.diagnostics.every(d => !/can't run policy/.test(d.message))));
    });

    it("the same program in the update, with every value known: the pending provider's role is assumed and its user judged", async () => {
        const result = await run("unknown-in-preview", "update");
        assert.deepEqual(verdictLines(result), [
            "mandatory iam-user-unused-access-key computed-exemption AKIAPROGSTALEKEY0001",
            "mandatory iam-user-unused-access-key pending-user AKIAPROGSTALEKEY0001",
            "mandatory iam-user-unused-password tagged-user password",
        ]);
        assert.match(
            result.results.find(r => r.resource.name === "computed-exemption")!.diagnostics[0].message,
            /Not exempt: the tag unused-credentials:exempt-until="auditor-generated" is not a date/,
        );
        assert.equal(a.calls.get("AssumeRole"), 1);
    });
});
