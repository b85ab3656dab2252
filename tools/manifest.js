// Lays out the package as it is published, in release/ (or the folder given): the files package.json lists and a
// package.json that lists only what an install needs, its dependencies. Dev dependencies stay out of it because npm
// installs a dev dependency that is also an optional peer of a runtime one (typescript and ts-node are both, of
// @pulumi/pulumi) even with --omit=dev or --production: 23 MB of TypeScript nobody runs. With no scripts, installing
// it runs nothing. `npm publish release` and `pulumi policy publish` (run in release/) publish that folder.
//   npm run release   (builds, then node tools/manifest.js [DIR])
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

function release(out) {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const { devDependencies: _dev, scripts: _scripts, ...published } = manifest;
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    for (const entry of [...manifest.files, "package.json"]) {
        const from = path.join(ROOT, entry);
        if (!fs.existsSync(from)) throw new Error(`${entry}, which package.json lists, is missing: run npm run build`);
        fs.cpSync(from, path.join(out, entry), { recursive: true });
    }
    fs.writeFileSync(path.join(out, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
    return out;
}

if (require.main === module) {
    const out = path.resolve(process.argv[2] ?? path.join(ROOT, "release"));
    try {
        process.stdout.write(`${release(out)}\n`);
    } catch (error) {
        process.stderr.write(`release: ${error.message}\n`);
        process.exit(1);
    }
}

module.exports = { release };
