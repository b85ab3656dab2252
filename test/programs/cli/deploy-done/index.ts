// After the fix is deployed: the key stays inactive, and the retiring tag can go.
import * as aws from "@pulumi/aws";

const deployer = new aws.iam.User("deployer", { name: "deployer", tags: { team: "platform" } });
new aws.iam.AccessKey("deployer-key", { user: deployer.name, status: "Inactive" });
