// The pack never gives a confident answer it cannot back: one odd key does not hide a stale sibling, what went
// unjudged has one record (the pack's message, check's JSON and its exit code agree), a stack config that cannot be
// read is not silently empty, and a failed credential step prints no command line.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { AccountFile } from "../../tools/local-iam/account-file";
import { errorEnvelope, leaf, list, successEnvelope } from "../../tools/local-iam/xml";
import { drivePack } from "../../tools/driver/drive-pack";
import { reportOf, runCheck } from "../helpers/check-cli";
import { packEnv, REPO, sampleAccount, sampleExport, sampleStack, verdictLines } from "../helpers/samples";

const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };
const user = (name: string, extra: Record<string, unknown> = {}) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
    ...extra,
});

describe("the pack: never confidently wrong", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    afterEach(() => iam?.close());

    it("one odd key (created in 2099) is reported unavailable by name; its stale sibling and the password are judged", async () => {
        const FUTURE = "AKIAFUTURECREATED001";
        const OLD = "AKIAOLDKEY2019000001";
        const account: AccountFile = {
            users: [
                {
                    userName: "old-keys",
                    loginProfile: { created: "2019-01-10T08:00:00Z" },
                    passwordLastUsed: "2019-05-01T09:00:00Z",
                    accessKeys: [
                        {
                            accessKeyId: OLD,
                            created: "2019-03-04T10:11:12Z",
                            lastUsed: { at: "2019-06-01T12:00:00Z", service: "s3", region: "us-east-1" },
                        },
                    ],
                },
            ],
            faults: {
                // ListAccessKeys as IAM wrote it, one key's CreateDate in 2099.
                rawBody: [
                    {
                        action: "ListAccessKeys",
                        userName: "old-keys",
                        body: successEnvelope(
                            "ListAccessKeys",
                            [
                                list("AccessKeyMetadata", [
                                    [
                                        leaf("UserName", "old-keys"),
                                        leaf("AccessKeyId", FUTURE),
                                        leaf("Status", "Active"),
                                        leaf("CreateDate", "2099-01-01T00:00:00Z"),
                                    ],
                                    [
                                        leaf("UserName", "old-keys"),
                                        leaf("AccessKeyId", OLD),
                                        leaf("Status", "Active"),
                                        leaf("CreateDate", "2019-03-04T10:11:12Z"),
                                    ],
                                ]),
                                leaf("IsTruncated", false),
                            ],
                            "0d6e5a4c-recorded",
                        ),
                    },
                ],
            },
        };
        iam = await startLocalIam(account);
        const result = await drivePack({
            packDir: REPO,
            stack,
            resources: [user("old-keys")],
            env: packEnv(iam, { UNUSED_CREDENTIALS_SOURCE: "api" }),
        });
        assert.deepEqual(verdictLines(result), [
            `advisory iam-user-usage-data-unavailable old-keys ${FUTURE}`,
            `mandatory iam-user-unused-access-key old-keys ${OLD}`,
            "mandatory iam-user-unused-password old-keys password",
        ]);
        const unavailable = result.results[0].diagnostics.find(d => d.policyName === "iam-user-usage-data-unavailable")!.message;
        assert.match(
            unavailable,
            /iam:ListAccessKeys answered a CreateDate of key AKIAFUTURECREATED001 that is in the future \(2099-01-01T00:00:00\.000Z\), which the pack cannot judge from\. Its access key AKIAFUTURECREATED001 was not judged; this is not a pass\./,
        );
        // With the unavailable policy mandatory, as the compliance presets make it, the odd key blocks too.
    });

    describe("one record of what went unjudged", () => {
        /** paul (80 days idle, inside the notice window) with a report that clears him at 90 days, and ListAccessKeys refused. */
        const paulAccount = (): AccountFile => ({
            ...sampleAccount(),
            credentialReport: { generatedHoursAgo: 1 },
            faults: {
                rawBody: [
                    {
                        action: "ListAccessKeys",
                        userName: "paul-idle-80-days",
                        status: 403,
                        body: errorEnvelope(
                            "Sender",
                            "InvalidClientTokenId",
                            "The security token included in the request is invalid.",
                            "req-403",
                        ),
                    },
                ],
            },
        });

        it("a notice whose read fails says so as a notice: the judging policy judged from the report, nothing is reported unjudged", async () => {
            iam = await startLocalIam(paulAccount());
            const paul = sampleStack().resources.filter(r => r.name === "paul-idle-80-days");
            const result = await drivePack({ packDir: REPO, stack: sampleStack().identity, resources: paul, env: packEnv(iam) });
            const diagnostics = result.results[0].diagnostics;
            assert.deepEqual(
                diagnostics.map(d => `${d.enforcementLevel} ${d.policyName}`),
                ["advisory iam-user-credential-unused-soon"],
            );
            assert.match(
                diagnostics[0].message,
                /whether its access keys reach the threshold of iam-user-unused-access-key within 14 days could not be read: iam:ListAccessKeys failed: InvalidClientTokenId: The security token included in the request is invalid\. No notice can be given;/,
            );
        });

        /** check on an export of paul alone, against the endpoint serving `account`. */
        const checkPaul = async (account: AccountFile) => {
            iam = await startLocalIam(account);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paul-"));
            const exported = sampleExport();
            exported.deployment.resources = exported.deployment.resources.filter(
                (r: { type: string; urn: string }) => r.type.startsWith("pulumi:") || r.urn.endsWith("::paul-idle-80-days"),
            );
            const file = path.join(dir, "paul.json");
            fs.writeFileSync(file, JSON.stringify(exported));
            const r = await runCheck(["--stack-export", file, "--endpoint", iam.url, "--json"], {
                AWS_ACCESS_KEY_ID: "AKIDPAULTEST00000000",
                AWS_SECRET_ACCESS_KEY: "x",
            });
            return { code: r.code, report: reportOf(r) };
        };

        it("check gives the same answer: nothing unjudged, the notice listed as not computed, exit 0", async () => {
            const { code, report } = await checkPaul(paulAccount());
            assert.deepEqual(report.unjudged, []);
            assert.deepEqual(
                report.credentials.map((c: { kind: string; user: string }) => `${c.kind} ${c.user}`),
                ["notice-unavailable paul-idle-80-days"],
            );
            assert.equal(code, 0);
        });

        it("when the judging policy itself cannot read, the unavailable policy and check agree it went unjudged (exit 4), and no notice repeats it", async () => {
            iam = await startLocalIam({ ...paulAccount(), credentialReport: undefined });
            const paul = sampleStack().resources.filter(r => r.name === "paul-idle-80-days");
            const result = await drivePack({ packDir: REPO, stack: sampleStack().identity, resources: paul, env: packEnv(iam) });
            assert.deepEqual(
                result.results[0].diagnostics.map(d => d.policyName),
                ["iam-user-usage-data-unavailable"],
            );
            assert.match(
                result.results[0].diagnostics[0].message,
                /InvalidClientTokenId.*Its access keys were not judged; this is not a pass\./,
            );
            await iam.close();
            const { code, report } = await checkPaul({ ...paulAccount(), credentialReport: undefined });
            assert.deepEqual(
                report.unjudged.map(u => [u.user, u.credentials.map(c => c.credential)]),
                [["paul-idle-80-days", ["access-key"]]],
            );
            assert.deepEqual(report.credentials, []);
            assert.equal(code, 4);
        });
    });

    it("a PULUMI_CONFIG that cannot be read: users without a provider are not judged, naming it; users with a provider are", async () => {
        iam = await startLocalIam({
            users: [
                {
                    userName: "stale",
                    accessKeys: [{ accessKeyId: "AKIASTALEKEY00000009", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
                },
            ],
        });
        const provider = {
            type: "pulumi:providers:aws",
            name: "explicit",
            urn: "urn:pulumi:dev::proj::pulumi:providers:aws::explicit",
            props: { region: "us-east-1" },
        };
        const result = await drivePack({
            packDir: REPO,
            mode: "analyze",
            stack,
            resources: [
                user("stale"),
                { ...user("stale"), name: "with-provider", urn: "urn:pulumi:dev::proj::aws:iam/user:User::with-provider", provider },
            ],
            env: packEnv(iam, { PULUMI_CONFIG: '{"aws:assumeRoles": [' }),
        });
        const [bare, withProvider] = result.results;
        assert.deepEqual(
            bare.diagnostics.map(d => d.policyName),
            ["iam-user-usage-data-unavailable"],
        );
        assert.match(
            bare.diagnostics[0].message,
            /the stack's configuration \(PULUMI_CONFIG\) is not JSON \(it ends early\), so the account the stack's default AWS configuration reaches cannot be known/,
        );
        assert.deepEqual(
            withProvider.diagnostics.map(d => d.policyName),
            ["iam-user-unused-access-key"],
        );
    });

    it("a failing credential_process: the message names the step, never its command line or output", async () => {
        iam = await startLocalIam({ users: [{ userName: "stale" }] });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "process-"));
        const config = path.join(dir, "config");
        fs.writeFileSync(config, '[profile broken]\ncredential_process = sh -c "echo TOKEN-S3CR3T-123 >&2; exit 3" --token=S3CR3T-ARG\n');
        const provider = {
            type: "pulumi:providers:aws",
            name: "broken",
            urn: "urn:pulumi:dev::proj::pulumi:providers:aws::broken",
            props: {
                region: "us-east-1",
                profile: "broken",
                sharedConfigFiles: JSON.stringify([config]),
                sharedCredentialsFiles: JSON.stringify([path.join(dir, "none")]),
            },
        };
        const result = await drivePack({ packDir: REPO, stack, resources: [user("stale", { provider })], env: packEnv(iam) });
        const message = result.results[0].diagnostics[0].message;
        assert.match(
            message,
            /could not read the credentials of profile broken: its credential_process command failed \(its command line and output are not shown/,
        );
        assert.doesNotMatch(message, /S3CR3T|sh -c|exit 3/);
    });
});
