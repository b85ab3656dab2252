// End to end: every user is judged against the account of its own provider, verified with STS before any
// user is judged: two accounts with users of the same name, an assume-role chain through a local STS, an
// explicit provider that must not inherit the stack's config, account constraints that do not hold, a
// hanging STS, three regions of one account, default providers disabled, and exemptions recorded as tags.
import { strict as assert } from "node:assert";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { AnalyzedResource, UNKNOWN_STRING } from "../../tools/driver/analyzer-client";
import { REPO, verdictLines } from "../helpers/samples";

const HOP = "arn:aws:iam::222222222222:role/audit-hop";
const AUDITOR = "arn:aws:iam::222222222222:role/unused-credentials-auditor";
const BASE_KEY_B = "AKIDBASEACCOUNTB0000";

const stack = { stack: "prod", project: "iam", organization: "org", config: {}, dryRun: true };
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function user(name: string, userName: string, provider?: AnalyzedResource["provider"], tags?: Record<string, string>): AnalyzedResource {
    return {
        type: "aws:iam/user:User",
        name,
        urn: `urn:pulumi:prod::iam::aws:iam/user:User::${name}`,
        props: { name: userName, ...(tags ? { tags } : {}) },
        provider,
    };
}

describe("end to end: right account, right users", function () {
    this.timeout(120_000);
    let a: LocalIam;
    let b: LocalIam;
    beforeEach(async () => {
        a = await startLocalIam({
            accountId: "111111111111",
            users: [
                {
                    userName: "shared-name",
                    accessKeys: [
                        {
                            accessKeyId: "AKIAACCOUNTASTALE001",
                            created: { daysAgo: 400 },
                            lastUsed: { daysAgo: 200, service: "s3", region: "us-east-1" },
                        },
                    ],
                },
                {
                    userName: "only-in-a",
                    accessKeys: [{ accessKeyId: "AKIAACCOUNTAFRESH001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } }],
                },
            ],
        });
        b = await startLocalIam({
            accountId: "222222222222",
            users: [
                {
                    userName: "shared-name",
                    loginProfile: { created: { daysAgo: 300 } },
                    passwordLastUsed: { daysAgo: 150 },
                    accessKeys: [{ accessKeyId: "AKIAACCOUNTBFRESH001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 2 } }],
                },
            ],
            roles: [
                { roleArn: HOP, trustedAccessKeyIds: [BASE_KEY_B] },
                { roleArn: AUDITOR, trustedRoleArns: [HOP], externalId: "uic-external-id" },
            ],
            allowedCallers: { roleArns: [AUDITOR] },
        });
    });
    afterEach(async () => {
        await a.close();
        await b.close();
    });

    const providerA = () => ({
        type: "pulumi:providers:aws",
        name: "account-a",
        urn: "urn:pulumi:prod::iam::pulumi:providers:aws::account-a",
        props: {
            region: "us-east-1",
            accessKey: "AKIDACCOUNTA00000000",
            secretKey: "a-secret",
            endpoints: JSON.stringify([{ iam: a.url, sts: a.url }]),
            allowedAccountIds: JSON.stringify(["111111111111"]),
        },
    });
    const providerB = () => ({
        type: "pulumi:providers:aws",
        name: "account-b",
        urn: "urn:pulumi:prod::iam::pulumi:providers:aws::account-b",
        props: {
            region: "eu-west-1",
            accessKey: BASE_KEY_B,
            secretKey: "b-secret",
            endpoints: JSON.stringify([{ iam: b.url, sts: b.url }]),
            assumeRoles: JSON.stringify([
                { roleArn: HOP, sessionName: "hop" },
                { roleArn: AUDITOR, externalId: "uic-external-id", duration: "15m" },
            ]),
        },
    });

    it("judges users of the same name against their own provider's account", async () => {
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: baseEnv,
            concurrency: 4,
            resources: [
                user("shared-a", "shared-name", providerA()),
                user("only-a", "only-in-a", providerA()),
                user("shared-b", "shared-name", providerB()),
            ],
        });
        assert.deepEqual(verdictLines(result), [
            "mandatory iam-user-unused-access-key shared-a AKIAACCOUNTASTALE001",
            "mandatory iam-user-unused-password shared-b password",
        ]);
        const [keyFinding] = result.results.find(r => r.resource.name === "shared-a")!.diagnostics;
        assert.match(
            keyFinding.message,
            /IAM user 'shared-name' in account 111111111111 \(provider account-a\): active access key AKIAACCOUNTASTALE001/,
        );
        const [passwordFinding] = result.results.find(r => r.resource.name === "shared-b")!.diagnostics;
        assert.match(
            passwordFinding.message,
            /IAM user 'shared-name' in account 222222222222 \(provider account-b\): console password is unused/,
        );
    });

    it("reads account B through the assume-role chain: base key → hop → auditor", async () => {
        await drivePack({ packDir: REPO, stack, env: baseEnv, resources: [user("shared-b", "shared-name", providerB())] });
        const assumes = b.signers.filter(s => s.action === "AssumeRole");
        assert.deepEqual(
            assumes.map(s => (s.accessKeyId === BASE_KEY_B ? "base" : s.roleArn)),
            ["base", HOP],
        );
        const iamCalls = b.signers.filter(s => s.action !== "AssumeRole");
        assert.ok(iamCalls.length > 0 && iamCalls.every(s => s.roleArn === AUDITOR), "every IAM call is signed by the auditor session");
        assert.equal(a.totalCalls(), 0, "account A is never asked about account B's user");
    });

    it("a broken chain is reported as unavailable, naming the role", async () => {
        const broken = providerB();
        broken.props.assumeRoles = JSON.stringify([{ roleArn: HOP }, { roleArn: AUDITOR, externalId: "wrong" }]);
        const result = await drivePack({ packDir: REPO, stack, env: baseEnv, resources: [user("shared-b", "shared-name", broken)] });
        assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable shared-b -"]);
        assert.match(
            result.results[0].diagnostics[0].message,
            /could not assume role arn:aws:iam::222222222222:role\/unused-credentials-auditor: AccessDenied/,
        );
    });

    it("with default providers disabled and no region anywhere, uses the environment's account", async () => {
        const result = await drivePack({
            packDir: REPO,
            stack: { ...stack, config: { "pulumi:disable-default-providers": '["*"]' } },
            env: {
                ...baseEnv,
                AWS_ENDPOINT_URL_IAM: a.url,
                AWS_ENDPOINT_URL_STS: a.url,
                AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000",
                AWS_SECRET_ACCESS_KEY: "x",
            },
            resources: [user("shared-a", "shared-name")],
        });
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-access-key shared-a AKIAACCOUNTASTALE001"]);
        assert.match(
            result.results[0].diagnostics[0].message,
            /in account 111111111111 \(the stack's default AWS configuration\): active access key/,
        );
        assert.equal(result.output, "");
    });

    it("exemptions in tags: current ones exempt (and say so), expired and malformed ones say why they did not apply", async () => {
        const inThirtyDays = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
        const tagged = (name: string, until: string) =>
            user(name, "shared-name", providerA(), {
                "unused-credentials:exempt-until": until,
                "unused-credentials:exempt-reason": "vendor integration, JIRA-123",
            });
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: baseEnv,
            resources: [tagged("current", inThirtyDays), tagged("expired", "2020-01-31"), tagged("malformed", "next week")],
        });
        assert.deepEqual(verdictLines(result), [
            "mandatory iam-user-unused-access-key expired AKIAACCOUNTASTALE001",
            "mandatory iam-user-unused-access-key malformed AKIAACCOUNTASTALE001",
        ]);
        const current = result.results.find(r => r.resource.name === "current")!;
        assert.ok(
            current.notApplicable.some(
                n =>
                    n.policyName === "iam-user-unused-access-key" &&
                    n.reason ===
                        `IAM user 'shared-name' is exempt until ${inThirtyDays} by tag unused-credentials:exempt-until, reason: "vendor integration, JIRA-123"`,
            ),
        );
        const message = (name: string) => result.results.find(r => r.resource.name === name)!.diagnostics[0].message;
        assert.match(
            message("expired"),
            /Not exempt: the exemption unused-credentials:exempt-until=2020-01-31 expired, reason: "vendor integration, JIRA-123"\./,
        );
        assert.match(
            message("malformed"),
            /Not exempt: the tag unused-credentials:exempt-until="next week" is not a date \(YYYY-MM-DD\), so it exempts nothing\./,
        );
    });

    it("an explicit provider does not inherit the stack's config: the dev profile and role are not used for prod", async () => {
        const devConfig = {
            "aws:region": "us-east-1",
            "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::999999999999:role/dev-deployer" }]),
            "aws:allowedAccountIds": JSON.stringify(["999999999999"]),
        };
        const prod = {
            type: "pulumi:providers:aws",
            name: "prod",
            urn: "urn:pulumi:prod::iam::pulumi:providers:aws::prod",
            props: { region: "eu-west-1", endpoints: JSON.stringify([{ iam: a.url, sts: a.url }]) },
        };
        const result = await drivePack({
            packDir: REPO,
            stack: { ...stack, config: devConfig },
            env: { ...baseEnv, AWS_ACCESS_KEY_ID: "AKIDAMBIENT000000000", AWS_SECRET_ACCESS_KEY: "x" },
            resources: [user("shared-a", "shared-name", prod)],
        });
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-unused-access-key shared-a AKIAACCOUNTASTALE001"]);
        assert.match(result.results[0].diagnostics[0].message, /in account 111111111111 \(provider prod\)/);
        assert.equal(a.calls.get("AssumeRole"), undefined, "the stack config's role was not assumed");
        assert.ok(
            a.signers.every(s => s.accessKeyId === "AKIDAMBIENT000000000"),
            "every call signed with the environment's credentials",
        );
    });

    it("an account outside allowedAccountIds: every user of that provider is unavailable, naming both accounts, and its IAM is never read", async () => {
        const wrong = providerA();
        wrong.props.allowedAccountIds = JSON.stringify(["444455556666"]);
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: baseEnv,
            resources: [user("shared-a", "shared-name", wrong), user("only-a", "only-in-a", wrong)],
        });
        assert.deepEqual(verdictLines(result), [
            "advisory iam-user-usage-data-unavailable only-a -",
            "advisory iam-user-usage-data-unavailable shared-a -",
        ]);
        assert.match(
            result.results[0].diagnostics[0].message,
            /IAM user 'shared-name' in provider account-a: credentials could not be evaluated: the credentials of provider account-a reach account 111111111111, but its allowedAccountIds allow only 444455556666\. Its console password and access keys were not judged/,
        );
        assert.deepEqual(Object.fromEntries(a.calls), { GetCallerIdentity: 1 }, "verified once for the provider; no user read");
    });

    it("a role chain that ends in another account than the last role's is not trusted", async () => {
        // The auditor role's sessions are (per this local STS) in account 222222222222; claim it is in 333333333333.
        const lying: { props: Record<string, unknown> } & ReturnType<typeof providerB> = providerB();
        lying.props.assumeRoles = JSON.stringify([{ roleArn: HOP }, { roleArn: AUDITOR, externalId: "uic-external-id" }]);
        lying.props.allowedAccountIds = JSON.stringify(["333333333333"]);
        const result = await drivePack({ packDir: REPO, stack, env: baseEnv, resources: [user("shared-b", "shared-name", lying)] });
        assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable shared-b -"]);
        assert.match(
            result.results[0].diagnostics[0].message,
            /reach account 222222222222, but its allowedAccountIds allow only 333333333333/,
        );
    });

    it("a hanging STS is bounded: the user is reported unavailable naming the role, and the preview finishes", async () => {
        b.setFaults({ hang: [{ action: "AssumeRole" }] });
        const started = Date.now();
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: { ...baseEnv, UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" },
            resources: [user("shared-b", "shared-name", providerB())],
        });
        assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable shared-b -"]);
        assert.match(
            result.results[0].diagnostics[0].message,
            /could not assume role arn:aws:iam::222222222222:role\/audit-hop: TimeoutError: no answer within 1 s/,
        );
        assert.ok(Date.now() - started < 30_000);
    });

    it("a hanging GetCallerIdentity is bounded and names the endpoint", async () => {
        a.setFaults({ hang: [{ action: "GetCallerIdentity" }] });
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: { ...baseEnv, UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" },
            resources: [user("shared-a", "shared-name", providerA())],
        });
        assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable shared-a -"]);
        assert.match(
            result.results[0].diagnostics[0].message,
            new RegExp(`the account of provider account-a could not be verified at ${a.url.replace(/[.]/g, "\\.")}: .*within 1 s`),
        );
    });

    it("three regions of one account share one credential report, one cache and one rate cap", async () => {
        a.load({
            accountId: "111111111111",
            users: ["u1", "u2", "u3"].map((name, i) => ({
                userName: name,
                accessKeys: [{ accessKeyId: `AKIATHREEREGIONS000${i}`, created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } }],
            })),
            credentialReport: { generatedHoursAgo: 1 },
        });
        const inRegion = (region: string) => ({
            ...providerA(),
            name: `a-${region}`,
            urn: `urn:pulumi:prod::iam::pulumi:providers:aws::a-${region}`,
            props: { ...providerA().props, region },
        });
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: baseEnv,
            resources: [
                user("u1", "u1", inRegion("us-east-1")),
                user("u2", "u2", inRegion("eu-west-1")),
                user("u3", "u3", inRegion("ap-southeast-2")),
            ],
        });
        assert.deepEqual(verdictLines(result), []);
        assert.equal(a.calls.get("GetCredentialReport"), 1, "one report for the account, whatever the region");
        assert.equal(a.calls.get("GetCallerIdentity"), 3, "each credential configuration verified once");
        assert.equal(a.calls.get("ListAccessKeys"), undefined, "every user cleared by the shared report");
    });

    it("a provider input unknown during preview: its users are unavailable naming the input, and the policies stay on", async () => {
        // A role created in the same stack: its ARN is unknown until the update. Before, reading it threw inside
        // the policy SDK, which turned every policy into an advisory "can't run during preview" note.
        const pending = providerB();
        pending.props.assumeRoles = UNKNOWN_STRING;
        const withUnknownTags = { ...providerA(), props: { ...providerA().props, defaultTags: UNKNOWN_STRING } };
        const result = await drivePack({
            packDir: REPO,
            stack,
            env: baseEnv,
            resources: [user("shared-b", "shared-name", pending), user("shared-a", "shared-name", withUnknownTags)],
        });
        assert.deepEqual(verdictLines(result), [
            "advisory iam-user-usage-data-unavailable shared-b -",
            "mandatory iam-user-unused-access-key shared-a AKIAACCOUNTASTALE001",
        ]);
        const b = result.results.find(r => r.resource.name === "shared-b")!;
        assert.match(
            b.diagnostics[0].message,
            /provider account-b: its input `assumeRoles` is not known during preview, so the account it reaches cannot be known/,
        );
        assert.ok(
            result.results.every(r => r.diagnostics.every(d => !/can't run policy/.test(d.message))),
            "no policy was switched off",
        );
    });
});
