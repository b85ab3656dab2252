#!/usr/bin/env node
// Compiles the test programs (test/programs/*.ts) to bin/ without type-checking them: `npm test` needs their JavaScript,
// and type-checking them loads @pulumi/aws's declarations (about 900 MB of memory). `npm run lint` and `npm run
// test:cli` type-check them (`tsc -p test/programs`); this keeps `npm test`'s peak memory low.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const dir = __dirname;
const config = ts.readConfigFile(path.join(dir, "tsconfig.json"), ts.sys.readFile);
const { options, fileNames } = ts.parseJsonConfigFileContent(config.config, ts.sys, dir);
const outDir = options.outDir ?? path.join(dir, "bin");
fs.mkdirSync(outDir, { recursive: true });
for (const file of fileNames) {
    const out = ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: options, fileName: file, reportDiagnostics: true });
    const problems = (out.diagnostics ?? []).map(d => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    if (problems.length) {
        console.error(`${path.relative(process.cwd(), file)}: ${problems.join("; ")}`);
        process.exit(1);
    }
    fs.writeFileSync(path.join(outDir, path.basename(file).replace(/\.ts$/, ".js")), out.outputText);
}
