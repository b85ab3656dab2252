import type { ResourceValidationPolicy } from "@pulumi/policy";
import { recordFinding } from "./run/findings";
import { noticeMessage } from "./verdict/message";
import { DEFAULT_NOTICE_DAYS, noticeConfigSchema } from "./config/policy-config";
import { UNUSED_CREDENTIAL_FRAMEWORK } from "./config/policy-metadata";
import { accountRecord, credentialRecord, judgementsOf, managedUser, NEED, PackRun, retiringText } from "./run/pack-run";
import { assessKind } from "./verdict/verdict";


export const iamUserCredentialUnusedSoon = (run: PackRun): ResourceValidationPolicy => ({
    name: "iam-user-credential-unused-soon",
    displayName: "IAM user credential soon unused",
    description: "Warns about credentials of managed IAM users that reach their policy's unused threshold within noticeDays days.",
    enforcementLevel: "advisory",
    severity: "low",
    ...UNUSED_CREDENTIAL_FRAMEWORK,
    remediationSteps:
        "Use the credential before the date if it is still needed; otherwise retire it now (see iam-user-unused-access-key " +
        "and iam-user-unused-password), before it blocks a deployment.",
    configSchema: noticeConfigSchema(),
    // It judges nothing itself: it takes each judging policy's threshold, account and exemption decision from
    // that policy's run on this resource (they run first), so that the two can never disagree.
    validateResource: async (args, reportViolation) => {
        const named = managedUser(args);
        if (!named) return;
        const noticeDays = args.getConfig<{ noticeDays?: number }>().noticeDays ?? DEFAULT_NOTICE_DAYS;
        const now = new Date();
        for (const j of judgementsOf(run, args.urn)) {
            const from = Math.max(0, j.thresholdDays - noticeDays);
            // The report clears what is fresh at `from`; only credentials within the window are read live.
            const usage = await j.access.usage.usageOf(named.userName, { [NEED[j.kind]]: from });
            if (usage.status !== "found") continue;
            for (const finding of assessKind(j.kind, usage.facts, j.thresholdDays, now)) {
                const retiring = finding.unused ? retiringText(j, finding) : undefined;
                if (retiring) {
                    reportViolation(retiring);
                } else if (!finding.unused && finding.idleDays >= from) {
                    reportViolation(noticeMessage(finding, j.policy, now, { accountLabel: j.access.label }));
                    recordFinding({
                        kind: "notice", policy: j.policy, urn: args.urn, user: named.userName, ...accountRecord(j.access),
                        ...credentialRecord(finding), unusedFrom: finding.unusedFrom.toISOString(),
                    });
                }
            }
        }
    },
});
