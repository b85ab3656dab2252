// Exemptions: by user-name pattern (`exemptUsers`), or recorded in code as a tag on the user
// (`unused-credentials:exempt-until` = YYYY-MM-DD, inclusive, with an optional reason tag).
import { matchingExemption, UnusedCredentialConfig } from "./policy-config";

export type Exemption =
    | { exempt: true; why: string }
    /** `note` says why an exemption tag on the user did not apply, for the violation message. */
    | { exempt: false; note?: string }
    /** A preview cannot know the exemption tag yet: the user is neither judged nor passed. */
    | { exempt: "unknown"; why: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date as the UTC instant its day ends, or undefined if the text is not a real YYYY-MM-DD date. */
export function endOfUtcDay(value: string): Date | undefined {
    const match = DATE.exec(value.trim());
    if (!match) return undefined;
    const [year, month, day] = match.slice(1).map(Number);
    const start = new Date(Date.UTC(year, month - 1, day));
    if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) return undefined;
    return new Date(start.getTime() + 86_400_000 - 1);
}

export function exemptionOf(userName: string, tags: Record<string, string>, config: UnusedCredentialConfig, now: Date, unknownTags: "all" | string[] = []): Exemption {
    const pattern = matchingExemption(userName, config.exemptUsers);
    if (pattern) return { exempt: true, why: `exempt by exemptUsers pattern "${pattern}"` };
    if (unknownTags === "all") return { exempt: "unknown", why: "its tags are not known during preview, so whether it is exempt cannot be known" };
    if (unknownTags.includes(config.exemptUntilTag)) {
        return { exempt: "unknown", why: `its tag ${config.exemptUntilTag} is not known during preview, so whether it is exempt cannot be known` };
    }
    const until = tags[config.exemptUntilTag];
    if (until === undefined) return { exempt: false };
    const reasonText = tags[config.exemptReasonTag];
    const reason = reasonText ? `, reason: "${reasonText}"` : "";
    const end = endOfUtcDay(until);
    if (!end) return { exempt: false, note: `the tag ${config.exemptUntilTag}="${until}" is not a date (YYYY-MM-DD), so it exempts nothing` };
    if (now.getTime() > end.getTime()) return { exempt: false, note: `the exemption ${config.exemptUntilTag}=${until} expired${reason}` };
    return { exempt: true, why: `exempt until ${until} by tag ${config.exemptUntilTag}${reason}` };
}
