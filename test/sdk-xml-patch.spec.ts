// The one change the bundle makes to the AWS SDK (tools/sdk-xml-patch.js): its XML parser reads a text node with one
// slice instead of one character at a time. Every IAM answer the pack reads goes through that parser, so the patched
// parser must give exactly what the SDK's own gives, errors included: both are loaded from the installed SDK and
// compared on generated documents, well formed or not.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";

const REPO = path.resolve(__dirname, "..", "..");
type Parse = (xml: string) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { patchXmlParser, installedParser, compiledParser } = require(path.join(REPO, "tools", "sdk-xml-patch.js")) as {
    patchXmlParser: (source: string, file?: string) => string;
    installedParser: () => { file: string; source: string };
    compiledParser: (source: string) => Parse;
};

const { file, source: original } = installedParser();
const sdkParse = compiledParser(original);
const patchedParse = compiledParser(patchXmlParser(original));

/** What a parser makes of a document: its result, or the message it throws. */
function outcome(parse: Parse, xml: string): unknown {
    try {
        return { value: parse(xml) };
    } catch (error) {
        return { error: (error as Error).message };
    }
}

// ---- documents ----------------------------------------------------------------------------------------------
const TAGS = ["Content", "Member", "UserName", "A", "__proto__"];
const text = fc.stringMatching(/^[A-Za-z0-9+/= \n\r\t&;#x]{0,40}$/).map(s => s.replace(/&(?![a-z#])/g, "&amp;"));
const entity = fc.constantFrom("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x42;", "&bogus;");
const piece: fc.Arbitrary<string> = fc.letrec<{ element: string }>(tie => ({
    element: fc
        .tuple(
            fc.constantFrom(...TAGS),
            fc.array(fc.tuple(fc.constantFrom("xmlns", "id", "__proto__"), text), { maxLength: 2 }),
            fc.array(
                fc.oneof(
                    { weight: 4, arbitrary: text },
                    { weight: 1, arbitrary: entity },
                    { weight: 1, arbitrary: text.map(t => `<![CDATA[${t}<>]]>`) },
                    { weight: 1, arbitrary: fc.constant("<!-- note -->") },
                    { weight: 3, arbitrary: tie("element") },
                ),
                { maxLength: 4 },
            ),
            fc.boolean(),
        )
        .map(([tag, attrs, children, selfClosing]) => {
            const attributes = attrs.map(([k, v]) => ` ${k}="${v.replace(/"/g, "")}"`).join("");
            return selfClosing && children.length === 0 ? `<${tag}${attributes}/>` : `<${tag}${attributes}>${children.join("")}</${tag}>`;
        }),
})).element;
const document = fc
    .tuple(fc.constantFrom("", '<?xml version="1.0" encoding="UTF-8"?>\n', "\r\n"), piece, fc.constantFrom("", "\n", "<!-- end -->"))
    .map(parts => parts.join(""));
/** Cut or spliced documents: the parsers' error paths. */
const broken = fc
    .tuple(document, fc.nat(), fc.constantFrom("", "<", ">", "</", "</X>", "<![CDATA[", "&", "<!DOCTYPE x [<y>]>"))
    .map(([xml, at, insert]) => xml.slice(0, at % (xml.length + 1)) + insert + xml.slice(at % (xml.length + 1)));

describe("the bundled AWS SDK's XML parser (tools/sdk-xml-patch.js)", () => {
    it("gives exactly the SDK's own result for any document", () => {
        fc.assert(
            fc.property(document, xml => assert.deepEqual(outcome(patchedParse, xml), outcome(sdkParse, xml))),
            { seed: 20_261_205, numRuns: 2000 },
        );
    });

    it("gives exactly the SDK's own result or error for cut and spliced documents", () => {
        fc.assert(
            fc.property(broken, xml => assert.deepEqual(outcome(patchedParse, xml), outcome(sdkParse, xml))),
            { seed: 20_261_205, numRuns: 2000 },
        );
    });

    it("reads a GetCredentialReport answer of 5,000 users, Content whole, as the SDK does", () => {
        const content = Buffer.from("user,arn\n" + "x".repeat(1_300_000)).toString("base64");
        const xml =
            '<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <GetCredentialReportResult>\n' +
            `    <Content>${content}</Content>\n    <ReportFormat>text/csv</ReportFormat>\n` +
            "    <GeneratedTime>2026-12-05T06:00:00Z</GeneratedTime>\n  </GetCredentialReportResult>\n</GetCredentialReportResponse>\n";
        const read = patchedParse(xml) as { GetCredentialReportResponse: { GetCredentialReportResult: { Content: string } } };
        assert.equal(read.GetCredentialReportResponse.GetCredentialReportResult.Content, content);
        assert.deepEqual(read, sdkParse(xml));
    });

    it("patches both of the SDK's builds, and refuses a parser without the loop rather than shipping it unpatched", () => {
        const es = fs.readFileSync(path.join(path.dirname(file), "..", "dist-es", "xml-parser.js"), "utf8");
        assert.match(patchXmlParser(es), /p\.x\.slice\(p\.i, textEnd\)/);
        assert.throws(
            () => patchXmlParser(patchXmlParser(original), "index.js"),
            /index\.js: expected its character-by-character text loop once, found it 0 times/,
        );
    });
});
