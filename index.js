// The pack's entry point (package.json main), as the Pulumi CLI's loader requires it. It starts the compiled
// pack in bin/ when bin/ was built from these exact sources; otherwise it says so in one line (the CLI shows
// the pack's stderr) and runs the sources themselves through the loader's ts-node: slower, never stale.
"use strict";
const { staleBuild } = require("./tools/build-stamp");

const stale = staleBuild();
if (stale) {
    process.stderr.write(
        `unused-iam-credentials: ${stale}, so the pack runs its TypeScript sources (a slower start); run \`npm run build\` to fix\n`,
    );
    require("./index.ts");
} else {
    require("./bin/index.js");
}
