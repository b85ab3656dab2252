import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_NOTICE_DAYS, noticeConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_FRAMEWORK } from "./config/policy-metadata";
import { noticeMessage, noticeUnavailableMessage, retiringMessage } from "./verdict/message";
import { retires } from "./verdict/retirement";
import { ALL_KINDS, assessKind, recordedId, toldOf } from "./kinds/kinds";
import { doubtCovers } from "./model/credentials";
import { PackRun } from "./run/pack-run";
import { accountFields, credentialFields, judgementOf } from "./run/judging-policy";
import { namedUserOf } from "./run/managed-user";

const NAME = "iam-user-credential-unused-soon";

export const iamUserCredentialUnusedSoon = (run: PackRun): ResourceValidationPolicy => ({
    name: NAME,
    displayName: "IAM user credential soon unused",
    description: "Warns about credentials of managed IAM users that reach their policy's unused threshold within noticeDays days.",
    enforcementLevel: "advisory",
    severity: "low",
    ...UNUSED_CREDENTIAL_FRAMEWORK,
    remediationSteps:
        "Use the credential before the date if it is still needed; otherwise retire it now (see iam-user-unused-access-key " +
        "and iam-user-unused-password), before it blocks a deployment.",
    configSchema: noticeConfigSchema(),
    // It warns against each kind's judgement, the one its judging policy reports (computed once, by whichever of them
    // runs first, with the judging policy's own config), so that the two can never disagree; a kind whose policy is
    // disabled gets no notice. A credential within noticeDays of the threshold is noticed; one the deployment retires is on
    // record; a notice whose data cannot be read says so as a notice (the credential itself was judged, or is on the
    // unavailable policy's record). IAM is read once per user: the readers share what both policies ask.
    validateResource: async (args, reportViolation) => {
        const noticeDays = args.getConfig<{ noticeDays?: number }>().noticeDays ?? DEFAULT_NOTICE_DAYS;
        const named = namedUserOf(args);
        if (!named) return;
        for (const kind of ALL_KINDS) {
            const judgement = await judgementOf(run, args, named, kind);
            if (judgement?.status !== "judged") continue;
            const { user, access, retirement, now, config } = judgement.settled;
            const policy = kind.policy.name;
            const base = { policy, urn: args.urn, user: user.userName, ...accountFields(access) };
            const from = Math.max(0, config.maxUnusedDays - noticeDays);
            // The report clears what is fresh at `from`; only credentials within the window are read live.
            const usage = await access.usage.usageOf(user.userName, { [kind.kind]: from });
            const verdict = usage.status === "found" ? assessKind(kind.kind, usage.facts, config.maxUnusedDays, now) : undefined;
            const unread = usage.status === "unavailable" ? [{ ...usage, credential: kind.kind }] : (verdict?.unjudged ?? []);
            const onRecord = judgement.unjudged;
            for (const doubt of unread) {
                // What the judging policy could not judge is already on record; only the notice's own read is told here.
                if (onRecord.some(e => doubtCovers(e, doubt.credential, doubt.credentialId))) continue;
                const message = noticeUnavailableMessage(
                    user.userName,
                    { name: kind.nameOf(doubt.credentialId), reason: doubt.reason },
                    { policy, noticeDays, accountLabel: access.label },
                );
                reportViolation(message);
                run.record({
                    ...base,
                    kind: "notice-unavailable",
                    credential: doubt.credential,
                    ...recordedId(doubt.credential, doubt.credentialId),
                    reason: doubt.reason,
                    message,
                });
            }
            for (const finding of verdict?.assessments ?? []) {
                const told = toldOf(finding);
                if (finding.unused && retirement.status === "in-force" && retires(retirement, finding.credentialId).retired) {
                    reportViolation(
                        retiringMessage(finding, told, policy, retirement.until, {
                            accountLabel: access.label,
                            retiringTag: config.retiringTag,
                        }),
                    );
                } else if (!finding.unused && finding.idleDays >= from) {
                    const message = noticeMessage(finding, told, policy, now, { accountLabel: access.label });
                    reportViolation(message);
                    run.record({
                        ...base,
                        kind: "notice",
                        ...credentialFields(finding),
                        unusedFrom: finding.unusedFrom.toISOString(),
                        message,
                    });
                }
            }
        }
    },
});
