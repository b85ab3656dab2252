// Inputs that a preview cannot know yet: a provider whose role is created in the same stack, a provider whose
// default tags come from another resource, a user named after another resource, an exemption tag computed
// from another resource.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config("test");
const credentials = {
    region: "us-east-1",
    accessKey: config.require("keyA"),
    secretKey: config.requireSecret("secretA"),
    endpoints: [{ iam: config.require("endpointA"), sts: config.require("endpointA") }],
};
const role = new aws.iam.Role("auditor", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });

const pending = new aws.Provider("pending", { ...credentials, assumeRoles: [{ roleArn: role.arn }] });
new aws.iam.User("pending-user", { name: "prog-stale-key" }, { provider: pending });

const tagged = new aws.Provider("tagged", { ...credentials, defaultTags: { tags: { owner: role.name } } });
new aws.iam.User("tagged-user", { name: "prog-stale-password" }, { provider: tagged });

new aws.iam.User("computed-name", { name: role.name }, { provider: tagged });
new aws.iam.User(
    "computed-exemption",
    { name: "prog-stale-key", tags: { "unused-credentials:exempt-until": role.name } },
    { provider: tagged },
);
