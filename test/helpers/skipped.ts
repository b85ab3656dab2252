// The real-CLI suites skipped in this run, shared by pulumi-cli.ts and setup.ts. It imports nothing, so that mocha's
// setup loads no module of the pack before a spec does (mutation testing re-evaluates those modules per mutant).
export const skippedCliSuites: Mocha.Suite[] = [];

/** The suites against moto skipped in this run (no Python with moto). */
export const skippedMotoSuites: Mocha.Suite[] = [];
