// Explicit providers for two accounts: account A with static keys and allowedAccountIds, account B through an
// assumeRoles chain; and an aws-native provider whose user has a login profile. Secrets stay secrets.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";

const config = new pulumi.Config("test");
const accountA = new aws.Provider("account-a", {
    region: "us-east-1",
    accessKey: config.require("keyA"),
    secretKey: config.requireSecret("secretA"),
    endpoints: [{ iam: config.require("endpointA"), sts: config.require("endpointA") }],
    allowedAccountIds: [config.require("accountA")],
});
const accountB = new aws.Provider("account-b", {
    region: "eu-west-1",
    accessKey: config.require("keyB"),
    secretKey: config.requireSecret("secretB"),
    endpoints: [{ iam: config.require("endpointB"), sts: config.require("endpointB") }],
    assumeRoles: [
        { roleArn: config.require("hopRole"), sessionName: "hop" },
        { roleArn: config.require("auditorRole"), externalId: config.require("externalId"), duration: "15m" },
    ],
});
new aws.iam.User("shared-in-a", { name: "prog-shared" }, { provider: accountA });
new aws.iam.User("shared-in-b", { name: "prog-shared" }, { provider: accountB });

const native = new awsnative.Provider("native", {
    region: "us-east-1",
    accessKey: config.require("keyA"),
    secretKey: config.requireSecret("secretA"),
});
new awsnative.iam.User(
    "native-user",
    { userName: "prog-native", loginProfile: { password: pulumi.secret("not-a-real-password-1!") } },
    { provider: native },
);
