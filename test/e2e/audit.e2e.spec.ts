// End to end: audit mode, as `pulumi policy analyze` and Pulumi Policies' audit evaluations run the pack: no
// ConfigureStack, no PULUMI_CONFIG, no unknowns, each resource's state (its ARN included), and, for accounts
// discovered by Insights, no provider at all. A user is judged in the account its ARN names: through the
// credentials of the run when they reach it, through the role mapped to that account otherwise, and never
// in another account (before, a user of account B read with account A's credentials was "not in IAM": a pass).
import { strict as assert } from "node:assert";
import { AnalyzedResource } from "../../tools/driver/analyzer-client";
import { drivePack } from "../../tools/driver/drive-pack";
import { stackFromExport } from "../../tools/check/stack-export";
import { AccountFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { packEnv, REPO, verdictLines, sampleAccount, sampleExport } from "../helpers/samples";

const A = "111111111111";
const B = "222222222222";
const AUDITOR_B = `arn:aws:iam::${B}:role/unused-credentials-auditor`;
const RUNNER_KEY = "AKIDAUDITRUNNER00000"; // the runner's own credentials (an ESC environment's), in account A

/** A user as Insights discovers it: its state, with no Pulumi provider. */
function discovered(name: string, account: string, userName = name): AnalyzedResource {
    return {
        type: "aws:iam/user:User",
        name,
        urn: `urn:pulumi:insights::aws-${account}::aws:iam/user:User::${name}`,
        props: {
            name: userName,
            arn: `arn:aws:iam::${account}:user/${userName}`,
            path: "/",
            uniqueId: `AIDA${name.toUpperCase().padEnd(17, "X").slice(0, 17)}`,
            tags: {},
            tagsAll: {},
            forceDestroy: false,
        },
    };
}

const TWO_ACCOUNTS: AccountFile = {
    accountId: A,
    users: [
        {
            userName: "alice",
            accessKeys: [{ accessKeyId: "AKIAAUDITALICE000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 150, service: "s3" } }],
        },
        { userName: "shared", accessKeys: [{ accessKeyId: "AKIAAUDITSHAREDA0001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } }] },
    ],
    otherAccounts: [
        {
            accountId: B,
            users: [
                { userName: "bob", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 120 } },
                {
                    userName: "shared",
                    accessKeys: [
                        { accessKeyId: "AKIAAUDITSHAREDB0001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 200, service: "ec2" } },
                    ],
                },
            ],
        },
    ],
    roles: [
        { roleArn: AUDITOR_B, trustedAccessKeyIds: [RUNNER_KEY] },
        { roleArn: `arn:aws:iam::${A}:role/elsewhere`, trustedAccessKeyIds: [RUNNER_KEY] },
    ],
};
const RESOURCES = [
    discovered("alice", A),
    discovered("shared-in-a", A, "shared"),
    discovered("bob", B),
    discovered("shared-in-b", B, "shared"),
];

describe("end to end: audit mode", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    afterEach(() => iam?.close());

    /** An audit run: the runner's credentials, no stack config, no ConfigureStack. */
    const audit = async (env: NodeJS.ProcessEnv = {}, configFile?: Record<string, unknown>) => {
        iam = await startLocalIam(TWO_ACCOUNTS);
        return drivePack({
            packDir: REPO,
            mode: "analyze",
            stack: { stack: "insights", project: "aws", organization: "org", config: {}, dryRun: false },
            env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                AWS_ENDPOINT_URL_IAM: iam.url,
                AWS_ENDPOINT_URL_STS: iam.url,
                AWS_ACCESS_KEY_ID: RUNNER_KEY,
                AWS_SECRET_ACCESS_KEY: "x",
                ...env,
            },
            resources: RESOURCES,
            configFile,
        });
    };
    const message = (run: Awaited<ReturnType<typeof audit>>, name: string) =>
        run.results.find(r => r.resource.name === name)!.diagnostics[0]?.message ?? "";

    it("discovered users of two accounts: each judged in its own account, the other through the role mapped to it", async () => {
        const run = await audit({ UNUSED_CREDENTIALS_ACCOUNT_ROLES: JSON.stringify({ [B]: AUDITOR_B }) });
        assert.deepEqual(verdictLines(run), [
            "mandatory iam-user-unused-access-key alice AKIAAUDITALICE000001",
            "mandatory iam-user-unused-access-key shared-in-b AKIAAUDITSHAREDB0001",
            "mandatory iam-user-unused-password bob password",
        ]);
        assert.match(message(run, "alice"), new RegExp(`IAM user 'alice' in account ${A} \\(the environment's AWS configuration\\)`));
        assert.match(
            message(run, "shared-in-b"),
            new RegExp(`IAM user 'shared' in account ${B} \\(the environment's AWS configuration, role ${AUDITOR_B}\\)`),
        );
        // Account B's users were read with the auditor role's session, account A's with the runner's key.
        const reads = iam.signers.filter(s => s.action === "ListAccessKeys");
        assert.deepEqual(reads.map(s => s.roleArn ?? s.accessKeyId).sort(), [RUNNER_KEY, RUNNER_KEY, AUDITOR_B, AUDITOR_B].sort());
    });

    it("the mapping can come from a policy group's config (accountRoles) instead of the environment", async () => {
        const roles = { accountRoles: { [B]: AUDITOR_B } };
        const run = await audit({}, { "iam-user-unused-access-key": roles, "iam-user-unused-password": roles });
        assert.deepEqual(
            verdictLines(run).filter(l => l.includes(" bob ") || l.includes("shared-in-b")),
            ["mandatory iam-user-unused-access-key shared-in-b AKIAAUDITSHAREDB0001", "mandatory iam-user-unused-password bob password"],
        );
    });

    it("without a mapping, a user of another account is unavailable naming both accounts: never 'not in IAM', never a pass", async () => {
        const run = await audit();
        assert.deepEqual(verdictLines(run), [
            "advisory iam-user-usage-data-unavailable bob -",
            "advisory iam-user-usage-data-unavailable shared-in-b -",
            "mandatory iam-user-unused-access-key alice AKIAAUDITALICE000001",
        ]);
        assert.match(
            message(run, "bob"),
            new RegExp(
                `credentials could not be evaluated: the user's ARN names account ${B}, but the credentials of the environment's AWS configuration reach account ${A}; ` +
                    `map account ${B} to a role in it \\(accountRoles in the policy config, or UNUSED_CREDENTIALS_ACCOUNT_ROLES\\) to judge it`,
            ),
        );
        assert.equal(iam.calls.get("AssumeRole"), undefined);
    });

    it("a mapped role that is not in the user's account is refused: the account is verified, not assumed", async () => {
        const run = await audit({ UNUSED_CREDENTIALS_ACCOUNT_ROLES: JSON.stringify({ [B]: `arn:aws:iam::${A}:role/elsewhere` }) }).catch(
            e => e as Error,
        );
        assert.ok(run instanceof Error, "an invalid setting stops the pack at start");
        assert.match(
            run.message,
            new RegExp(
                `UNUSED_CREDENTIALS_ACCOUNT_ROLES maps account ${B} to "arn:aws:iam::${A}:role/elsewhere", which is not a role ARN in that account`,
            ),
        );
    });

    it("a role in the policy config that lands in another account than the user's: its users are unavailable, naming both", async () => {
        const roles = { accountRoles: { [B]: `arn:aws:iam::${A}:role/elsewhere` } };
        const run = await audit({}, { "iam-user-unused-access-key": roles, "iam-user-unused-password": roles });
        assert.deepEqual(
            verdictLines(run).filter(l => l.includes(" bob ")),
            ["advisory iam-user-usage-data-unavailable bob -"],
        );
        assert.match(message(run, "bob"), new RegExp(`reach account ${A}, but its allowedAccountIds allow only ${B}`));
    });

    it("a stack audit judges a stack's state exactly as a preview judges its inputs", async () => {
        const account = sampleAccount();
        const stack = stackFromExport(sampleExport());
        iam = await startLocalIam(account);
        const env = packEnv(iam);
        const preview = await drivePack({ packDir: REPO, stack: stack.identity, env, resources: stack.resources });
        // The state adds what the provider computed: the ARN (in the sample's account), the unique ID, tagsAll.
        const state = stack.resources.map(r => {
            const userName = (r.props.name ?? r.props.userName) as string | undefined;
            return userName
                ? {
                      ...r,
                      props: {
                          ...r.props,
                          arn: `arn:aws:iam::${account.accountId}:user/${userName}`,
                          uniqueId: "AIDAEXAMPLE0000000000",
                          tagsAll: r.props.tags ?? {},
                      },
                  }
                : r;
        });
        const analyzed = await drivePack({ packDir: REPO, mode: "analyze", stack: stack.identity, env, resources: state });
        assert.ok(verdictLines(preview).length > 10);
        assert.deepEqual(verdictLines(analyzed), verdictLines(preview));
    });

    it("hands the Policy Findings pages the pack's and each policy's display metadata over the wire", async () => {
        const run = await audit();
        assert.deepEqual([run.info.displayName, run.info.provider], ["Unused IAM credentials", "aws"]);
        assert.match(run.info.description, /unused past a threshold/);
        assert.match(run.info.readme, /iam-user-usage-data-unavailable/);
        assert.ok(run.info.tags.includes("iam"));
        const byName = new Map(run.info.policies.map(p => [p.name, p]));
        assert.deepEqual(
            [...byName.values()].map(p => [p.name, p.displayName, p.severity]),
            [
                ["iam-user-unused-password", "Unused IAM user console password", "high"],
                ["iam-user-unused-access-key", "Unused IAM user access key", "high"],
                ["iam-user-credential-unused-soon", "IAM user credential soon unused", "low"],
                ["iam-user-usage-data-unavailable", "IAM user credential usage unavailable", "medium"],
            ],
        );
        assert.equal(byName.get("iam-user-unused-access-key")!.framework?.reference, "IAM.8");
        assert.match(byName.get("iam-user-unused-access-key")!.remediationSteps, /Inactive/);
        assert.match(byName.get("iam-user-unused-access-key")!.url, /^https:\/\//);
    });
});
