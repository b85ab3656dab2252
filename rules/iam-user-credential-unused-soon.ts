import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_NOTICE_DAYS, noticeConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_FRAMEWORK } from "./config/policy-metadata";
import { noticeMessage, noticeUnavailableMessage, retiringMessage } from "./verdict/message";
import { retires } from "./verdict/retirement";
import { assessKind } from "./verdict/verdict";
import { PackRun } from "./run/pack-run";
import { accountRecord, credentialRecord, managedUser, refOf } from "./run/user-to-judge";

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
    // It judges nothing itself: it takes each judging policy's threshold, account and exemption decision from that
    // policy's run on this resource (they run first), so that the two can never disagree. A credential within
    // noticeDays of the threshold is noticed; one the deployment retires is on record; a notice whose data cannot be
    // read says so as a notice (the credential itself was judged, or is on the unavailable policy's record).
    validateResource: async (args, reportViolation) => {
        const named = managedUser(args);
        if (!named) return;
        const noticeDays = args.getConfig<{ noticeDays?: number }>().noticeDays ?? DEFAULT_NOTICE_DAYS;
        const now = new Date();
        const onRecord = run.unjudgedOf(args.urn);
        for (const j of run.judgementsOf(args.urn)) {
            const base = { policy: j.policy, urn: args.urn, user: named.userName, ...accountRecord(j.access) };
            const from = Math.max(0, j.thresholdDays - noticeDays);
            // The report clears what is fresh at `from`; only credentials within the window are read live.
            const usage = await j.access.usage.usageOf(named.userName, { [j.kind]: from });
            const verdict = usage.status === "found" ? assessKind(j.kind, usage.facts, j.thresholdDays, now) : undefined;
            const unread = usage.status === "unavailable" ? [{ ...usage, credential: j.kind }] : (verdict?.unjudged ?? []);
            for (const doubt of unread) {
                // What the judging policy could not judge is already on record; only the notice's own read is told here.
                if (
                    onRecord.some(
                        e => e.credential === doubt.credential && (e.accessKeyId === undefined || e.accessKeyId === doubt.accessKeyId),
                    )
                )
                    continue;
                reportViolation(
                    noticeUnavailableMessage(named.userName, doubt, { policy: j.policy, noticeDays, accountLabel: j.access.label }),
                );
                run.record({
                    ...base,
                    kind: "notice-unavailable",
                    credential: doubt.credential,
                    accessKeyId: doubt.accessKeyId,
                    reason: doubt.reason,
                });
            }
            for (const finding of verdict?.assessments ?? []) {
                if (finding.unused && j.retirement.status === "in-force" && retires(j.retirement, refOf(finding)).retired) {
                    reportViolation(
                        retiringMessage(finding, j.policy, j.retirement.until, {
                            accountLabel: j.access.label,
                            retiringTag: j.retiringTag,
                        }),
                    );
                } else if (!finding.unused && finding.idleDays >= from) {
                    reportViolation(noticeMessage(finding, j.policy, now, { accountLabel: j.access.label }));
                    run.record({ ...base, kind: "notice", ...credentialRecord(finding), unusedFrom: finding.unusedFrom.toISOString() });
                }
            }
        }
    },
});
