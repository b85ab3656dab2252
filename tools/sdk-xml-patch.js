// One change to the AWS SDK as bundled into dist/: its XML parser (@aws-sdk/xml-builder, 3.972.3x and later) reads a
// text node one character at a time (`text += p.x[p.i++]`). V8 makes a new string for every character, and a
// GetCredentialReport answer is one text node of the whole report in base64 (1.7 MB for 5,000 users): parsing it took
// 132 ms and a 131 MB peak at 5,000 users, 535 ms and 307 MB at 20,000 (`npm run bench`, test/bench/xml-parse.js).
// The patch reads the same characters, up to the next "<" or the end, with one indexOf and one slice (5 ms and 48 MB;
// 19 ms and 62 MB). The parse is otherwise untouched (test/sdk-xml-patch.spec.ts compares the two parsers on generated
// documents). A new SDK whose parser no longer has that loop fails the bundle here, so that the patch is looked at
// again rather than silently left out.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** The SDK's loop: the text up to the next "<", one character at a time. */
const CHARACTER_LOOP = /let text = "";\s*while \(p\.i < p\.z && p\.x\[p\.i\] !== "<"\) \{\s*text \+= p\.x\[p\.i\+\+\];\s*\}/g;
const SLICE = 'let textEnd = p.x.indexOf("<", p.i); if (textEnd === -1) textEnd = p.z; let text = p.x.slice(p.i, textEnd); p.i = textEnd;';

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

/** The installed SDK's CommonJS parser: its file and source. */
function installedParser() {
    const file = require.resolve("@aws-sdk/xml-builder/dist-cjs/index.js", { paths: [path.join(__dirname, "..")] });
    return { file, source: fs.readFileSync(file, "utf8") };
}

/** The SDK's parseXML compiled from `source` in place of its installed file: the spec and the bench compare the
 * installed parser with the patched one. */
function compiledParser(source) {
    const { file } = installedParser();
    const parser = new Module(file, module);
    parser.filename = file;
    parser.paths = Module._nodeModulePaths(path.dirname(file));
    parser._compile(source, file);
    return parser.exports.parseXML;
}

module.exports = { patchXmlParser, xmlParserPatch, assertPatched, installedParser, compiledParser };
