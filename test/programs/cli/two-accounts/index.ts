// Explicit providers for two accounts behind one IAM endpoint: each user must be read in its own provider's account
// (a same-named user exists in both, stale in one, fresh in the other).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config("test");
const accountA = new aws.Provider("account-a", {
    region: "us-east-1",
    accessKey: config.require("keyA"),
    secretKey: config.requireSecret("secretA"),
    allowedAccountIds: [config.require("accountA")],
});
const accountB = new aws.Provider("account-b", {
    region: "eu-west-1",
    accessKey: config.require("keyB"),
    secretKey: config.requireSecret("secretB"),
});
new aws.iam.User("shared-in-a", { name: "shared" }, { provider: accountA });
new aws.iam.User("shared-in-b", { name: "shared" }, { provider: accountB });
