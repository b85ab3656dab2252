// The build stamp: a hash of the sources bin/ was compiled from, written next to it, so that a stale or
// missing build is never run silently (index.js compares it at every start). Plain JavaScript: it runs
// before anything is compiled.
//   node tools/build-stamp.js write   (after tsc, in npm run build / prepare / pretest)
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const STAMP = path.join(ROOT, "bin", ".source-hash");

/** The pack's sources: what tsconfig.json compiles into bin/. */
function sourceFiles(dir = ROOT, relative = "") {
    const files = [];
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
        const name = path.join(relative, entry.name);
        if (entry.isDirectory()) {
            if (relative === "" && !["rules", "tools"].includes(entry.name)) continue;
            files.push(...sourceFiles(dir, name));
        } else if (
            (relative === "" && (entry.name === "index.ts" || entry.name === "tsconfig.json")) ||
            (relative !== "" && entry.name.endsWith(".ts"))
        ) {
            files.push(name);
        }
    }
    return files;
}

function sourceHash() {
    const hash = crypto.createHash("sha256");
    for (const file of sourceFiles().sort())
        hash.update(file)
            .update("\0")
            .update(fs.readFileSync(path.join(ROOT, file)))
            .update("\0");
    return hash.digest("hex");
}

/** Why bin/ cannot be run as the build of these sources, or undefined when it can. */
function staleBuild() {
    if (!fs.existsSync(path.join(ROOT, "bin", "index.js"))) return "bin/ is missing";
    const stamp = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, "utf8").trim() : "";
    return stamp === sourceHash() ? undefined : "bin/ was built from other sources than these";
}

module.exports = { sourceHash, staleBuild, STAMP };

if (require.main === module && process.argv[2] === "write") {
    fs.writeFileSync(STAMP, `${sourceHash()}\n`);
}
