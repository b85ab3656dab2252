// Every command in the README and docs/ works as written. The shell and CI blocks are extracted; each command is either
// run here, verbatim (those that need nothing outside this machine), or checked for consistency (those that need
// GitHub, the npm registry's published package, Pulumi Cloud, a real stack or AWS): the repository is package.json's,
// the version pinned is package.json's, no placeholder is left. A command no rule below knows fails the spec, so a
// new one is either run or checked.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./helpers/samples";

interface Block {
    file: string;
    lang: string;
    text: string;
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string; repository: { url: string } };
const REPOSITORY = pkg.repository.url.replace(/\.git$/, "");
const TAG = `v${pkg.version}`;

function blocks(): Block[] {
    const files = ["README.md", ...fs.readdirSync(path.join(REPO, "docs")).map(f => path.join("docs", f))].filter(f => f.endsWith(".md"));
    return files.flatMap(file =>
        [...fs.readFileSync(path.join(REPO, file), "utf8").matchAll(/```(\w*)\n([\s\S]*?)```/g)]
            .filter(m => ["sh", "bash", "shell", "yaml"].includes(m[1]))
            .map(m => ({ file, lang: m[1], text: m[2] })),
    );
}

/** The commands of a shell block: continuation lines joined, comments (` # …`) and blank lines left out. */
function commands(block: Block): string[] {
    const lines = block.lang === "yaml" ? yamlCommands(block.text) : block.text.replace(/\\\n\s*/g, " ").split("\n");
    return lines.map(line => line.replace(/\s+#\s.*$/, "").trim()).filter(line => line !== "" && !line.startsWith("#"));
}

/** The shell commands of a CI recipe: its `run:` lines and its script list items. */
function yamlCommands(text: string): string[] {
    const out: string[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const run = /^\s*-?\s*run:\s*(\|)?\s*(.*)$/.exec(lines[i]);
        if (run && run[1]) {
            const indent = /^\s*/.exec(lines[i + 1] ?? "")![0].length;
            while (i + 1 < lines.length && /^\s*/.exec(lines[i + 1])![0].length >= indent && lines[i + 1].trim())
                out.push(lines[++i].trim());
        } else if (run) out.push(run[2]);
        const item = /^\s{4}-\s+(.*)$/.exec(lines[i]);
        if (item && !/^(uses|if|run):/.test(item[1])) out.push(item[1]);
    }
    return out;
}

/** What is done with a command: run here, or why not (it needs something outside this machine) and checked instead. */
type Rule = { pattern: RegExp; run?: true; outside?: string };

const RULES: Rule[] = [
    {
        pattern: /^npm ci && npm run demo$/,
        outside: "the quick start: .ci/run runs `npm ci` and the demo spec runs `npm run demo` from a fresh clone",
    },
    { pattern: /^npm test$/, outside: "the suite itself: .ci/run runs it" },
    { pattern: /^npm run local-iam -- --port 4566 &$/, run: true },
    { pattern: /^sleep 3 && npm run check -- --endpoint http:\/\/127\.0\.0\.1:4566 --account-wide --list-passed$/, run: true },
    { pattern: /^git clone /, outside: "GitHub" },
    { pattern: /^\(cd (~\/packs|\/tmp)\/u[\w-]* && npm ci\)$/, outside: "a clone from GitHub" },
    { pattern: /^(mkdir -p ~\/packs && cd ~\/packs && )?npm pack unused-iam-credentials@/, outside: "the published npm package" },
    { pattern: /^mv ~\/packs\/package /, outside: "the published npm package" },
    { pattern: /^(cd [^&]+ && )?pulumi (preview|up|policy|stack export)\b/, outside: "a Pulumi stack, Pulumi Cloud and AWS" },
    {
        pattern: /^cd ~\/packs\/unused-iam-credentials && npm run release && \(cd release && pulumi policy publish \w+\)$/,
        outside: "Pulumi Cloud (the release folder itself is built by test/slow/installs.spec.ts)",
    },
    { pattern: /^\(cd infra && pulumi preview /, outside: "a Pulumi stack and AWS" },
    { pattern: /^npm run check -- --stack-export /, outside: "a real stack's export and AWS" },
    { pattern: /^npm run check -- --account-wide$/, outside: "AWS credentials" },
    { pattern: /^\(cd \/tmp\/uic && npm run --silent check -- --stack-export /, outside: "a real stack's export and AWS" },
    { pattern: /^npx --yes --package=github:/, outside: "GitHub" },
    { pattern: /^echo "\$AWS_ID_TOKEN"/, outside: "GitLab CI" },
    { pattern: /^curl -fsSL https:\/\/get\.pulumi\.com/, outside: "the Pulumi installer" },
    { pattern: /^export PATH="\$HOME\/\.pulumi\/bin:\$PATH" && pulumi stack export/, outside: "a Pulumi stack" },
];

const ruleOf = (command: string) => RULES.find(r => r.pattern.test(command));

function runBash(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
    const child = spawn("bash", ["-c", script], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME }, detached: true });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const stop = () => {
        try {
            process.kill(-child.pid!, "SIGKILL"); // what the script left running in the background too
        } catch {
            // already gone
        }
    };
    const timer = setTimeout(stop, timeoutMs);
    return new Promise(resolve =>
        child.on("exit", code => {
            clearTimeout(timer);
            // The script's own output has arrived; a server it started may still hold the pipe open.
            setTimeout(() => {
                stop();
                resolve({ code, output });
            }, 200);
        }),
    );
}

describe("the README's and docs' commands", function () {
    this.timeout(120_000);
    const all = blocks().flatMap(block => commands(block).map(command => ({ file: block.file, command })));

    it("finds the blocks (a spec that finds nothing checks nothing)", () => {
        assert.ok(all.length >= 30, `${all.length} commands`);
    });

    it("every command is either run here or checked, by a rule that says why", () => {
        assert.deepEqual(
            all.filter(c => !ruleOf(c.command)).map(c => `${c.file}: ${c.command}`),
            [],
        );
    });

    it(`every repository named is package.json's (${REPOSITORY}), and every version pinned is package.json's (${TAG})`, () => {
        const text = ["README.md", ...fs.readdirSync(path.join(REPO, "docs")).map(f => `docs/${f}`)]
            .map(f => fs.readFileSync(path.join(REPO, f), "utf8"))
            .join("\n");
        assert.doesNotMatch(text, /\bOWNER\b/, "no placeholder");
        for (const url of text.match(/(?:https:\/\/github\.com|github:)[\w./-]*unused-iam-credentials[\w./-]*/g) ?? [])
            assert.ok(url.replace("github:", "https://github.com/").startsWith(REPOSITORY), url);
        for (const pin of text.match(
            /--branch v[\d.]+|#v[\d.]+|unused-iam-credentials@[\d.]+|unused-iam-credentials [\d.]+ --policy-group/g,
        ) ?? [])
            assert.ok(pin.includes(pkg.version), `${pin} pins another version than ${pkg.version}`);
        assert.match(text, new RegExp(`--branch ${TAG.replace(/\./g, "\\.")}`), "the recipes pin this release");
    });

    it("the release is complete: a LICENSE as package.json says, a CHANGELOG starting at this version, the release steps", () => {
        assert.match(fs.readFileSync(path.join(REPO, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0/);
        assert.equal((JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { license: string }).license, "Apache-2.0");
        assert.match(
            fs.readFileSync(path.join(REPO, "CHANGELOG.md"), "utf8"),
            new RegExp(`^## ${pkg.version.replace(/\./g, "\\.")}\\b`, "m"),
        );
        const release = fs.readFileSync(path.join(REPO, "docs", "releasing.md"), "utf8");
        for (const step of [`git tag -s ${TAG}`, "npm publish", "pulumi policy publish"]) assert.ok(release.includes(step), step);
    });

    it(".ci/run runs the quick start's set-up and test commands", () => {
        const ci = fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8");
        assert.match(ci, /npm ci --no-audit --no-fund/);
        assert.match(ci, /suite "machine's Node" "" test\n/);
    });

    it("runs the local endpoint and check block verbatim: check judges the sample account", async () => {
        const block = blocks().find(b => b.text.includes("npm run local-iam -- --port 4566 &"))!;
        const script = `${commands(block).join("\n")}\nstatus=$?\nkill %1 2>/dev/null\nexit $status`;
        const run = await runBash(script, 100_000);
        // Exit 5: mandatory violations left and a user not judged, as the sample account holds both.
        assert.equal(run.code, 5, run.output);
        assert.match(run.output, /account 111122223333/);
        assert.match(run.output, /Judged and not flagged:\n {4}- carol-new-key: /);
        assert.match(run.output, /19 resources analyzed: \d+ mandatory and \d+ advisory violations, 1 user not judged\./);
    });
});
