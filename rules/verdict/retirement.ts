// Retiring a credential in code: the fix a message prints (`status: "Inactive"` on the key, or removing the
// login profile) is deployed by the same `pulumi up` the gate checks, and the engine analyzes the user before
// the key's own step runs. A short, dated tag on the user names the credentials that change retires, so the
// gate lets that deployment through and keeps blocking everything else: other credentials, and the named
// ones once the date has passed. Pure: tags and now in, a decision out.
import { MAX_RETIRING_DAYS } from "../model/limits";
import { calendarDaysUntil, endOfUtcDay, utcDatePlus } from "./exemption";

/** A credential as a retirement tag names it: an access key ID, or `password`. */
export type CredentialRef = string;

export type Retirement =
    | { status: "none" }
    | { status: "in-force"; credentials: ReadonlySet<CredentialRef>; until: string; daysLeft: number }
    /** The tag is there but retires nothing; `note` says why, in each violation of a credential it names. */
    | { status: "void"; credentials: ReadonlySet<CredentialRef> | "all"; note: string };

const KEY_ID = /^[A-Z0-9]{16,128}$/;
const VALUE = /^((?:\S+\s+)+)until\s+(\S+)$/;

/** The tag's value for these credentials, as a message prints it: `AKIA… password until 2026-12-07`. */
export function retiringTagValue(credentials: CredentialRef[], now: Date, days = 7): string {
    return `${credentials.join(" ")} until ${utcDatePlus(now, days)}`;
}

/** At most this many characters of a tag's value are quoted back: a message is read, not a dump of the tag. */
const QUOTED = 40;

/** A part of a tag's value as a message quotes it: bounded, with its length when cut. */
export function quoted(part: string): string {
    return part.length <= QUOTED ? JSON.stringify(part) : `${JSON.stringify(part.slice(0, QUOTED))}… (${part.length} characters)`;
}

/** What is wrong with a value that is not `<refs> until <date>`: the part that is, quoted and bounded. */
function malformed(value: string, refs: string[] | undefined): string {
    if (!refs) return `${quoted(value.trim())} does not end with "until YYYY-MM-DD"`;
    const bad = refs.find(ref => ref !== "password" && !KEY_ID.test(ref))!;
    return `${quoted(bad)} is neither an access key ID nor "password"`;
}

export function retirementOf(tags: Record<string, string>, tag: string, now: Date): Retirement {
    const value = tags[tag];
    if (value === undefined) return { status: "none" };
    const match = VALUE.exec(value.trim());
    const refs = match ? match[1].trim().split(/\s+/) : [];
    if (!match || refs.some(ref => ref !== "password" && !KEY_ID.test(ref))) {
        return {
            status: "void",
            credentials: "all",
            note:
                `the tag ${tag} is not "<access key ID or password> … until YYYY-MM-DD": ${malformed(value, match ? refs : undefined)}, ` +
                "so it retires nothing",
        };
    }
    const credentials = new Set(refs);
    const until = match[2];
    const end = endOfUtcDay(until);
    if (!end)
        return {
            status: "void",
            credentials,
            note: `the tag ${tag} ends on ${quoted(until)}, which is not a date (YYYY-MM-DD), so it retires nothing`,
        };
    if (now.getTime() > end.getTime()) {
        return {
            status: "void",
            credentials,
            note: `the retirement ${tag}="${value}" ended on ${until} while the credential is still active: deploy the change that retires it`,
        };
    }
    const daysLeft = calendarDaysUntil(end, now);
    if (daysLeft > MAX_RETIRING_DAYS) {
        return {
            status: "void",
            credentials,
            note: `the retirement ${tag}="${value}" reaches ${daysLeft} days ahead, more than the ${MAX_RETIRING_DAYS} a retirement may, so it retires nothing`,
        };
    }
    return { status: "in-force", credentials, until, daysLeft };
}

/** Whether a retirement covers a credential; and the note for a violation of it when a tag is there but void. */
export function retires(retirement: Retirement, credential: CredentialRef): { retired: boolean; note?: string } {
    if (retirement.status === "in-force") return { retired: retirement.credentials.has(credential) };
    if (retirement.status === "void" && (retirement.credentials === "all" || retirement.credentials.has(credential)))
        return { retired: false, note: retirement.note };
    return { retired: false };
}
