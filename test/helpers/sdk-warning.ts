// Loaded by mocha before any spec (.mocharc.json): the test process creates SDK clients itself, and on Node 20
// the SDK warns on each run that its 2027 releases need Node 22, as index.ts quiets it for the pack.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
