// Bundles what ships into dist/ with esbuild: the pack (dist/pack.js, what index.js runs), `check`
// (dist/check.js) and the local IAM endpoint (dist/local-iam.js), each one file with its libraries (the AWS
// SDK, csv-parse, ajv…) inside. Only @pulumi/pulumi and @pulumi/policy (and the gRPC and protobuf libraries they
// load) stay outside: the CLI starts a pack
// with the @pulumi/pulumi in the pack's own node_modules, and the policy SDK needs that same copy. So an
// install needs nothing else, and a start reads three files instead of some 900 modules.
//   node tools/bundle.js             (npm run build, pretest)
//   node tools/bundle.js --prepare   (npm's prepare: in a checkout it bundles; in a package packed from a checkout
//                                     with plain `npm pack`, which keeps the scripts but not the sources, it does nothing)
// Type checking is tsc's job (npm run build, npm test, lint); esbuild only strips the types.
"use strict";
const path = require("node:path");
const { isSourceCheckout, writeStamp, DIST } = require("./build-stamp");

const ROOT = path.resolve(__dirname, "..");

async function bundle() {
    const esbuild = require("esbuild");
    const { xmlParserPatch, assertPatched } = require("./sdk-xml-patch");
    const patch = xmlParserPatch();
    const entries = { pack: "index.ts", check: "tools/check.ts", "local-iam": "tools/local-iam/main.ts" };
    const { metafile } = await esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
        outdir: DIST,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        // The ES module builds of the AWS SDK let esbuild leave out the IAM commands the pack never sends.
        mainFields: ["module", "main"],
        // gRPC and protobuf too: the driver in check uses the stubs of that @pulumi/pulumi, which load them.
        external: ["@pulumi/pulumi", "@pulumi/policy", "@grpc/grpc-js", "google-protobuf", "esbuild"],
        minifySyntax: true,
        minifyWhitespace: true,
        keepNames: true,
        sourcemap: "linked",
        sourcesContent: false,
        legalComments: "none",
        logLevel: "warning",
        plugins: [patch.plugin],
        metafile: true,
    });
    assertPatched(patch, metafile);
    writeStamp();
}

if (process.argv.includes("--prepare") && !isSourceCheckout()) process.exit(0);
bundle().catch(error => {
    process.stderr.write(`bundle: ${error.message}\n`);
    process.exit(1);
});
