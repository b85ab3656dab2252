// Each user's live data is read once per run and scope, however many policies ask and whether Analyze calls arrive
// one at a time, in parallel or ahead of them (read-ahead): concurrent askers share the same promise. One deadline
// per user, counted from the first ask of any scope, bounds every read of that user: a password read, a key read
// and a retry share it. A transient failure (throttling past the retries, a timeout, a 5xx) is read once more when
// the next policy asks, within what is left of it; a permanent one (AccessDenied, an untrusted answer) is not.
import { hasTransientFailure, UserUsage } from "../iam/usage";
import { ReadScope, scopeKey } from "../kinds/kinds";

interface Entry {
    answer: Promise<UserUsage>;
    /** The answer once it has arrived. */
    settled?: UserUsage;
    retried: boolean;
}

/**
 * A promise of the entry's answer for one asker, never the kept one: V8 notes on an awaited promise which async
 * function awaits it (for async stack traces), so a kept promise that a policy awaited would keep that policy's call
 * (the SDK's request, stream and the resource's decoded properties) alive for the whole run, about 30 KB a user.
 */
function handedOut(entry: Entry): Promise<UserUsage> {
    return entry.settled ? Promise.resolve(entry.settled) : entry.answer.then(usage => usage);
}

export class CoalescingReader {
    private readonly entries = new Map<string, Entry>();
    /** When each user's deadline runs out (ms since the epoch), from the first ask about that user. */
    private readonly deadlines = new Map<string, number>();

    /** `read` gets the time it may take; `deadlineMs` is the whole budget of one user, every scope and retry included. */
    constructor(
        private readonly read: (userName: string, scope: ReadScope, deadlineMs: number) => Promise<UserUsage>,
        private readonly deadlineMs: number,
    ) {}

    usageOf(userName: string, scope: ReadScope): Promise<UserUsage> {
        const user = userName.toLowerCase();
        const deadlineAt = this.deadlines.get(user) ?? Date.now() + this.deadlineMs;
        this.deadlines.set(user, deadlineAt);
        const key = `${user}\n${scopeKey(scope)}`;
        const left = deadlineAt - Date.now();
        const entry = this.entries.get(key);
        if (!entry) {
            const fresh: Entry = { answer: Promise.resolve(undefined as never), retried: false };
            this.start(userName, scope, fresh, left);
            this.entries.set(key, fresh);
            return handedOut(fresh);
        }
        if (entry.settled && hasTransientFailure(entry.settled) && !entry.retried && left > 0) {
            entry.retried = true;
            this.start(userName, scope, entry, left);
        }
        return handedOut(entry);
    }

    private start(userName: string, scope: ReadScope, entry: Entry, leftMs: number): void {
        entry.settled = undefined;
        const seconds = this.deadlineMs / 1000;
        const spent: UserUsage = {
            status: "unavailable",
            errorCode: "Timeout",
            transient: true,
            reason: `reading IAM user ${userName} did not finish within ${seconds} s`,
        };
        const reading = leftMs > 0 ? this.read(userName, scope, leftMs) : Promise.resolve(spent);
        entry.answer = reading
            .catch((error: unknown): UserUsage => ({
                status: "unavailable",
                reason: `reading IAM user ${userName} failed: ${(error as Error)?.message ?? String(error)}`,
            }))
            .then(usage => (entry.settled = usage));
    }
}
