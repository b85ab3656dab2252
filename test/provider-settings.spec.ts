// Which identity a user's IAM data is read with: pulumi-aws's rules. A provider (default or explicit) uses
// its own inputs, then the environment; the stack's config applies only to a resource with no provider.
// And who the credentials turn out to be must match what the provider says they must be.
import { strict as assert } from "node:assert";
import { ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { makeIamClient } from "../rules/accounts/accounts";
import { CallerAnswer, checkIdentity } from "../rules/accounts/identity";
import { credentialKey, ProviderReading, providerSettings, ProviderSettings } from "../rules/accounts/provider-settings";
import { DEFAULT_SETTINGS } from "../rules/config/settings";
import { UNKNOWN } from "./helpers/policy-args";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(o: T) => T };

/** A provider as the policy SDK hands it to a validation: inputs behind the unknown-checking proxy. */
const provider = (props: Record<string, unknown>, type = "pulumi:providers:aws", name = "prod") => ({
    type,
    name,
    urn: `urn:pulumi:s::p::${type}::${name}`,
    props: unknownCheckingProxy(props),
});

function ok(reading: ProviderReading): ProviderSettings {
    assert.equal(reading.status, "ok", JSON.stringify(reading));
    return reading.settings;
}
function unreadable(reading: ProviderReading): string {
    assert.equal(reading.status, "unreadable", JSON.stringify(reading));
    return reading.status === "unreadable" ? reading.reason : "";
}

const STACK_CONFIG = {
    PULUMI_CONFIG: JSON.stringify({
        "aws:region": "ap-southeast-2",
        "aws:profile": "dev",
        "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::111111111111:role/dev-deployer" }]),
        "aws-native:region": "eu-central-1",
    }),
};

describe("provider settings: which identity reads a user", () => {
    describe("explicit, default and no provider", () => {
        it("an explicit provider never takes the stack's config: a prod provider setting only its region is not read with the dev profile and role", () => {
            const prod = ok(providerSettings(provider({ region: "eu-west-1" }), { ...STACK_CONFIG, AWS_PROFILE: "ci" }));
            assert.equal(prod.region, "eu-west-1");
            assert.equal(prod.profile, undefined, "left to the environment (AWS_PROFILE), never aws:profile");
            assert.deepEqual(prod.assumeRoles, []);
            assert.equal(prod.label, "provider prod");
        });

        it("an explicit provider without a region takes the environment's, not the stack's", () => {
            assert.equal(ok(providerSettings(provider({}), { ...STACK_CONFIG, AWS_REGION: "us-west-2" })).region, "us-west-2");
            assert.equal(
                ok(providerSettings(provider({}), { ...STACK_CONFIG, AWS_DEFAULT_REGION: "ca-central-1" })).region,
                "ca-central-1",
            );
            assert.equal(
                ok(providerSettings(provider({}), STACK_CONFIG)).region,
                "us-east-1",
                "IAM is global: any commercial region signs",
            );
        });

        it("a default provider's inputs are the stack's config, as the engine sends them", () => {
            const props = {
                region: "ap-southeast-2",
                profile: "dev",
                assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::111111111111:role/dev-deployer" }]),
                version: "7.10.0",
            };
            const settings = ok(providerSettings(provider(props, "pulumi:providers:aws", "default_7_10_0"), STACK_CONFIG));
            assert.deepEqual(
                [settings.region, settings.profile, settings.assumeRoles[0].roleArn],
                ["ap-southeast-2", "dev", "arn:aws:iam::111111111111:role/dev-deployer"],
            );
        });

        it("a resource with no provider takes the stack's config for its package, then the environment", () => {
            const settings = ok(providerSettings(undefined, STACK_CONFIG));
            assert.deepEqual(
                [settings.region, settings.profile, settings.assumeRoles.length, settings.label],
                ["ap-southeast-2", "dev", 1, "the stack's default AWS configuration"],
            );
            assert.equal(
                ok(providerSettings(undefined, {})).label,
                "the environment's AWS configuration",
                "an audit run: no stack config at all",
            );
        });
    });

    describe("each setting", () => {
        it("region, profile, static keys, shared files, FIPS, dual-stack and the iam and sts endpoints", () => {
            const settings = ok(
                providerSettings(
                    provider({
                        region: "eu-west-1",
                        stsRegion: "eu-central-1",
                        profile: "audit",
                        accessKey: "AKIDPROVIDER",
                        secretKey: "s",
                        token: "t",
                        endpoints: JSON.stringify([{ s3: "http://s3" }, { iam: "http://iam.local", sts: "http://sts.local" }]),
                        sharedCredentialsFiles: JSON.stringify(["/creds"]),
                        sharedConfigFiles: JSON.stringify(["/config"]),
                        useFipsEndpoint: "true",
                        useDualstackEndpoint: false,
                    }),
                    {},
                ),
            );
            assert.deepEqual(
                [
                    settings.region,
                    settings.stsRegion,
                    settings.profile,
                    settings.iamEndpoint,
                    settings.stsEndpoint,
                    settings.sharedCredentialsFile,
                    settings.sharedConfigFile,
                    settings.useFipsEndpoint,
                    settings.useDualstackEndpoint,
                ],
                ["eu-west-1", "eu-central-1", "audit", "http://iam.local", "http://sts.local", "/creds", "/config", true, false],
            );
            assert.deepEqual(settings.staticCredentials, { accessKeyId: "AKIDPROVIDER", secretAccessKey: "s", sessionToken: "t" });
        });

        it("the assumeRoles chain with session policies, tags, transitive keys, source identity and Go durations", () => {
            const settings = ok(
                providerSettings(
                    provider({
                        assumeRoles: JSON.stringify([
                            { roleArn: "arn:aws:iam::111111111111:role/hop", sessionName: "s1", duration: "15m" },
                            {
                                roleArn: "arn:aws:iam::222222222222:role/auditor",
                                externalId: "ext-1",
                                duration: "1h30m",
                                policy: '{"Version":"2012-10-17"}',
                                policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                                tags: { team: "sec" },
                                transitiveTagKeys: ["team"],
                                sourceIdentity: "ci",
                            },
                        ]),
                    }),
                    {},
                ),
            );
            assert.deepEqual(settings.assumeRoles, [
                {
                    roleArn: "arn:aws:iam::111111111111:role/hop",
                    sessionName: "s1",
                    externalId: undefined,
                    durationSeconds: 900,
                    policy: undefined,
                    policyArns: undefined,
                    tags: undefined,
                    transitiveTagKeys: undefined,
                    sourceIdentity: undefined,
                },
                {
                    roleArn: "arn:aws:iam::222222222222:role/auditor",
                    sessionName: undefined,
                    externalId: "ext-1",
                    durationSeconds: 5400,
                    policy: '{"Version":"2012-10-17"}',
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    tags: { team: "sec" },
                    transitiveTagKeys: ["team"],
                    sourceIdentity: "ci",
                },
            ]);
        });

        it("aws-native's single assumeRole, with durationSeconds", () => {
            const settings = ok(
                providerSettings(
                    provider(
                        { assumeRole: JSON.stringify({ roleArn: "arn:aws:iam::333333333333:role/r", durationSeconds: 1200 }) },
                        "pulumi:providers:aws-native",
                        "native",
                    ),
                    {},
                ),
            );
            assert.deepEqual(
                [settings.assumeRoles[0].roleArn, settings.assumeRoles[0].durationSeconds],
                ["arn:aws:iam::333333333333:role/r", 1200],
            );
        });

        it("assumeRoleWithWebIdentity with a token file, and never without a token", () => {
            const web = ok(
                providerSettings(
                    provider({
                        assumeRoleWithWebIdentity: JSON.stringify({
                            roleArn: "arn:aws:iam::444444444444:role/oidc",
                            webIdentityTokenFile: "/var/run/token",
                            duration: "1h",
                        }),
                    }),
                    {},
                ),
            ).webIdentity;
            assert.deepEqual(
                [web?.roleArn, web?.webIdentityTokenFile, web?.durationSeconds],
                ["arn:aws:iam::444444444444:role/oidc", "/var/run/token", 3600],
            );
            assert.match(
                unreadable(
                    providerSettings(
                        provider({ assumeRoleWithWebIdentity: JSON.stringify({ roleArn: "arn:aws:iam::444444444444:role/oidc" }) }),
                        {},
                    ),
                ),
                /has neither webIdentityToken nor webIdentityTokenFile/,
            );
        });

        it("allowed and forbidden account IDs", () => {
            const settings = ok(providerSettings(provider({ forbiddenAccountIds: JSON.stringify(["999999999999"]) }), {}));
            assert.deepEqual(settings.forbiddenAccountIds, ["999999999999"]);
            assert.match(
                unreadable(providerSettings(provider({ allowedAccountIds: '["1"]', forbiddenAccountIds: '["2"]' }), {})),
                /both `allowedAccountIds` and `forbiddenAccountIds`/,
            );
        });
    });

    describe("never a silent fallback", () => {
        for (const [field, value] of [
            ["sharedCredentialsFiles", JSON.stringify(["/a", "/b"])],
            ["ec2MetadataServiceEndpoint", "http://169.254.169.254"],
            ["customCaBundle", "/etc/ca.pem"],
            ["accessKey", "AKIDONLYHALF"],
            ["assumeRoles", "not json"],
            ["allowedAccountIds", "123"],
        ] as const) {
            it(`${field} = ${value}: unreadable, naming the setting`, () => {
                assert.match(
                    unreadable(providerSettings(provider({ [field]: value }), {})),
                    new RegExp(field === "accessKey" ? "only one of `accessKey` and `secretKey`" : `\`${field}`),
                );
            });
        }

        for (const field of [
            "region",
            "profile",
            "accessKey",
            "secretKey",
            "token",
            "assumeRoles",
            "assumeRoleWithWebIdentity",
            "allowedAccountIds",
            "forbiddenAccountIds",
            "endpoints",
            "sharedCredentialsFiles",
            "stsRegion",
        ]) {
            it(`an unknown ${field} during preview makes the provider unreadable, naming it (never a thrown UnknownValueError)`, () => {
                assert.match(
                    unreadable(providerSettings(provider({ region: "us-east-1", [field]: UNKNOWN }), {})),
                    new RegExp(`its input \`${field}\` is not known during preview`),
                );
            });
        }

        it("an unknown input the pack does not need (defaultTags, a role ARN of another resource's provider) changes nothing", () => {
            const settings = ok(
                providerSettings(provider({ region: "us-east-1", defaultTags: UNKNOWN, ignoreTags: UNKNOWN, roleArn: UNKNOWN }), {}),
            );
            assert.equal(settings.region, "us-east-1");
        });
    });

    it("two providers share a client exactly when their settings are equal; the key holds no secret", () => {
        const key = (props: Record<string, unknown>, name: string) =>
            credentialKey(ok(providerSettings(provider(props, "pulumi:providers:aws", name), {})), s => `#${s.length}`);
        const a = key({ accessKey: "AKIDA", secretKey: "secret-a" }, "one");
        assert.equal(a, key({ accessKey: "AKIDA", secretKey: "secret-a" }, "two"));
        assert.notEqual(a, key({ accessKey: "AKIDA", secretKey: "secret-a-longer" }, "three"));
        assert.notEqual(a, key({ accessKey: "AKIDA", secretKey: "secret-a", region: "eu-west-1" }, "four"));
        assert.ok(!a.includes("secret-a"));
    });

    describe("the verified identity must be the one the provider says", () => {
        const settings = (props: Record<string, unknown>) => ok(providerSettings(provider(props), {}));
        const answer = (account: string, arn = `arn:aws:iam::${account}:user/ci`): CallerAnswer => ({ status: "answered", account, arn });
        const reason = (check: ReturnType<typeof checkIdentity>) => (check.status === "unavailable" ? check.reason : "verified");

        it("verified: the account and partition of the caller", () => {
            assert.deepEqual(checkIdentity(answer("111122223333"), settings({ allowedAccountIds: '["111122223333"]' })), {
                status: "verified",
                identity: { accountId: "111122223333", partition: "aws", arn: "arn:aws:iam::111122223333:user/ci" },
            });
        });

        it("an account outside allowedAccountIds, or inside forbiddenAccountIds, names both", () => {
            assert.equal(
                reason(checkIdentity(answer("999988887777"), settings({ allowedAccountIds: '["111122223333"]' }))),
                "the credentials of provider prod reach account 999988887777, but its allowedAccountIds allow only 111122223333",
            );
            assert.match(
                reason(checkIdentity(answer("999988887777"), settings({ forbiddenAccountIds: '["999988887777"]' }))),
                /reach account 999988887777, which its forbiddenAccountIds forbid/,
            );
        });

        it("with assumeRoles, the account must be the last role's", () => {
            const chain = settings({ assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::222222222222:role/auditor" }]) });
            assert.equal(
                checkIdentity(answer("222222222222", "arn:aws:sts::222222222222:assumed-role/auditor/s"), chain).status,
                "verified",
            );
            assert.match(
                reason(checkIdentity(answer("111111111111"), chain)),
                /reach account 111111111111, but the role it assumes last, arn:aws:iam::222222222222:role\/auditor, is in account 222222222222/,
            );
        });

        it("a partition other than the region's, or an answer that does not name one account, is not verified", () => {
            assert.match(
                reason(checkIdentity(answer("111122223333", "arn:aws-cn:iam::111122223333:user/ci"), settings({ region: "us-east-1" }))),
                /in partition aws-cn, but its region us-east-1 is in aws/,
            );
            assert.match(
                reason(
                    checkIdentity({ status: "answered", account: "111122223333", arn: "arn:aws:iam::444455556666:user/x" }, settings({})),
                ),
                /do not name one account/,
            );
            assert.match(reason(checkIdentity({ status: "answered" }, settings({}))), /do not name one account/);
        });
    });

    describe("partitions: the region implies the IAM endpoint", () => {
        for (const [region, host] of [
            ["eu-west-1", "iam.amazonaws.com"],
            ["cn-north-1", "iam.cn-north-1.amazonaws.com.cn"],
            ["us-gov-west-1", "iam.us-gov.amazonaws.com"],
        ]) {
            it(`${region} → ${host}`, async () => {
                const client = makeIamClient(
                    { region, assumeRoles: [], label: "p" },
                    { accessKeyId: "AKIDX", secretAccessKey: "y" },
                    DEFAULT_SETTINGS,
                );
                let seen: string | undefined;
                client.middlewareStack.add(
                    () => (args: { request: unknown }) => {
                        seen = (args.request as { hostname: string }).hostname;
                        return Promise.reject(new Error("captured"));
                    },
                    { step: "finalizeRequest", priority: "low" },
                );
                await assert.rejects(client.send(new ListAccessKeysCommand({ UserName: "u" })), /captured/);
                assert.equal(seen, host);
            });
        }
    });
});
