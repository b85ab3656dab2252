// JSON that cannot be parsed is reported by where it goes wrong, never by quoting it: a config value, a stack
// export or a command's output may hold a secret, and V8's own message quotes the text ("S3CR3T-PLA"…).

/** True when `text` cut to `length` characters already holds an error (not merely an early end). */
function wrongWithin(text: string, length: number): boolean {
    try {
        JSON.parse(text.slice(0, length));
        return false;
    } catch (error) {
        const message = (error as Error).message;
        if (/end of JSON input|Unterminated/i.test(message)) return false;
        const position = /position (\d+)/.exec(message)?.[1];
        return position === undefined || Number(position) < length;
    }
}

/** Where a text that is not JSON goes wrong, as `line 3, column 7`, or `it ends early`. */
export function jsonProblem(text: string): string {
    if (!wrongWithin(text, text.length)) return "it ends early";
    // Once a prefix holds an error, every longer one does: the first wrong character is found by bisection.
    let low = 0;
    let high = text.length;
    while (low < high) {
        const mid = Math.floor((low + high) / 2);
        if (wrongWithin(text, mid)) high = mid;
        else low = mid + 1;
    }
    const before = text.slice(0, low - 1);
    const line = before.split("\n").length;
    const column = low - 1 - before.lastIndexOf("\n");
    return `line ${line}, column ${column}`;
}

/** Parses JSON, or throws an error that names `what` and the position, never the content. */
export function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new SyntaxError(`${what} is not JSON (${jsonProblem(text)})`);
    }
}
