// Each user's live data is read once per run, however many policies ask and whether Analyze calls arrive
// one at a time or in parallel: concurrent askers share the same promise.
import { UserUsage } from "./usage";

export class CoalescingReader {
    private readonly answers = new Map<string, Promise<UserUsage>>();

    constructor(private readonly read: (userName: string) => Promise<UserUsage>) {}

    usageOf(userName: string): Promise<UserUsage> {
        let answer = this.answers.get(userName);
        if (!answer) {
            answer = this.read(userName);
            this.answers.set(userName, answer);
        }
        return answer;
    }

    /** The read already made (or under way) for this user, if any. */
    existing(userName: string): Promise<UserUsage> | undefined {
        return this.answers.get(userName);
    }
}
