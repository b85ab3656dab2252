// The pack's entry point (package.json main), as the Pulumi CLI's loader requires it. It runs the bundle in
// dist/ (tools/bundle.js). In a source checkout whose dist/ was not built from these exact sources it says so
// in one line (the CLI shows the pack's stderr) and runs the sources through ts-node instead (a dev
// dependency): slower, never stale. PulumiPolicy.yaml turns the CLI's own ts-node off, so an installed pack
// loads no TypeScript at all.
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
    require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "tsconfig.json") });
    require("./index.ts");
}
