// One GetCredentialReport answer of N users parsed by the AWS SDK's XML parser, as installed ("sdk") or as the bundle
// patches it ("patched", tools/sdk-xml-patch.js), in a fresh process: prints {"ms": …, "peakRssMb": …} for the bench.
//   node test/bench/xml-parse.js sdk|patched <users>
"use strict";
const { compiledParser, installedParser, patchXmlParser } = require("../../tools/sdk-xml-patch.js");

const [kind, users] = [process.argv[2], Number(process.argv[3])];
const { source } = installedParser();
const parseXML = compiledParser(kind === "patched" ? patchXmlParser(source) : source);

// A report row is about 260 bytes; the answer carries the report in base64.
const content = Buffer.alloc(users * 260, "a").toString("base64");
const xml =
    '<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult>' +
    `<Content>${content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-12-05T06:00:00Z</GeneratedTime>` +
    "</GetCredentialReportResult></GetCredentialReportResponse>";
const started = process.hrtime.bigint();
const read = parseXML(xml);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (read.GetCredentialReportResponse.GetCredentialReportResult.Content !== content) throw new Error("the parse lost the report");
console.log(JSON.stringify({ ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
