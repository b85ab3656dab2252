// Whole-run specs that take minutes (1,000-user outage runs): skipped with UNUSED_CREDENTIALS_SLOW_SPECS=skip, which CI
// sets for all but one of its suites so that they run once per CI run.
export function describeSlow(title: string, body: (this: Mocha.Suite) => void): void {
    if (process.env.UNUSED_CREDENTIALS_SLOW_SPECS === "skip") describe.skip(title, body);
    else describe(title, body);
}
