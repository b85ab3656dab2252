// Account resolution: each user is read from the account its own provider deploys to.
import { strict as assert } from "node:assert";
import { accountKey, accountLabel, durationSeconds, resolveAccount } from "../rules/lib/account";
import { makeIamClient } from "../rules/lib/account-sources";
import { DEFAULT_SETTINGS } from "../rules/lib/settings";
import { ListAccessKeysCommand } from "@aws-sdk/client-iam";

const provider = (props: Record<string, unknown>, type = "pulumi:providers:aws", name = "prod") => ({ type, name, urn: `urn:pulumi:s::p::${type}::${name}`, props });

describe("account resolution", () => {
    it("takes region, profile, keys and the iam endpoint from the provider, lists arriving as JSON strings", () => {
        const account = resolveAccount(provider({
            region: "eu-west-1", profile: "audit", accessKey: "AKIDPROVIDER", secretKey: "s", token: "t",
            endpoints: JSON.stringify([{ s3: "http://s3" }, { iam: "http://iam.local", sts: "http://sts.local" }]),
            sharedCredentialsFiles: JSON.stringify(["/creds"]), sharedConfigFiles: JSON.stringify(["/config"]),
        }), {});
        assert.equal(account.region, "eu-west-1");
        assert.equal(account.profile, "audit");
        assert.equal(account.endpoint, "http://iam.local");
        assert.equal(account.stsEndpoint, "http://sts.local");
        assert.deepEqual(account.staticCredentials, { accessKeyId: "AKIDPROVIDER", secretAccessKey: "s", sessionToken: "t" });
        assert.deepEqual(account.sharedCredentialsFiles, ["/creds"]);
        assert.deepEqual(account.sharedConfigFiles, ["/config"]);
    });

    it("falls back to the stack config, then to the environment", () => {
        const env = { PULUMI_CONFIG: JSON.stringify({ "aws:region": "ap-southeast-2", "aws:profile": "stack", "other:region": "x" }), AWS_REGION: "us-west-2" };
        assert.equal(resolveAccount(provider({}), env).region, "ap-southeast-2");
        assert.equal(resolveAccount(provider({ region: "eu-north-1" }), env).region, "eu-north-1");
        assert.equal(resolveAccount(undefined, env).profile, "stack");
        assert.equal(resolveAccount(undefined, { AWS_REGION: "us-west-2" }).region, "us-west-2");
    });

    it("works with no region anywhere (IAM is global) and without a provider (default providers disabled)", () => {
        const account = resolveAccount(undefined, {});
        assert.equal(account.region, "us-east-1");
        assert.equal(account.providerLabel, "the stack's default AWS configuration");
    });

    it("reads the assumeRoles chain, with Go-style durations", () => {
        const account = resolveAccount(provider({ assumeRoles: JSON.stringify([
            { roleArn: "arn:aws:iam::111111111111:role/hop", sessionName: "s1", duration: "15m" },
            { roleArn: "arn:aws:iam::222222222222:role/auditor", externalId: "ext-1", duration: "1h30m" },
        ]) }), {});
        assert.deepEqual(account.assumeRoles, [
            { roleArn: "arn:aws:iam::111111111111:role/hop", externalId: undefined, sessionName: "s1", durationSeconds: 900 },
            { roleArn: "arn:aws:iam::222222222222:role/auditor", externalId: "ext-1", sessionName: undefined, durationSeconds: 5400 },
        ]);
        assert.equal(account.accountId, "222222222222", "the account is the last role's");
        assert.equal(durationSeconds("900s"), 900);
        assert.equal(durationSeconds("bogus"), undefined);
    });

    it("reads an aws-native provider's single assumeRole and its own stack config", () => {
        const env = { PULUMI_CONFIG: JSON.stringify({ "aws-native:region": "eu-central-1", "aws:region": "us-east-2" }) };
        const account = resolveAccount(provider({ assumeRole: JSON.stringify({ roleArn: "arn:aws:iam::333333333333:role/r", durationSeconds: 1200 }) }, "pulumi:providers:aws-native", "native"), env);
        assert.equal(account.region, "eu-central-1");
        assert.equal(account.assumeRoles[0].durationSeconds, 1200);
        assert.equal(accountLabel(account), "account 333333333333 (provider native)");
    });

    it("names the account by a single allowedAccountIds entry, else by the provider", () => {
        assert.equal(accountLabel(resolveAccount(provider({ allowedAccountIds: JSON.stringify(["444455556666"]) }), {})), "account 444455556666 (provider prod)");
        assert.equal(accountLabel(resolveAccount(provider({}), {})), "provider prod");
        assert.equal(accountLabel(resolveAccount(provider({}), {}), "777788889999"), "account 777788889999 (provider prod)");
    });

    it("gives two providers with the same settings one key, and different accounts different keys, without the secret", () => {
        const a = resolveAccount(provider({ region: "us-east-1", accessKey: "AKIDA", secretKey: "secret-a" }, "pulumi:providers:aws", "one"), {});
        const b = resolveAccount(provider({ region: "us-east-1", accessKey: "AKIDA", secretKey: "secret-a" }, "pulumi:providers:aws", "two"), {});
        const c = resolveAccount(provider({ region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::1:role/x" }]) }), {});
        assert.equal(accountKey(a), accountKey(b));
        assert.notEqual(accountKey(a), accountKey(c));
        assert.ok(!accountKey(a).includes("secret-a"));
    });

    describe("partitions: the region implies the IAM endpoint", () => {
        for (const [region, host] of [["eu-west-1", "iam.amazonaws.com"], ["cn-north-1", "iam.cn-north-1.amazonaws.com.cn"], ["us-gov-west-1", "iam.us-gov.amazonaws.com"]]) {
            it(`${region} → ${host}`, async () => {
                const client = makeIamClient({ region, assumeRoles: [], providerLabel: "p", staticCredentials: { accessKeyId: "AKIDX", secretAccessKey: "y" } }, DEFAULT_SETTINGS);
                let seen: string | undefined;
                client.middlewareStack.add(() => async (args: { request: unknown }) => {
                    seen = (args.request as { hostname: string }).hostname;
                    throw new Error("captured");
                }, { step: "finalizeRequest", priority: "low" });
                await assert.rejects(client.send(new ListAccessKeysCommand({ UserName: "u" })), /captured/);
                assert.equal(seen, host);
            });
        }
    });
});
