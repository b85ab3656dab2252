// The fix the pack's message prints: the key deactivated in code, and the retiring tag naming it, in one change.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config("test");
const deployer = new aws.iam.User("deployer", {
    name: "deployer",
    tags: { team: "platform", "unused-credentials:retiring": config.require("retiring") },
});
new aws.iam.AccessKey("deployer-key", { user: deployer.name, status: "Inactive" });
