// A deployed user and its access key, as a platform team's stack holds them.
import * as aws from "@pulumi/aws";

const deployer = new aws.iam.User("deployer", { name: "deployer", tags: { team: "platform" } });
new aws.iam.AccessKey("deployer-key", { user: deployer.name, status: "Active" });
