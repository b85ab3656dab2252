// The benchmark's stack: `test:users` IAM users (user-00000, user-00001…), as the benchmark's account holds them.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const users = new pulumi.Config("test").requireNumber("users");
for (let i = 0; i < users; i++) {
    const name = `user-${String(i).padStart(5, "0")}`;
    new aws.iam.User(name, { name });
}
