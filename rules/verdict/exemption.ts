// Exemptions: by user-name pattern (`exemptUsers`), or recorded in code as a tag on the user
// (`unused-credentials:exempt-until` = YYYY-MM-DD, inclusive, with an optional reason tag). A tag may reach
// at most `maxExemptionDays` ahead: a longer one is no exemption, so that no stack can exempt a user forever.
import { matchingExemption, UnusedCredentialConfig } from "../config/policy-config";
import { MS_PER_DAY } from "../model/credentials";

/** What a security team reviews of an exemption in force. */
export interface ExemptionRecord {
    by: "tag" | "pattern";
    /** The tag's last exempt day (YYYY-MM-DD); pattern exemptions have none. */
    until?: string;
    /** Whole days from today (UTC) to `until`: 0 on its last day. */
    daysLeft?: number;
    reason?: string;
    pattern?: string;
}

export type Exemption =
    | { exempt: true; why: string; record: ExemptionRecord }
    /** `note` says why an exemption tag on the user did not apply, for the violation message. */
    | { exempt: false; note?: string }
    /** A preview cannot know the exemption tag yet: the user is neither judged nor passed. */
    | { exempt: "unknown"; why: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date as the UTC instant its day starts, or undefined if the text is not a real YYYY-MM-DD date. */
export function startOfUtcDay(value: string): Date | undefined {
    const text = value.trim();
    const match = DATE.exec(text);
    if (!match) return undefined;
    const [year, month, day] = match.slice(1).map(Number);
    const start = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2026-02-30 over to March: a real date reads back as itself.
    return start.toISOString().slice(0, 10) === text ? start : undefined;
}

/** A calendar date as the UTC instant its day ends, or undefined if the text is not a real YYYY-MM-DD date. */
export function endOfUtcDay(value: string): Date | undefined {
    const start = startOfUtcDay(value);
    return start && new Date(start.getTime() + MS_PER_DAY - 1);
}

/** `2026-11-30` for a day `days` after the UTC day of `now`. */
export function utcDatePlus(now: Date, days: number): string {
    return new Date(now.getTime() + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole calendar days from today (UTC) to a date's day: 0 on the day itself. */
export function calendarDaysUntil(date: Date, now: Date): number {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    return Math.round((day - today) / MS_PER_DAY);
}

export function exemptionOf(
    userName: string,
    tags: Record<string, string>,
    config: UnusedCredentialConfig,
    now: Date,
    unknownTags: "all" | string[] = [],
): Exemption {
    const pattern = matchingExemption(userName, config.exemptUsers);
    if (pattern) return { exempt: true, why: `exempt by exemptUsers pattern "${pattern}"`, record: { by: "pattern", pattern } };
    if (unknownTags === "all")
        return { exempt: "unknown", why: "its tags are not known during preview, so whether it is exempt cannot be known" };
    if (unknownTags.includes(config.exemptUntilTag)) {
        return {
            exempt: "unknown",
            why: `its tag ${config.exemptUntilTag} is not known during preview, so whether it is exempt cannot be known`,
        };
    }
    const until = tags[config.exemptUntilTag];
    if (until === undefined) return { exempt: false };
    const reasonText = tags[config.exemptReasonTag];
    const reason = reasonText ? `, reason: "${reasonText}"` : "";
    const end = endOfUtcDay(until);
    if (!end)
        return { exempt: false, note: `the tag ${config.exemptUntilTag}="${until}" is not a date (YYYY-MM-DD), so it exempts nothing` };
    if (now.getTime() > end.getTime()) return { exempt: false, note: `the exemption ${config.exemptUntilTag}=${until} expired${reason}` };
    const daysLeft = calendarDaysUntil(end, now);
    if (daysLeft > config.maxExemptionDays) {
        return {
            exempt: false,
            note:
                `the exemption ${config.exemptUntilTag}=${until} reaches ${daysLeft} days ahead, further than maxExemptionDays ` +
                `(${config.maxExemptionDays}) allows, so it exempts nothing; set a date no later than ${utcDatePlus(now, config.maxExemptionDays)}${reason}`,
        };
    }
    return {
        exempt: true,
        why: `exempt until ${until} by tag ${config.exemptUntilTag}${reason}`,
        record: { by: "tag", until: until.trim(), daysLeft, reason: reasonText || undefined },
    };
}
