// A stack on the default aws provider: the engine builds that provider's inputs from the stack's aws:* config.
import * as aws from "@pulumi/aws";

const staleKeyUser = new aws.iam.User("stale-key-user", { name: "prog-stale-key", tags: { team: "platform" } });
new aws.iam.AccessKey("stale-key", { user: staleKeyUser.name });
const passwordUser = new aws.iam.User("password-user", { name: "prog-stale-password" });
new aws.iam.UserLoginProfile("password-user-login", { user: passwordUser.name });
new aws.iam.User("fresh-user", { name: "prog-fresh" });
// An exemption within maxExemptionDays (90): 30 days from the day the program runs.
const exemptUntil = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
new aws.iam.User("exempt-user", {
    name: "prog-exempt",
    tags: { "unused-credentials:exempt-until": exemptUntil, "unused-credentials:exempt-reason": "yearly batch, SEC-7" },
});
new aws.iam.User("new-user", { name: "prog-not-created-yet" });
