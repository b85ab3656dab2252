// End to end: IAM faults reach the user as iam-user-usage-data-unavailable, never as a pass or a hang.
import { strict as assert } from "node:assert";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const KEY = "AKIAFAULTSTALEKEY001";
const userResource = (name: string) => ({
    type: "aws:iam/user:User",
    name,
    urn: `urn:pulumi:dev::proj::aws:iam/user:User::${name}`,
    props: { name },
});

describe("end to end: IAM faults through the CLI-faithful driver", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    beforeEach(async () => {
        iam = await startLocalIam({
            users: [
                {
                    userName: "stale",
                    accessKeys: [
                        { accessKeyId: KEY, created: { daysAgo: 300 }, lastUsed: { daysAgo: 200, service: "s3", region: "us-east-1" } },
                    ],
                },
                { userName: "fresh", loginProfile: { created: { daysAgo: 10 } } },
            ],
        });
    });
    afterEach(() => iam.close());

    const run = (env: NodeJS.ProcessEnv = {}) =>
        drivePack({
            packDir: REPO,
            stack: { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true },
            env: packEnv(iam, env),
            resources: [userResource("stale"), userResource("fresh")],
            concurrency: 2,
        });

    it("AccessDenied for one user: that user is reported unavailable, the other is judged", async () => {
        iam.setFaults({ accessDenied: [{ userName: "stale" }] });
        assert.deepEqual(verdictLines(await run()), ["advisory iam-user-usage-data-unavailable stale -"]);
    });

    it("transient throttling and service failures are retried and the verdicts are unchanged", async () => {
        iam.setFaults({
            transient: [
                { code: "Throttling", count: 2 },
                { code: "ServiceFailure", count: 1 },
            ],
        });
        assert.deepEqual(verdictLines(await run()), [`mandatory iam-user-unused-access-key stale ${KEY}`]);
    });

    it("throttling that outlasts the retries is reported, not passed", async () => {
        iam.setFaults({ transient: [{ code: "Throttling", count: 1000 }] });
        const lines = verdictLines(await run({ UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "2", UNUSED_CREDENTIALS_SOURCE: "api" }));
        assert.deepEqual(lines, ["advisory iam-user-usage-data-unavailable fresh -", "advisory iam-user-usage-data-unavailable stale -"]);
    });

    it("a hung IAM is reported within the configured deadline, and the preview finishes", async () => {
        iam.setFaults({ hang: [{ userName: "stale" }] });
        const started = Date.now();
        const result = await run({ UNUSED_CREDENTIALS_IAM_TIMEOUT_SECONDS: "1" });
        assert.deepEqual(verdictLines(result), ["advisory iam-user-usage-data-unavailable stale -"]);
        assert.match(result.results[0].diagnostics[0].message, /IAM did not answer iam:\w+ within 1 s/);
        assert.ok(Date.now() - started < 30_000);
    });

    it("an unreachable endpoint is reported for every user", async () => {
        await iam.close();
        const lines = verdictLines(await run({ UNUSED_CREDENTIALS_IAM_MAX_ATTEMPTS: "1" }));
        assert.deepEqual(lines, ["advisory iam-user-usage-data-unavailable fresh -", "advisory iam-user-usage-data-unavailable stale -"]);
        iam = await startLocalIam({ users: [] }); // for afterEach
    });

    it("the mandatory level can be set for the unavailable policy so an unchecked stack is blocked", async () => {
        iam.setFaults({ accessDenied: [{ action: "ListAccessKeys" }] });
        const result = await drivePack({
            packDir: REPO,
            stack: { stack: "dev", project: "proj", organization: "org", config: {}, dryRun: true },
            env: packEnv(iam),
            resources: [userResource("fresh")],
            configFile: { "iam-user-usage-data-unavailable": "mandatory" },
        });
        assert.deepEqual(verdictLines(result), ["mandatory iam-user-usage-data-unavailable fresh -"]);
    });
});
