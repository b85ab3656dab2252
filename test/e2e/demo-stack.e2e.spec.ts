// End to end: the pack started as `pulumi preview --policy-pack` starts it, driven over gRPC, against the
// local IAM endpoint serving the sample account. Every rule and numbered case of docs/unused.md, asserted on
// the diagnostics that come back over the wire, and nothing else.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack } from "../../tools/driver/drive-pack";
import { UNKNOWN_STRING } from "../../tools/driver/analyzer-client";
import { packEnv, REPO, sampleAccount, sampleStack, verdictLines } from "../helpers/samples";

const EXPECTED_DEFAULT = [
    "advisory iam-user-credential-unused-soon paul-idle-80-days AKIAPAULIDLE80DAYS01", // 80 of 90 days: notice 10 days ahead
    "advisory iam-user-usage-data-unavailable grace-access-denied AKIAGRACEDENIED00001", // 6. errors never pass: the key whose last use is denied is named
    "mandatory iam-user-unused-access-key alice-stale-key AKIAALICESTALE000001", // stale key; its fresh sibling passes
    "mandatory iam-user-unused-access-key bob-never-used-key AKIABOBNEVERUSED0001", // 1. never used, aged from creation
    "mandatory iam-user-unused-access-key dave-inactive-then-stale AKIADAVESTALE0000002", // 3. key 2 judged, inactive key 1 not
    "mandatory iam-user-unused-access-key erin-two-stale-keys AKIAERINSTALEKEY0001", // 4. two keys, two findings
    "mandatory iam-user-unused-access-key erin-two-stale-keys AKIAERINSTALEKEY0002",
    "mandatory iam-user-unused-access-key heidi-exactly-90-days AKIAHEIDIEXACTLY9001", // 7. inclusive boundary
    "mandatory iam-user-unused-access-key quinn-exempt-until-2099 AKIAQUINNEXEMPT00001", // exempt-until beyond maxExemptionDays
    "mandatory iam-user-unused-access-key svc-deploy-ci-eu AKIASVCDEPLOYCIEU001", // 12. + = , . @ - in the name
    "mandatory iam-user-unused-password ivan-stale-password password",
    "mandatory iam-user-unused-password judy-never-used-password password", // 1. never-used password
    "mandatory iam-user-unused-password nina password", // aws-native user
    "mandatory iam-user-unused-password rita-expired-exemption password", // an expired exemption tag exempts nothing
];
// Not flagged: carol-new-key (2.), frank-deleted-password (5.), ken-recreated-password, olivia-in-use,
// peggy-idle-60-days (60 < 90 - 14: no notice either), new-hire-not-yet-created (not in IAM yet), zed-not-in-stack (not managed), the AccessKey resource.

describe("end to end: the sample stack through the CLI-faithful driver", function () {
    this.timeout(120_000);
    let iam: LocalIam;
    beforeEach(async () => {
        iam = await startLocalIam(sampleAccount());
    });
    afterEach(() => iam.close());

    const run = (
        options: { concurrency?: number; configFile?: Record<string, unknown>; extraResources?: never[]; env?: NodeJS.ProcessEnv } = {},
    ) => {
        const stack = sampleStack();
        return drivePack({
            packDir: REPO,
            stack: stack.identity,
            env: packEnv(iam, options.env),
            resources: [...stack.resources, ...(options.extraResources ?? [])],
            concurrency: options.concurrency,
            configFile: options.configFile,
        });
    };

    it("reports exactly the unused credentials, one diagnostic per credential, Analyze calls one at a time", async () => {
        const result = await run({ concurrency: 1 });
        assert.deepEqual(verdictLines(result), EXPECTED_DEFAULT);
        assert.equal(result.output, "", "the pack prints nothing a preview would show");
    });

    it("gives the same verdicts when Analyze calls arrive concurrently, reading each user once", async () => {
        const listed = new Map<string, number>();
        iam.afterAnswer = (action, params) => {
            if (action === "ListAccessKeys") listed.set(params.get("UserName")!, (listed.get(params.get("UserName")!) ?? 0) + 1);
        };
        const result = await run({ concurrency: 16 });
        assert.deepEqual(verdictLines(result), EXPECTED_DEFAULT);
        // Coalescing: 16 calls in flight share one read per user. grace's GetAccessKeyLastUsed is denied, which is
        // also real IAM's answer for a key deleted since it was listed: grace's keys are read once more (and
        // reported unavailable).
        const twice = [...listed].filter(([, n]) => n > 1).map(([user, n]) => `${user} ${n}`);
        assert.deepEqual(twice, ["grace-access-denied 2"]);
    });

    for (const concurrency of [1, 16]) {
        it(`through the credential report (concurrency ${concurrency}): the same verdicts, with live reads only to confirm`, async () => {
            const result = await run({ concurrency, env: { UNUSED_CREDENTIALS_SOURCE: "report" } });
            assert.deepEqual(verdictLines(result), EXPECTED_DEFAULT);
            assert.equal(iam.calls.get("GetCredentialReport"), 2, "one miss, one read of the generated report");
            assert.equal(iam.calls.get("GenerateCredentialReport"), 2, "STARTED, then COMPLETE");
            // Confirmed live: the users with a finding, grace (denied), paul (inside the notice window, which the
            // report cannot clear at 76 days) and other stale-looking keys; never olivia and peggy, whom the report
            // proves fresh even for the notice (carol has a new never-used key, so she is confirmed too).
            const confirmed = iam.calls.get("ListAccessKeys") ?? 0;
            assert.ok(confirmed <= 17, `only users the report cannot clear are read live (${confirmed} of 19)`);
        });
    }

    for (const tz of ["Pacific/Kiritimati", "Etc/GMT+12"]) {
        it(`8. UTC only: the same verdicts and idle days with the pack's local time zone set to ${tz}`, async () => {
            const result = await run({ env: { TZ: tz } });
            assert.deepEqual(verdictLines(result), EXPECTED_DEFAULT);
            const heidi = result.results.find(r => r.resource.name === "heidi-exactly-90-days")!.diagnostics[0];
            assert.match(heidi.message, /idle 90 days, threshold 90 days/);
            // The time printed is the UTC time IAM recorded, not the pack's local time (14 or 12 hours away here).
            const recorded = iam.users.get("heidi-exactly-90-days")!.accessKeys[0].lastUsed!.date;
            assert.match(heidi.message, new RegExp(`last used ${recorded.toISOString().slice(0, 16).replace("T", " ")} UTC`));
        });
    }

    it("messages name the user, key, last use, idle days, threshold and the fix", async () => {
        const result = await run();
        const alice = result.results.find(r => r.resource.name === "alice-stale-key")!.diagnostics[0];
        assert.equal(alice.policyPackName, "unused-iam-credentials");
        assert.match(alice.message, /^Active access keys of managed IAM users must have been used within maxUnusedDays days\.\n/);
        assert.match(
            alice.message,
            /IAM user 'alice-stale-key' in account 111122223333 \(provider default_7_10_0\): active access key AKIAALICESTALE000001 is unused: last used .* UTC \(service s3, region eu-west-1\); idle 120 days, threshold 90 days\. Fix in code: set status "Inactive" on its aws\.iam\.AccessKey/,
        );
        const grace = result.results.find(r => r.resource.name === "grace-access-denied")!.diagnostics[0];
        assert.match(grace.message, /access denied to iam:GetAccessKeyLastUsed/);
    });

    it("applies a policy-pack config file as the engine does: CIS 45 days, levels, all, exemptions", async () => {
        const result = await run({
            configFile: {
                all: "advisory",
                "iam-user-unused-access-key": { enforcementLevel: "mandatory", maxUnusedDays: 45, exemptUsers: ["erin-*"] },
                "iam-user-usage-data-unavailable": "mandatory",
            },
        });
        const lines = verdictLines(result);
        assert.ok(lines.includes("mandatory iam-user-usage-data-unavailable grace-access-denied AKIAGRACEDENIED00001"));
        assert.ok(
            lines.includes("advisory iam-user-unused-password ivan-stale-password password"),
            "`all` sets the level of policies without their own",
        );
        assert.ok(!lines.some(l => l.includes("erin-two-stale-keys")), "exemptUsers glob");
        assert.ok(
            lines.includes("mandatory iam-user-unused-access-key peggy-idle-60-days AKIAPEGGYIDLE60DAYS1"),
            "CIS 45 days flags a key idle 60 days",
        );
        assert.equal(lines.filter(l => l.includes("iam-user-unused-access-key")).length, 8, "paul's 80 days too");
    });

    for (const file of ["cis-aws-foundations-1.12.json", "security-hub-iam.22.json"]) {
        it(`ships compliance/${file}: 45 days for passwords and keys, with the notice 14 days before`, async () => {
            const configFile = JSON.parse(fs.readFileSync(path.join(REPO, "compliance", file), "utf8")) as Record<string, unknown>;
            const result = await run({ configFile });
            assert.deepEqual(result.config["iam-user-unused-access-key"].properties.maxUnusedDays, 45);
            assert.deepEqual(result.config["iam-user-unused-password"].properties.maxUnusedDays, 45);
            const lines = verdictLines(result);
            assert.ok(
                lines.includes("mandatory iam-user-unused-access-key peggy-idle-60-days AKIAPEGGYIDLE60DAYS1"),
                "60 days idle is unused at 45",
            );
            assert.ok(lines.includes("mandatory iam-user-unused-access-key paul-idle-80-days AKIAPAULIDLE80DAYS01"));
            const alice = result.results
                .find(r => r.resource.name === "alice-stale-key")!
                .diagnostics.map(d => d.message)
                .join("\n");
            assert.match(alice, /AKIAALICESTALE000001 is unused: .*threshold 45 days/);
            // A preset that claims a framework lets no unknown pass: a user it could not read blocks the gate.
            assert.equal(result.config["iam-user-usage-data-unavailable"].enforcementLevel, "mandatory");
            assert.ok(lines.includes("mandatory iam-user-usage-data-unavailable grace-access-denied AKIAGRACEDENIED00001"));
        });
    }

    it("a user whose name is unknown during preview gets no violation and does not disturb the others", async () => {
        const unknownUser = {
            type: "aws:iam/user:User",
            name: "computed",
            urn: "urn:pulumi:demo::iam-team::aws:iam/user:User::computed",
            props: { name: UNKNOWN_STRING },
            provider: sampleStack().resources.find(r => r.type === "aws:iam/user:User")!.provider,
        };
        const result = await run({ concurrency: 4, extraResources: [unknownUser as never] });
        const computed = result.results.find(r => r.resource.name === "computed")!;
        assert.deepEqual(computed.diagnostics, []);
        assert.ok(computed.notApplicable.some(n => /name is not known yet/.test(n.reason)));
        assert.deepEqual(verdictLines(result), EXPECTED_DEFAULT);
    });
});
