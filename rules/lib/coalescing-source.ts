// Each user's data is read once per run, however many policies ask and whether Analyze calls arrive
// one at a time or in parallel: concurrent askers share the same promise.
import { UsageSource, UserUsage } from "./usage";

export class CoalescingSource implements UsageSource {
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
}
