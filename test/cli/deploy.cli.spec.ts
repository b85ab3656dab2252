// Under the real Pulumi CLI: a stack deployed with `pulumi up` into the local IAM endpoint by the stand-in provider,
// its key aged there, then gated: the update stops before the user's step and changes nothing; the deployable fix
// (status "Inactive" with the retiring tag) goes through preview and up; the next preview is clean. The deployed
// stack's export feeds `check` (JSON, a dry run of fixes, SARIF), and `pulumi policy analyze` audits its state.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { describeWithCli, policyLines, Workspace } from "../helpers/pulumi-cli";
import { reportOf, runCheck } from "../helpers/check-cli";
import { REPO } from "../helpers/samples";
import type { SarifLog } from "../../tools/check/sarif";

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** The official SARIF 2.1.0 schema, as code scanning validates uploads. */
function sarifValidator() {
    const schema = JSON.parse(
        fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    ) as object;
    // The schema has a pattern that is not valid in unicode mode (a stray "]"), as published.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(schema);
}

describeWithCli("pulumi up, the deployable fix, stack export into check, pulumi policy analyze", function (cli) {
    this.timeout(600_000);
    let iam: LocalIam;
    let workspace: Workspace;
    let keyId: string;
    const key = () => iam.users.get("deployer")!.accessKeys.find(k => k.accessKeyId === keyId)!;

    before(async () => {
        iam = await startLocalIam({ accountId: "111122223333", users: [] });
        workspace = await Workspace.create(cli, "deploy", { iam });
        // Deployed without the pack, while the key is new; then the key is left unused for 200 days.
        const up = await workspace.pulumi(["up", "--yes"]);
        assert.equal(up.code, 0, up.output);
        keyId = iam.users.get("deployer")!.accessKeys[0].accessKeyId;
        key().created = new Date(Date.now() - 200 * DAY);
    });
    after(async () => {
        workspace?.remove();
        await iam?.close();
    });

    it("the deployed stack is in IAM as the stand-in provider created it: the user with its tags, the key active", () => {
        assert.deepEqual(iam.users.get("deployer")!.tags, [{ key: "team", value: "platform" }]);
        assert.match(keyId, /^AKIA[A-Z0-9]{16}$/);
        assert.equal(key().status, "Active");
    });

    describe("the deployed stack's export", () => {
        let exportFile: string;
        before(async () => {
            const exported = await workspace.pulumi(["stack", "export"]);
            assert.equal(exported.code, 0, exported.output);
            exportFile = path.join(workspace.dir, "export.json");
            fs.writeFileSync(exportFile, exported.stdout);
        });
        const check = (args: string[]) =>
            runCheck(["--stack-export", exportFile, "--endpoint", iam.url, ...args], {
                AWS_ACCESS_KEY_ID: "AKIDCHECKREALCLI0000",
                AWS_SECRET_ACCESS_KEY: "x",
            });

        it("check gives the preview's findings, each credential with its owner (the resource that manages it)", async () => {
            const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
            assert.equal(preview.code, 1);
            assert.deepEqual(policyLines(preview.output), ["mandatory iam-user-unused-access-key deployer"]);
            const r = await check(["--json"]);
            const report = reportOf(r);
            assert.equal(r.code, 1, r.stderr);
            assert.deepEqual(
                report.credentials.map(c => [c.kind, c.user, c.accessKeyId, c.accountId, c.owner]),
                [
                    [
                        "unused",
                        "deployer",
                        keyId,
                        "111122223333",
                        { stack: "deploy/dev", urn: "urn:pulumi:dev::deploy::aws:iam/accessKey:AccessKey::deployer-key" },
                    ],
                ],
            );
            assert.ok(preview.output.includes(report.violations[0].message.split("\n")[0]), "the same message as the preview's");
        });

        it("check --deactivate --dry-run prints the code change for the managed key, and changes nothing", async () => {
            const r = await check(["--deactivate", "--dry-run"]);
            assert.match(
                r.stdout,
                new RegExp(
                    `fix in code   deployer: access key ${keyId} is managed by urn:pulumi:dev::deploy::aws:iam/accessKey:AccessKey::deployer-key: set status: "Inactive"`,
                ),
            );
            assert.equal(key().status, "Active");
        });

        it("check --format sarif: valid SARIF 2.1.0, one result at the line of the program that declares the user", async () => {
            const r = await check(["--format", "sarif", "--source-root", "infra"]);
            const log = JSON.parse(r.stdout) as SarifLog;
            const validate = sarifValidator();
            assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
            assert.equal(validate({ ...log, version: "2.0.0" }), false, "the schema does refuse what is not SARIF 2.1.0");
            const [result] = log.runs[0].results;
            assert.equal(log.runs[0].results.length, 1);
            assert.equal(result.ruleId, "iam-user-unused-access-key");
            assert.equal(result.level, "error");
            assert.deepEqual(result.locations[0].physicalLocation, {
                artifactLocation: { uri: "infra/index.ts", uriBaseId: "%SRCROOT%" },
                region: { startLine: 4, startColumn: 18 },
            });
            assert.match(result.message.text, new RegExp(`active access key ${keyId} is unused`));
            assert.deepEqual(
                log.runs[0].tool.driver.rules.map(rule => rule.id),
                [
                    "iam-user-unused-password",
                    "iam-user-unused-access-key",
                    "iam-user-credential-unused-soon",
                    "iam-user-usage-data-unavailable",
                ],
            );
        });

        it("pulumi policy analyze --stack and --file judge the deployed state: the same finding, exit 1", async () => {
            for (const target of [
                ["--stack", "dev"],
                ["--file", exportFile],
            ]) {
                const analyze = await workspace.pulumi(["policy", "analyze", "--policy-pack", REPO, ...target]);
                assert.equal(analyze.code, 1, analyze.output);
                assert.deepEqual(policyLines(analyze.output), ["mandatory iam-user-unused-access-key deployer"]);
                assert.match(
                    analyze.output,
                    new RegExp(
                        `IAM user 'deployer' in account 111122223333 \\(provider default_7_48_0\\): active access key ${keyId} is unused`,
                    ),
                );
                assert.match(analyze.output, /one or more mandatory policy violations were found/);
            }
            const advisory = path.join(workspace.dir, "advisory.json");
            fs.writeFileSync(advisory, JSON.stringify({ all: "advisory" }));
            const audit = await workspace.pulumi([
                "policy",
                "analyze",
                "--policy-pack",
                REPO,
                "--stack",
                "dev",
                "--policy-pack-config",
                advisory,
            ]);
            assert.equal(audit.code, 0, "an advisory finding does not fail an audit");
        });
    });

    describe("gating pulumi up", () => {
        it("a mandatory violation stops the update before the user's step: nothing changes in IAM, not even the key's own fix", async () => {
            workspace.useProgram("deploy-done"); // status "Inactive", without the retiring tag
            const up = await workspace.pulumi(["up", "--yes", "--policy-pack", REPO]);
            assert.notEqual(up.code, 0, up.output);
            assert.deepEqual(policyLines(up.output), ["mandatory iam-user-unused-access-key deployer"]);
            assert.equal(key().status, "Active", "the gate blocks its own fix when the fix carries no retiring tag");
        });

        it("the deployable fix (status Inactive with the retiring tag) passes preview and up; the key is inactive in IAM", async () => {
            workspace.useProgram("deploy-fixed");
            const set = await workspace.pulumi(["config", "set", "test:retiring", `${keyId} until ${inDays(7)}`]);
            assert.equal(set.code, 0, set.output);
            const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
            assert.equal(preview.code, 0, preview.output);
            assert.deepEqual(policyLines(preview.output), ["advisory iam-user-credential-unused-soon deployer"]);
            assert.match(
                preview.output,
                new RegExp(
                    `active access key ${keyId} is unused .* and is being retired: the tag unused-credentials:retiring names it until ${inDays(7)}`,
                ),
            );
            const up = await workspace.pulumi(["up", "--yes", "--policy-pack", REPO]);
            assert.equal(up.code, 0, up.output);
            assert.equal(key().status, "Inactive");
            assert.ok(iam.users.get("deployer")!.tags.some(t => t.key === "unused-credentials:retiring"));
        });

        it("the next preview, without the tag, is clean", async () => {
            workspace.useProgram("deploy-done");
            const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
            assert.equal(preview.code, 0, preview.output);
            assert.deepEqual(policyLines(preview.output), []);
        });
    });

    describe("the stand-in provider's other operations, through the real CLI", () => {
        it("refresh reads the stack back, import adopts an existing user, destroy deletes what the stack holds", async () => {
            iam.users.set("legacy", {
                userName: "legacy",
                path: "/",
                userId: "AIDALEGACY0000000000",
                created: new Date(Date.now() - 900 * DAY),
                tags: [],
                accessKeys: [],
            });
            const refresh = await workspace.pulumi(["refresh", "--yes"]);
            assert.equal(refresh.code, 0, refresh.output);
            const imported = await workspace.pulumi([
                "import",
                "aws:iam/user:User",
                "legacy",
                "legacy",
                "--yes",
                "--protect=false",
                "--generate-code=false",
            ]);
            assert.equal(imported.code, 0, imported.output);
            const state = await workspace.pulumi(["stack", "export"]);
            type Export = { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
            const resources = (JSON.parse(state.stdout) as Export).deployment.resources;
            assert.equal(resources.find(r => r.urn.endsWith("::legacy"))?.outputs?.arn, "arn:aws:iam::111122223333:user/legacy");
            const destroy = await workspace.pulumi(["destroy", "--yes"]);
            assert.equal(destroy.code, 0, destroy.output);
            assert.deepEqual([...iam.users.keys()], [], "the key, then the users, deleted in IAM");
        });
    });
});
