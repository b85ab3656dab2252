// Loaded by mocha before any spec (.mocharc.json).
import { skippedCliSuites, skippedMotoSuites } from "./skipped";

// The test process creates SDK clients itself, and on Node 20 the SDK warns on each run that its 2027 releases need
// Node 22, as index.ts quiets it for the pack.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** One line at the end of the run for the specs that need the real Pulumi CLI and did not find one. */
export const mochaHooks = {
    afterAll(): void {
        const motoSkipped = skippedMotoSuites.reduce((n, suite) => n + suite.total(), 0);
        if (motoSkipped > 0) {
            const why =
                process.env.UNUSED_CREDENTIALS_MOTO_SPECS === "skip"
                    ? "UNUSED_CREDENTIALS_MOTO_SPECS=skip"
                    : "no Python with moto was found";
            console.log(
                `\n  ${motoSkipped} specs against moto skipped (${why}): pip install "moto[server]", or name its Python in UNUSED_CREDENTIALS_MOTO_PYTHON`,
            );
        }
        const skipped = skippedCliSuites.reduce((n, suite) => n + suite.total(), 0);
        if (skipped === 0) return;
        const why = process.env.UNUSED_CREDENTIALS_CLI_SPECS === "skip" ? "UNUSED_CREDENTIALS_CLI_SPECS=skip" : "no Pulumi CLI was found";
        console.log(
            `\n  ${skipped} specs under the real Pulumi CLI skipped (${why}): run tools/pulumi-cli/build.sh (needs Go) or put pulumi on PATH to run them`,
        );
    },
};
