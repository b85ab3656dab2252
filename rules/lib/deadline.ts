// The one deadline of the pack: work that must settle within a time, whatever it does meanwhile. The work gets an
// AbortSignal that fires at the deadline, to let go of what it holds (the SDK then destroys the request and its
// socket); the caller gets the expiry's outcome at the deadline even if the work never notices.

/**
 * Runs `work` and settles with its result, or with `onExpiry()` (a value, or a thrown error) when `ms` pass first.
 * The timer is cleared as soon as the work settles: a finished read keeps nothing alive.
 */
export function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, onExpiry: () => T): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<T>((resolve, reject) => {
        timer = setTimeout(() => {
            controller.abort();
            try {
                resolve(onExpiry());
            } catch (error) {
                reject(error);
            }
        }, ms);
    });
    let running: Promise<T>;
    try {
        running = work(controller.signal);
    } catch (error) {
        running = Promise.reject(error);
    }
    return Promise.race([running, expired]).finally(() => clearTimeout(timer));
}
