// Every policy, and the pack, carries what the CLI and the Policy Findings pages show: names, descriptions,
// levels, severity, framework, remediation, links, tags, and a config schema whose defaults are the rule's.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { packMetadata } from "../rules/policies";
import { freshPack } from "./helpers/pack";

const policies = freshPack().list;
import { DEFAULT_MAX_UNUSED_DAYS } from "../rules/config/policy-config";

const RULES = path.join(__dirname, "..", "..", "rules");

describe("policy metadata", () => {
    for (const policy of policies) {
        describe(policy.name, () => {
            it("lives in a file named after it, with a kebab-case name and a display name", () => {
                assert.match(policy.name, /^[a-z]+(-[a-z]+)+$/);
                // A judging policy lives in its credential kind's module, with its reads and messages (rules/kinds/).
                const files = [path.join(RULES, `${policy.name}.ts`), path.join(RULES, "kinds", `${policy.name}.ts`)];
                assert.equal(files.filter(f => fs.existsSync(f)).length, 1, files.join(" or "));
                assert.ok(policy.displayName && policy.displayName.length <= 60 && !policy.displayName.endsWith("."), policy.displayName);
            });

            it("has a one-sentence description, a severity, remediation steps, tags and a link", () => {
                assert.match(policy.description, /^[A-Z][^.]*\.$/, "one sentence");
                assert.ok(["low", "medium", "high", "critical"].includes(policy.severity ?? ""));
                assert.ok((policy.remediationSteps ?? "").length > 40);
                assert.ok((policy.tags ?? []).includes("iam"));
                assert.match(policy.url ?? "", /^https:\/\/docs\.aws\.amazon\.com\//);
            });
        });
    }

    const [password, accessKey, notice, unavailable] = policies;
    const defaults = (policy: (typeof policies)[number]) =>
        Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]),
        );

    it("the two judging policies are mandatory and high, claim only what their default enforces (IAM.8, 90 days), and share one config", () => {
        for (const policy of [password, accessKey]) {
            assert.equal(policy.enforcementLevel, "mandatory");
            assert.equal(policy.severity, "high");
            assert.deepEqual([policy.framework?.name, policy.framework?.reference], ["AWS Security Hub", "IAM.8"]);
            assert.match(policy.framework?.specification ?? "", /90 days/);
            assert.ok(
                !(policy.tags ?? []).some(tag => /cis|iam\.22/i.test(tag)),
                "no claim of a 45-day framework the defaults do not enforce",
            );
            const properties = policy.configSchema?.properties ?? {};
            assert.deepEqual(defaults(policy), {
                maxUnusedDays: DEFAULT_MAX_UNUSED_DAYS,
                accountRoles: {},
                exemptUsers: [],
                exemptUntilTag: "unused-credentials:exempt-until",
                exemptReasonTag: "unused-credentials:exempt-reason",
                maxExemptionDays: 90,
                retiringTag: "unused-credentials:retiring",
            });
            assert.equal(DEFAULT_MAX_UNUSED_DAYS, 90);
            assert.deepEqual(
                [(properties.maxUnusedDays as { minimum?: number }).minimum, (properties.maxUnusedDays as { maximum?: number }).maximum],
                [1, 3650],
            );
            assert.match(
                policy.remediationSteps ?? "",
                /unused-credentials:retiring/,
                "the remedy names the tag that lets the fix through",
            );
        }
    });

    it("the notice policy is advisory and low, runs after the judging policies, and takes only noticeDays (14)", () => {
        assert.equal(notice.name, "iam-user-credential-unused-soon");
        assert.equal(notice.enforcementLevel, "advisory");
        assert.equal(notice.severity, "low");
        assert.deepEqual(defaults(notice), { noticeDays: 14 });
        assert.ok(policies.indexOf(notice) > policies.indexOf(password) && policies.indexOf(notice) > policies.indexOf(accessKey));
    });

    it("the unavailable policy is advisory, so that an unreadable IAM does not block by default, and takes no config", () => {
        assert.equal(unavailable.enforcementLevel, "advisory");
        assert.deepEqual(unavailable.configSchema, { properties: {} });
        assert.equal(policies.at(-1), unavailable, "it runs after the policies whose reads it reports");
    });

    it("the pack has a display name, description, readme, provider and tags, and takes its repository from package.json", () => {
        const pack = packMetadata("https://example.invalid/packs/unused-iam-credentials");
        assert.equal(pack.displayName, "Unused IAM credentials");
        assert.match(pack.description ?? "", /^[A-Z][^.]*\.$/);
        assert.match(pack.readme ?? "", /iam-user-usage-data-unavailable/);
        assert.equal(pack.provider, "aws");
        assert.ok(pack.tags?.includes("iam"));
        assert.equal(pack.repository, "https://example.invalid/packs/unused-iam-credentials");
        assert.equal(packMetadata().repository, undefined, "none invented when package.json names none");
    });
});
