// The pack's entry point (package.json main), as the Pulumi CLI's loader requires it. It runs the bundle in
// dist/ (tools/bundle.js). In a source checkout whose dist/ was not built from these exact sources it says so
// in one line (the CLI shows the pack's stderr) and runs the sources instead, through the ts-node that the CLI's
// loader (run-policy-pack) registers for every pack: slower, never stale.
"use strict";
const { isSourceCheckout, staleBuild } = require("./tools/build-stamp");

const stale = staleBuild();
if (!stale) {
    require("./dist/pack.js");
} else if (!isSourceCheckout()) {
    process.stderr.write(`unused-iam-credentials: ${stale}: this installed package is incomplete; reinstall it\n`);
    process.exit(1);
} else {
    process.stderr.write(
        `unused-iam-credentials: ${stale}, so the pack runs its TypeScript sources (a slower start); run \`npm run build\` to fix\n`,
    );
    require("./index.ts");
}
