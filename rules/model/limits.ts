// Limits the pack's rules and messages quote: one definition each. Pure constants.

/** A retiring tag reaches at most this many days ahead: long enough for a review and a deploy, too short to park a key. */
export const MAX_RETIRING_DAYS = 14;
/** How far into the future a date from IAM may be before it is impossible rather than clock skew. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Nothing in IAM predates AWS: an earlier date is a zeroed or garbled field. */
export const EARLIEST_IAM_DATE = new Date("2006-01-01T00:00:00Z");
/** A user holds at most two access keys (IAM's quota). */
export const MAX_ACCESS_KEYS = 2;
/** IAM records password use only since this day: older use reads as "never". */
export const PASSWORD_TRACKING_START = new Date("2014-10-20T00:00:00Z");
/** IAM records access key use only since this day. */
export const ACCESS_KEY_TRACKING_START = new Date("2015-04-22T00:00:00Z");
