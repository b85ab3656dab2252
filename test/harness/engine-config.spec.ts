// The driver applies a --policy-pack-config file as the engine does, and rejects bad files by policy and field.
import { strict as assert } from "node:assert";
import { configWarnings, ConfigurableInfo, engineConfig, PolicyConfigError } from "../../tools/driver/engine-config";
import { PACK_NAME } from "../../rules/policies";
import { freshPack } from "../helpers/pack";

const policies = freshPack().list;

// What GetAnalyzerInfo reports for this pack, built from the same policy objects.
const info: ConfigurableInfo = {
    name: PACK_NAME,
    policies: policies.map(p => ({
        name: p.name,
        description: p.description,
        enforcementLevel: p.enforcementLevel ?? "advisory",
        configSchema: { properties: p.configSchema?.properties ?? {}, required: p.configSchema?.required ?? [] },
    })),
};

describe("policy-pack config, applied as the engine applies it", () => {
    it("fills each policy's schema defaults and its own enforcement level", () => {
        const config = engineConfig(info, {});
        assert.deepEqual(config["iam-user-unused-access-key"], {
            enforcementLevel: "mandatory",
            properties: {
                maxUnusedDays: 90,
                accountRoles: {},
                exemptUsers: [],
                exemptUntilTag: "unused-credentials:exempt-until",
                exemptReasonTag: "unused-credentials:exempt-reason",
                maxExemptionDays: 90,
                retiringTag: "unused-credentials:retiring",
            },
        });
        assert.deepEqual(config["iam-user-credential-unused-soon"], { enforcementLevel: "advisory", properties: { noticeDays: 14 } });
        assert.deepEqual(config["iam-user-usage-data-unavailable"], { enforcementLevel: "advisory", properties: {} });
    });

    it("`all` sets every level; a policy's own entry wins", () => {
        const config = engineConfig(info, { all: "advisory", "iam-user-unused-password": { enforcementLevel: "disabled" } });
        assert.equal(config["iam-user-unused-access-key"].enforcementLevel, "advisory");
        assert.equal(config["iam-user-unused-password"].enforcementLevel, "disabled");
    });

    it("takes the CIS 45-day setting", () => {
        const config = engineConfig(info, { "iam-user-unused-access-key": { maxUnusedDays: 45 } });
        assert.equal(config["iam-user-unused-access-key"].properties.maxUnusedDays, 45);
        assert.equal(config["iam-user-unused-password"].properties.maxUnusedDays, 90);
    });

    for (const [value, problem] of [
        [0, "must be >= 1"],
        [3651, "must be <= 3650"],
        [45.5, "must be integer"],
        ["45", "must be integer"],
    ] as const) {
        it(`rejects maxUnusedDays ${JSON.stringify(value)}, naming the policy and the field`, () => {
            assert.throws(
                () => engineConfig(info, { "iam-user-unused-password": { maxUnusedDays: value } }),
                (e: Error) => e instanceof PolicyConfigError && e.message.includes(`iam-user-unused-password.maxUnusedDays ${problem}`),
            );
        });
    }

    it("rejects exemptUsers that is not a list of names", () => {
        assert.throws(
            () => engineConfig(info, { "iam-user-unused-access-key": { exemptUsers: "admin" } }),
            /iam-user-unused-access-key.exemptUsers must be array/,
        );
    });

    it("as the engine: an unknown policy name or field is passed on and ignored, with a warning; an unknown level is rejected", () => {
        const file = { "iam-user-unused-keys": "mandatory", "iam-user-unused-access-key": { maxUnusedDays: 45, maxIdleDays: 10 } };
        const config = engineConfig(info, file);
        assert.deepEqual(config["iam-user-unused-keys"], { enforcementLevel: "mandatory", properties: {} });
        assert.equal(config["iam-user-unused-access-key"].properties.maxIdleDays, 10);
        assert.equal(config["iam-user-unused-access-key"].properties.maxUnusedDays, 45);
        assert.deepEqual(configWarnings(info, file), [
            `"iam-user-unused-keys" is not a policy of unused-iam-credentials; the CLI ignores it (policies: iam-user-unused-password, iam-user-unused-access-key, iam-user-credential-unused-soon, iam-user-usage-data-unavailable)`,
            "iam-user-unused-access-key.maxIdleDays is not a setting of iam-user-unused-access-key; the CLI passes it on, and the policy ignores it",
        ]);
        assert.throws(() => engineConfig(info, { all: "blocking" }), /all: enforcement level must be one of/);
        assert.throws(
            () => engineConfig(info, { "iam-user-unused-keys": "blocking" }),
            /iam-user-unused-keys: enforcement level must be one of/,
        );
    });
});
