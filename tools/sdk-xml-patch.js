// One change to the AWS SDK as bundled into dist/: its XML parser (@aws-sdk/xml-builder, 3.972.3x and later) reads a
// text node one character at a time (`text += p.x[p.i++]`). V8 makes a new string for every character, so a
// GetCredentialReport answer, whose Content is the whole report in base64 (1.7 MB for 5,000 users), allocated 45 MB
// and grew the pack's heap by as much for the rest of the run; 20,000 users would take 180 MB. The patch reads the
// same characters, up to the next "<" or the end, with one indexOf and one slice. The parse is otherwise untouched
// (test/sdk-xml-patch.spec.ts compares the two parsers on generated documents).
// A new SDK whose parser no longer has that loop fails the bundle here, so that the patch is looked at again rather
// than silently left out.
"use strict";

/** The SDK's loop: the text up to the next "<", one character at a time. */
const CHARACTER_LOOP = /let text = "";\s*while \(p\.i < p\.z && p\.x\[p\.i\] !== "<"\) \{\s*text \+= p\.x\[p\.i\+\+\];\s*\}/g;
const SLICE =
    'const textEnd = p.x.indexOf("<", p.i) === -1 ? p.z : p.x.indexOf("<", p.i); let text = p.x.slice(p.i, textEnd); p.i = textEnd;';

/** The parser's source with its text loop replaced; throws if the source has no such loop, or more than one. */
function patchXmlParser(source, file = "the SDK's XML parser") {
    const found = source.match(CHARACTER_LOOP)?.length ?? 0;
    if (found !== 1) {
        throw new Error(
            `${file}: expected its character-by-character text loop once, found it ${found} times. ` +
                "The AWS SDK's XML parser changed: check whether tools/sdk-xml-patch.js is still needed.",
        );
    }
    return source.replace(CHARACTER_LOOP, SLICE);
}

/** The files of @aws-sdk/xml-builder that hold its Node parser (the ES and the CommonJS builds). */
const PARSER_FILE = /[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-(es[\\/]xml-parser|cjs[\\/]index)\.js$/;

/** An esbuild plugin that patches the parser wherever a bundle includes it, and the files it patched. */
function xmlParserPatch() {
    const patched = new Set();
    const plugin = {
        name: "sdk-xml-patch",
        setup(build) {
            const fs = require("node:fs");
            build.onLoad({ filter: PARSER_FILE }, args => {
                patched.add(args.path);
                return { contents: patchXmlParser(fs.readFileSync(args.path, "utf8"), args.path), loader: "js" };
            });
        },
    };
    return { plugin, patched };
}

/** Throws if a bundle took the SDK's XML code from files the plugin did not patch (a renamed parser would otherwise
 * ship unpatched). */
function assertPatched(patch, metafile) {
    const sdkXml = Object.keys(metafile.inputs).filter(input => /@aws-sdk[\\/]xml-builder[\\/]/.test(input));
    if (sdkXml.length > 0 && patch.patched.size === 0) {
        throw new Error(
            `the bundle takes the AWS SDK's XML code from ${sdkXml.join(", ")}, but no parser file was patched: see tools/sdk-xml-patch.js`,
        );
    }
}

module.exports = { patchXmlParser, xmlParserPatch, assertPatched };
