// The build stamp: a hash of the sources dist/ was bundled from, written next to it, so that a stale or missing
// build is never run silently in a source checkout (index.js compares it at every start). An installed package
// ships dist/ without its TypeScript sources: there is nothing to compare, and dist/ is what runs. Plain
// JavaScript: it runs before anything is built.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".source-hash");

/** True in a clone of the repository, false in an installed package (which ships no TypeScript). */
function isSourceCheckout() {
    return fs.existsSync(path.join(ROOT, "index.ts"));
}

/** The pack's sources: what tools/bundle.js bundles into dist/. */
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

/** Why dist/ cannot be run as the build of these sources, or undefined when it can. */
function staleBuild() {
    if (!fs.existsSync(path.join(DIST, "pack.js"))) return "dist/ is missing";
    if (!isSourceCheckout()) return undefined;
    const stamp = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, "utf8").trim() : "";
    return stamp === sourceHash() ? undefined : "dist/ was built from other sources than these";
}

function writeStamp() {
    fs.writeFileSync(STAMP, `${sourceHash()}\n`);
}

module.exports = { isSourceCheckout, sourceHash, staleBuild, writeStamp, DIST, STAMP };
