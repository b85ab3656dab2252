// Unknowns as the real engine makes them during a preview: a provider whose role is created in the same stack, a
// user whose name is another resource's output, and an exemption tag computed from another resource.
import * as aws from "@pulumi/aws";

const auditor = new aws.iam.Role("auditor", {
    name: "auditor",
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "*" } }],
    }),
});
const viaRole = new aws.Provider("via-new-role", { region: "us-east-1", assumeRoles: [{ roleArn: auditor.arn }] });
new aws.iam.User("behind-new-role", { name: "alice-stale-key" }, { provider: viaRole });

const group = new aws.iam.Group("team", { name: "team" });
new aws.iam.User("named-after-group", { name: group.id.apply(id => `${id}-deployer`) });

new aws.iam.User("computed-exemption", {
    name: "bob-never-used-key",
    tags: { "unused-credentials:exempt-until": group.id.apply(() => "2026-12-24") },
});
new aws.iam.User("known", { name: "ivan-stale-password" });
