// Users that already exist in the account, with the credentials the spec seeds there: the stack manages them, with
// @pulumi/aws and @pulumi/aws-native, through their default providers (stack config).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";

for (const name of ["alice-stale-key", "bob-never-used-key", "carol-fresh-key", "ivan-stale-password", "paul-idle-80-days"]) {
    new aws.iam.User(name, { name, tags: { team: "platform" } });
}
new awsnative.iam.User("nina", { userName: "native-nina", loginProfile: { password: pulumi.secret("not-a-real-password-1!") } });
