// Every deadline the pack promises, against the local endpoint's slow answers: headers at once and then a body that
// drips a byte at a time (a connection that never goes idle), and a connection that is accepted and never answered.
// Each spec states the bound it holds; the dripping requests are abandoned and their connections destroyed.
import { strict as assert } from "node:assert";
import { readUserUsage } from "../../rules/reading/per-user-reader";
import { UserUsage } from "../../rules/iam/usage";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { AccountFile } from "../../tools/local-iam/account-file";
import { drivePack } from "../../tools/driver/drive-pack";
import { requesterFor } from "../helpers/local-account";
import { packEnv, REPO } from "../helpers/samples";

const SLOW: AccountFile = {
    users: [
        {
            userName: "slow",
            loginProfile: { created: { daysAgo: 300 } },
            passwordLastUsed: { daysAgo: 200 },
            accessKeys: [{ accessKeyId: "AKIASLOWSLOWSLOW0001", created: { daysAgo: 300 } }],
        },
        { userName: "quick", accessKeys: [{ accessKeyId: "AKIAQUICKQUICKQUICK1", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }] },
    ],
    roles: [{ roleArn: "arn:aws:iam::123456789012:role/slow-hop" }],
};
/** Every body the endpoint sends for `user`'s requests (or for the given actions) drips over 30 s. */
const dripFor = (rules: { action?: string; userName?: string }[]) => ({ slowBody: rules.map(r => ({ ...r, seconds: 30 })) });
const ALL_USER_ACTIONS = ["GetLoginProfile", "GetUser", "ListAccessKeys", "GetAccessKeyLastUsed"].map(action => ({
    action,
    userName: "slow",
}));

const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };
const user = (name: string) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
});

function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
    const started = performance.now();
    return work().then(value => ({ value, seconds: (performance.now() - started) / 1000 }));
}

/** For each dripping answer the pack let go, whether it did so within `deadlineMs` (and half a second's slack) of its start. */
const closedAt = (iam: LocalIam, deadlineMs: number) => iam.abandoned().map(ms => ms < deadlineMs + 500);

const reasons = (usage: UserUsage) =>
    usage.status === "unavailable" ? [usage.reason] : usage.status === "found" ? usage.facts.doubts.map(d => d.reason) : [];

describe("deadlines against slow answers", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    afterEach(() => iam?.close());

    it("one request: a body dripping for 30 s is cut at the request deadline (1 s, bound 2.5 s) and its connection destroyed", async () => {
        iam = await startLocalIam({ ...SLOW, faults: dripFor([{ action: "GetLoginProfile" }]) });
        const { value, seconds } = await timed(() => readUserUsage(requesterFor(iam, { requestTimeoutMs: 1000, maxAttempts: 4 }), "slow"));
        assert.ok(seconds < 2.5, `${seconds} s`);
        assert.deepEqual(
            reasons(value),
            ["IAM did not answer iam:GetLoginProfile within 1 s"],
            "a timeout, whatever the SDK threw when its socket was destroyed",
        );
        assert.equal(value.status === "found" && value.facts.accessKeys.length, 1, "the keys are read all the same");
        await new Promise(resolve => setTimeout(resolve, 200));
        assert.deepEqual(closedAt(iam, 1000), [true], "the dripping connection was closed at the deadline, not left to finish");
    });

    it("one request: a connection accepted and never answered is cut at the request deadline (1 s, bound 2.5 s)", async () => {
        iam = await startLocalIam({ ...SLOW, faults: { hang: [{ action: "ListAccessKeys" }] } });
        const { value, seconds } = await timed(() => readUserUsage(requesterFor(iam, { requestTimeoutMs: 1000 }), "slow"));
        assert.ok(seconds < 2.5, `${seconds} s`);
        assert.deepEqual(reasons(value), ["IAM did not answer iam:ListAccessKeys within 1 s"]);
    });

    it("one user, every policy: the first request that times out (2 s) ends the user's wait, not its deadline (3 s); the next user is told at once, and one after the probe interval is judged", async () => {
        iam = await startLocalIam({
            ...SLOW,
            users: [
                ...SLOW.users,
                {
                    userName: "later",
                    accessKeys: [{ accessKeyId: "AKIALATERLATERLATER1", created: { daysAgo: 300 }, lastUsed: { daysAgo: 200 } }],
                },
            ],
            faults: dripFor(ALL_USER_ACTIONS),
        });
        const result = await drivePack({
            packDir: REPO,
            stack,
            resources: [user("slow"), user("quick"), user("later")],
            env: packEnv(iam, {
                UNUSED_CREDENTIALS_SOURCE: "api",
                UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "2",
                UNUSED_CREDENTIALS_USER_DEADLINE_SECONDS: "3",
                UNUSED_CREDENTIALS_PROBE_INTERVAL_SECONDS: "2",
            }),
            // The engine reaches `later` after the probe interval: its first request probes IAM, which answers it.
            onResult: r => (r.resource.name === "quick" ? new Promise(resolve => setTimeout(resolve, 2500)) : undefined),
        });
        const messageOf = (name: string) =>
            result.results.find(r => r.resource.name === name)!.diagnostics.find(d => d.policyName === "iam-user-usage-data-unavailable")
                ?.message;
        const outage =
            /IAM of account 123456789012 has not answered since \d\d:\d\d:\d\d UTC \(iam:GetLoginProfile: no answer within 2 s\); not asked again/;
        assert.match(
            messageOf("slow")!,
            /its console password: IAM did not answer iam:GetLoginProfile within 2 s; its access keys: IAM of account/,
        );
        assert.match(messageOf("slow")!, outage);
        assert.match(messageOf("quick")!, outage, "the next user is told at once, naming the outage");
        assert.ok(result.analyzeMs / 1000 < 2.5 + 4.5, `the whole preview took ${result.analyzeMs / 1000} s`);
        assert.deepEqual(closedAt(iam, 2000), [true], "the dripping request let go at the request's deadline; no other was sent");
        assert.deepEqual(
            result.results.find(r => r.resource.name === "later")!.diagnostics.map(d => d.policyName),
            ["iam-user-unused-access-key"],
            "a user reached after the probe interval is judged as usual",
        );
    });

    it("STS: a GetCallerIdentity body dripping for 30 s is cut at the request deadline (1 s, bound 4 s); every user of the provider is not judged", async () => {
        iam = await startLocalIam({ ...SLOW, faults: dripFor([{ action: "GetCallerIdentity" }]) });
        const { value: result, seconds } = await timed(() =>
            drivePack({
                packDir: REPO,
                stack,
                resources: [user("slow"), user("quick")],
                env: packEnv(iam, { UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" }),
            }),
        );
        assert.ok(seconds < 15, `${seconds} s, pack start included`);
        assert.ok(result.analyzeMs / 1000 < 4, `${result.analyzeMs / 1000} s`);
        for (const r of result.results)
            assert.match(
                r.diagnostics[0].message,
                /could not be verified at http:\/\/127\.0\.0\.1:\d+: STS did not answer sts:GetCallerIdentity within 1 s/,
            );
        assert.deepEqual(closedAt(iam, 1000), [true], "one verification for both users, its connection destroyed at the deadline");
    });

    it("a role step: an AssumeRole body dripping for 30 s is cut at its deadline (1 s, bound 4 s), naming the role", async () => {
        iam = await startLocalIam({ ...SLOW, faults: dripFor([{ action: "AssumeRole" }]) });
        const provider = {
            type: "pulumi:providers:aws",
            name: "via-role",
            urn: "urn:pulumi:dev::proj::pulumi:providers:aws::via-role",
            props: { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::123456789012:role/slow-hop" }]) },
        };
        const result = await drivePack({
            packDir: REPO,
            stack,
            resources: [{ ...user("slow"), provider }],
            env: packEnv(iam, { UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" }),
        });
        assert.ok(result.analyzeMs / 1000 < 4, `${result.analyzeMs / 1000} s`);
        assert.match(
            result.results[0].diagnostics[0].message,
            /could not assume role arn:aws:iam::123456789012:role\/slow-hop: TimeoutError: no answer within 1 s/,
        );
        const tries = closedAt(iam, 1000);
        assert.ok(
            tries.length >= 1 && tries.every(Boolean),
            `each try of the step had its dripping connection destroyed at the deadline: ${tries.join(", ")}`,
        );
    });

    it("the credential report: a GetCredentialReport body dripping for 30 s is cut at the request deadline, and the users are read live (bound 6 s)", async () => {
        iam = await startLocalIam({
            ...SLOW,
            credentialReport: { generatedHoursAgo: 1 },
            faults: dripFor([{ action: "GetCredentialReport" }]),
        });
        const result = await drivePack({
            packDir: REPO,
            stack,
            resources: [user("quick")],
            env: packEnv(iam, { UNUSED_CREDENTIALS_SOURCE: "report", UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" }),
        });
        assert.ok(result.analyzeMs / 1000 < 6, `${result.analyzeMs / 1000} s`);
        assert.deepEqual(
            result.results[0].diagnostics.map(d => d.policyName),
            ["iam-user-unused-access-key"],
            "judged from the per-user APIs",
        );
    });
});
