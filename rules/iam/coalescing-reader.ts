// Each user's live data is read once per run and scope, however many policies ask and whether Analyze calls
// arrive one at a time, in parallel or ahead of them (read-ahead): concurrent askers share the same promise. A transient failure (throttling
// past the retries, a timeout, a 5xx) is read once more when the next policy asks, within what is left of
// the user's deadline; a permanent one (AccessDenied, an untrusted answer) is not.
import { ReadScope, scopeKey } from "./per-user-reader";
import { UserUsage } from "./usage";

interface Entry {
    answer: Promise<UserUsage>;
    /** The answer once it has arrived. */
    settled?: UserUsage;
    /** When the user's deadline, counted from the first ask, runs out (ms since the epoch). */
    deadlineAt: number;
    retried: boolean;
}

export class CoalescingReader {
    private readonly entries = new Map<string, Entry>();

    /** `read` gets the time it may take; `deadlineMs` is the whole budget of one user, retry included. */
    constructor(
        private readonly read: (userName: string, scope: ReadScope, deadlineMs: number) => Promise<UserUsage>,
        private readonly deadlineMs: number,
    ) {}

    /** Whether this user's data for this scope has been asked for (by a policy or ahead of one). */
    has(userName: string, scope: ReadScope): boolean {
        return this.entries.has(`${userName}\n${scopeKey(scope)}`);
    }

    usageOf(userName: string, scope: ReadScope): Promise<UserUsage> {
        const key = `${userName}\n${scopeKey(scope)}`;
        const entry = this.entries.get(key);
        if (!entry) {
            const fresh: Entry = { answer: Promise.resolve(undefined as never), deadlineAt: Date.now() + this.deadlineMs, retried: false };
            this.start(userName, scope, fresh, this.deadlineMs);
            this.entries.set(key, fresh);
            return fresh.answer;
        }
        const last = entry.settled;
        const left = entry.deadlineAt - Date.now();
        if (last?.status === "unavailable" && last.transient && !entry.retried && left > 0) {
            entry.retried = true;
            this.start(userName, scope, entry, left);
        }
        return entry.answer;
    }

    private start(userName: string, scope: ReadScope, entry: Entry, deadlineMs: number): void {
        entry.settled = undefined;
        entry.answer = this.read(userName, scope, deadlineMs).then(usage => {
            entry.settled = usage;
            return usage;
        });
    }
}
