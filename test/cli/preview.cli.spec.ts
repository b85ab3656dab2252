// Under the real Pulumi CLI: `pulumi preview --policy-pack` on TypeScript programs using @pulumi/aws and
// @pulumi/aws-native, a local backend, and users seeded in the local IAM endpoint. The CLI's exit code and its own
// output are what is asserted: the pack's messages as a user reads them.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { describeWithCli, freshWorkspaces, policyLines, Workspace } from "../helpers/pulumi-cli";
import { REPO } from "../helpers/samples";
import { SEEDED, SEEDED_VERDICTS } from "../helpers/seeded-account";

describeWithCli("pulumi preview --policy-pack", function (cli) {
    this.timeout(300_000);
    const workspaces = freshWorkspaces(cli);
    let workspace: Workspace;
    const write = (name: string, content: unknown) => {
        const file = path.join(workspace.dir, name);
        fs.writeFileSync(file, JSON.stringify(content));
        return file;
    };

    it("a mandatory violation fails the preview, and the CLI's own output shows each credential's message", async () => {
        ({ workspace } = await workspaces.open("seeded", SEEDED));
        const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
        assert.equal(preview.code, 1, preview.output);
        assert.deepEqual(policyLines(preview.output), SEEDED_VERDICTS);
        assert.match(
            preview.output,
            /active access key AKIAALICESTALE000001 is unused: last used .* \(service s3, region eu-west-1\); idle 120 days, threshold 90 days/,
        );
        assert.match(preview.output, /active access key AKIABOBNEVERUSED0001 is unused: never used, created/);
        assert.match(
            preview.output,
            /IAM user 'native-nina' in account 111122223333 \(provider default_1_79_0\): console password is unused/,
        );
        assert.match(preview.output, /active access key AKIAPAULIDLE80DAYS01 will count as unused on .*, in 10 days/);
        assert.doesNotMatch(preview.output, /AKIACAROLFRESH000001/, "a fresh key is not reported");
        assert.doesNotMatch(preview.output, /not-a-real-password/, "no secret is printed");
    });

    it("advisory violations do not fail it; --policy-pack-config with the CIS file moves the threshold to 45 days", async () => {
        ({ workspace } = await workspaces.open("seeded", SEEDED));
        const advisory = write("advisory.json", { all: "advisory" });
        const relaxed = await workspace.pulumi(["preview", "--policy-pack", REPO, "--policy-pack-config", advisory]);
        assert.equal(relaxed.code, 0, relaxed.output);
        assert.deepEqual(policyLines(relaxed.output), SEEDED_VERDICTS.map(l => l.replace(/^mandatory/, "advisory")).sort());
        const cis = await workspace.pulumi([
            "preview",
            "--policy-pack",
            REPO,
            "--policy-pack-config",
            path.join(REPO, "compliance", "cis-aws-foundations-1.12.json"),
        ]);
        assert.equal(cis.code, 1);
        assert.ok(policyLines(cis.output).includes("mandatory iam-user-unused-access-key paul-idle-80-days"), cis.output);
        assert.match(cis.output, /AKIAPAULIDLE80DAYS01 is unused: .*idle 80 days, threshold 45 days/);
    });

    it("a bad config value is refused by the CLI, naming the field", async () => {
        ({ workspace } = await workspaces.open("seeded", SEEDED));
        const bad = write("bad.json", { "iam-user-unused-access-key": { maxUnusedDays: 0 } });
        const preview = await workspace.pulumi(["preview", "--policy-pack", REPO, "--policy-pack-config", bad]);
        assert.notEqual(preview.code, 0);
        assert.match(preview.output, /iam-user-unused-access-key.*maxUnusedDays.*(greater than or equal to 1|>= 1)/s);
    });

    it("unknowns as the engine makes them: a role created in the stack, a name from another resource, a computed exemption tag", async () => {
        ({ workspace } = await workspaces.open("unknowns", SEEDED));
        const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
        assert.deepEqual(policyLines(preview.output), [
            "advisory iam-user-usage-data-unavailable behind-new-role",
            "advisory iam-user-usage-data-unavailable computed-exemption",
            "mandatory iam-user-unused-password known",
        ]);
        assert.match(
            preview.output,
            /provider via-new-role: its input `assumeRoles` is not known during preview, so the account it reaches cannot be known/,
        );
        assert.match(
            preview.output,
            /its tag unused-credentials:exempt-until is not known during preview, so whether it is exempt cannot be known/,
        );
        // named-after-group, whose name is not known yet, gets no violation (and the others are judged).
    });

    it("explicit providers for two accounts: each user is read in its own provider's account", async () => {
        ({ workspace } = await workspaces.open("two-accounts", {
            accountId: "111122223333",
            users: [
                {
                    userName: "shared",
                    accessKeys: [{ accessKeyId: "AKIASHAREDINAFRESH01", created: { daysAgo: 300 }, lastUsed: { daysAgo: 2 } }],
                },
            ],
            otherAccounts: [
                {
                    accountId: "444455556666",
                    users: [
                        {
                            userName: "shared",
                            accessKeys: [{ accessKeyId: "AKIASHAREDINBSTALE01", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
                        },
                    ],
                },
            ],
            identities: [{ accessKeyId: "AKIDACCOUNTB00000000", accountId: "444455556666" }],
        }));
        for (const [key, value] of Object.entries({
            keyA: "AKIDACCOUNTA00000000",
            accountA: "111122223333",
            keyB: "AKIDACCOUNTB00000000",
        })) {
            await workspace.pulumi(["config", "set", `test:${key}`, value]);
        }
        for (const key of ["secretA", "secretB"]) await workspace.pulumi(["config", "set", "--secret", `test:${key}`, "not-a-secret"]);
        const preview = await workspace.pulumi(["preview", "--policy-pack", REPO]);
        assert.deepEqual(policyLines(preview.output), ["mandatory iam-user-unused-access-key shared-in-b"]);
        assert.match(
            preview.output,
            /IAM user 'shared' in account 444455556666 \(provider account-b\): active access key AKIASHAREDINBSTALE01 is unused/,
        );
    });
});
