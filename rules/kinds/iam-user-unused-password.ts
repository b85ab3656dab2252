// The console password (an IAM login profile): how it is read, what the credential report proves of it, when it can
// be used, how it is named and told, and how it is fixed.
import { DeleteLoginProfileCommand, GetLoginProfileCommand, GetUserCommand } from "@aws-sdk/client-iam";
import { MAX_RETIRING_DAYS, PASSWORD_TRACKING_START } from "../model/limits";
import { DEFAULT_RETIRING_TAG, unusedCredentialConfigSchema } from "../config/policy-config";
import { within } from "../iam/credential-report";
import { modelRequired, optionalDate, requiredDate, requiredObject, sameUser } from "../iam/iam-answer-checks";
import { doubtOrReRead, noSuchEntity, Read, secondRound } from "../iam/read-steps";
import { FixText, formatUtc, NATIVE_USER, neverUsed } from "../verdict/message";
import type { Assessment } from "../verdict/verdict";
import type { CredentialKindModule, KindRead } from "./kind";

/** A password is named `password` wherever a credential ID is asked for (a retiring tag, a finding's ID). */
const ID = "password";

async function read(read: Read): Promise<KindRead> {
    const { iam, userName, now, signal } = read;
    let createDate: Date;
    try {
        const action = "iam:GetLoginProfile";
        const out = await iam.call(
            "GetLoginProfile",
            (c, abortSignal) => c.send(new GetLoginProfileCommand({ UserName: userName }), { abortSignal }),
            signal,
        );
        const profile = requiredObject(out.LoginProfile, "a LoginProfile", action);
        modelRequired(profile, ["UserName", "CreateDate"], "a LoginProfile", action);
        sameUser(profile.UserName, userName, action);
        createDate = requiredDate(profile.CreateDate, "LoginProfile.CreateDate", action, now);
    } catch (error) {
        if (noSuchEntity(error)) return { status: "read", facts: {}, doubts: [] }; // no password
        return { status: "read", facts: {}, doubts: [doubtOrReRead(read, error, "password")] };
    }
    try {
        const action = "iam:GetUser";
        const out = await secondRound(action, () =>
            iam.call("GetUser", (c, abortSignal) => c.send(new GetUserCommand({ UserName: userName }), { abortSignal }), signal),
        );
        const user = requiredObject(out.User, "a User", action);
        modelRequired(user, ["Path", "UserName", "UserId", "Arn", "CreateDate"], "a User", action);
        sameUser(user.UserName, userName, action);
        const passwordLastUsed = optionalDate(user.PasswordLastUsed, "PasswordLastUsed", action, now);
        return { status: "read", facts: { loginProfile: { createDate }, passwordLastUsed }, doubts: [] };
    } catch (error) {
        return { status: "read", facts: { loginProfile: { createDate } }, doubts: [doubtOrReRead(read, error, "password")] };
    }
}

function lastUseText(finding: Assessment): string {
    if (!finding.lastUsed) return neverUsed(finding.createDate, PASSWORD_TRACKING_START);
    const recreated = finding.idleSince.getTime() === finding.createDate.getTime() && finding.createDate > finding.lastUsed.date;
    const suffix = recreated ? `; password re-created ${formatUtc(finding.createDate)}` : "";
    return `last used ${formatUtc(finding.lastUsed.date)}${suffix}`;
}

function fixText(finding: Assessment, resourceType: string | undefined): FixText {
    return {
        inCode:
            resourceType === NATIVE_USER
                ? "Fix in code: remove the loginProfile of its aws-native.iam.User"
                : "Fix in code: remove its aws.iam.UserLoginProfile",
        outOfBand: `A password the stack does not manage: ${PASSWORD.fix.command(finding.userName, ID)}`,
    };
}

export const PASSWORD: CredentialKindModule<"password", object> = {
    kind: "password",
    nameOf: () => ({ text: "console password", plural: false }),
    violationName: () => "console password",
    soleId: ID,
    iamActions: ["iam:GetLoginProfile", "iam:GetUser"],
    policy: {
        name: "iam-user-unused-password",
        enforcementLevel: "mandatory",
        severity: "high",
        displayName: "Unused IAM user console password",
        description: "Console passwords of managed IAM users must have been used within maxUnusedDays days.",
        remediationSteps:
            "Confirm the person no longer signs in to the console, then delete the user's login profile. In code: remove its " +
            "aws.iam.UserLoginProfile resource (or the aws-native user's `loginProfile`) and, in the same change, tag the user " +
            `\`${DEFAULT_RETIRING_TAG}\` = \`password until <date within ${MAX_RETIRING_DAYS} days>\` so that the deployment that removes it is not ` +
            "blocked by it. For a password the stack does not manage: `aws iam delete-login-profile`.",
        configSchema: unusedCredentialConfigSchema("console password"),
    },

    read: r => read(r),
    scopeKey: () => "p",
    scopeFromReport: () => ({}),
    // No password in the report: any password now was created after the report, so is younger than it.
    provenFreshByReport: (row, report, days, now) =>
        row.passwordEnabled ? within(row.passwordLastUsed, days, now) : within(report.generated, days, now),

    // A deleted password is not a credential, whatever PasswordLastUsed still says.
    usable: facts =>
        facts.loginProfile
            ? [
                  {
                      credentialId: ID,
                      createDate: facts.loginProfile.createDate,
                      lastUsed: facts.passwordLastUsed ? { date: facts.passwordLastUsed } : undefined,
                  },
              ]
            : [],
    noneReason: facts => (facts.passwordLastUsed ? "no console password (deleted; its last use is history)" : "no console password"),
    goneReason: () => "the user no longer has a console password",

    lastUseText,
    fixText,
    fix: {
        action: "delete-login-profile",
        verb: "delete",
        byDefault: false,
        askFor: "pass --delete-unused-passwords to delete unused login profiles",
        command: userName => `aws iam delete-login-profile --user-name ${userName}`,
        undo: userName => `aws iam create-login-profile --user-name ${userName} --password-reset-required --password <new password>`,
        apply: async (iam, userName) => {
            await iam.call("DeleteLoginProfile", (c, abortSignal) =>
                c.send(new DeleteLoginProfileCommand({ UserName: userName }), { abortSignal }),
            );
        },
        // aws-native keeps the password in the user itself; aws has a resource of its own for it.
        inCode: (owner, retiring) =>
            owner.isUser
                ? `remove loginProfile from aws-native:iam:User "${owner.name}" and ${retiring}`
                : `remove the aws.iam.UserLoginProfile "${owner.name}" and ${retiring}`,
    },
    // aws.iam.UserLoginProfile names its user; aws-native keeps the password in the user itself (a loginProfile that is
    // a secret as a whole is still there).
    managedKey: (r, known) => {
        if (r.type === "aws:iam/userLoginProfile:UserLoginProfile" && typeof r.inputs.user === "string")
            return `password\n${r.inputs.user}`;
        if (r.type === NATIVE_USER && r.props.loginProfile !== undefined && known(r.props.userName)) return `password\n${r.props.userName}`;
        return undefined;
    },
    ownerKey: finding => `password\n${finding.user}`,
};
