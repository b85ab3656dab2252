// The folders of the pack depend on each other one way, and tools use only the pack's public face (rules/api.ts):
//   model, lib ← config ← verdict ← iam ← kinds ← reading ← accounts ← run ← policies ← api ← index.ts, tools/
// Type-only imports count. No file of rules/ reaches, through any chain of imports, a file that imports it back.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./helpers/samples";

/** A file's layer: it may import from lower layers and from its own folder, never from a higher or sibling layer. */
const LAYERS: [RegExp, number, string][] = [
    [/^rules\/model\//, 0, "rules/model"],
    [/^rules\/lib\//, 0, "rules/lib"],
    [/^rules\/config\//, 1, "rules/config"],
    [/^rules\/verdict\//, 2, "rules/verdict"],
    [/^rules\/iam\//, 3, "rules/iam"],
    [/^rules\/kinds\//, 4, "rules/kinds"],
    [/^rules\/reading\//, 5, "rules/reading"],
    [/^rules\/accounts\//, 6, "rules/accounts"],
    [/^rules\/run\//, 7, "rules/run"],
    [/^rules\/api\.ts$/, 9, "rules/api.ts"],
    [/^rules\/[^/]+\.ts$/, 8, "rules (policies)"],
    [/^index\.ts$/, 10, "index.ts"],
    [/^tools\//, 10, "tools"],
];

function layerOf(file: string): { level: number; folder: string } {
    const found = LAYERS.find(([pattern]) => pattern.test(file));
    assert.ok(found, `no layer for ${file}`);
    return { level: found[1], folder: found[2] };
}

function sources(dir: string): string[] {
    return fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap(entry => {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) return sources(rel);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
    });
}

/** Each relative import of a file (static, type-only, re-exports and `import("…")` types), from the repository's root. */
export function importsOf(file: string, text = fs.readFileSync(path.join(REPO, file), "utf8")): string[] {
    const specifiers = [
        ...[...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]+)"/gms)].map(m => m[1]),
        ...[...text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g)].map(m => m[1]),
    ];
    return specifiers.map(s =>
        `${path.relative(REPO, path.resolve(path.dirname(path.join(REPO, file)), s))}.ts`.replace(/\.ts\.ts$/, ".ts"),
    );
}

/** The import circles among `files`: each as the chain of files from one back to itself. */
export function circlesOf(graph: Map<string, string[]>): string[][] {
    const circles: string[][] = [];
    const done = new Set<string>();
    const walk = (file: string, chain: string[]) => {
        const at = chain.indexOf(file);
        if (at >= 0) {
            circles.push([...chain.slice(at), file]);
            return;
        }
        if (done.has(file)) return;
        for (const next of graph.get(file) ?? []) walk(next, [...chain, file]);
        done.add(file);
    };
    for (const file of graph.keys()) walk(file, []);
    return circles;
}

const files = [...sources("rules"), "index.ts", ...sources("tools")];

describe("layering", () => {
    it("finds the pack's sources", () => assert.ok(files.length > 40, String(files.length)));

    for (const file of files) {
        it(`${file} imports only from below it`, () => {
            const own = layerOf(file);
            for (const target of importsOf(file)) {
                if (!target.startsWith("rules/") && target !== "index.ts") continue; // tools importing tools
                const other = layerOf(target);
                if (own.folder === other.folder) continue;
                if (own.folder === "tools") {
                    assert.equal(target, "rules/api.ts", `${file} reaches into ${target}: tools use rules/api.ts`);
                    continue;
                }
                assert.ok(other.level < own.level, `${file} (${own.folder}) imports ${target} (${other.folder}), which is not below it`);
            }
        });
    }

    it("no file of rules/ imports, through any chain, a file that imports it back", () => {
        const rules = files.filter(f => f.startsWith("rules/"));
        const graph = new Map(rules.map(f => [f, importsOf(f).filter(t => t.startsWith("rules/"))]));
        assert.deepEqual(
            circlesOf(graph).map(c => c.join(" → ")),
            [],
        );
    });

    it("the circle check finds a circle of two and of three, type-only imports included", () => {
        const two = new Map([
            ["rules/run/a.ts", importsOf("rules/run/a.ts", 'import type { B } from "./b";')],
            ["rules/run/b.ts", importsOf("rules/run/b.ts", 'import { a } from "./a";')],
        ]);
        assert.deepEqual(circlesOf(two), [["rules/run/a.ts", "rules/run/b.ts", "rules/run/a.ts"]]);
        const three = new Map([
            ["rules/x/a.ts", ["rules/x/b.ts"]],
            ["rules/x/b.ts", ["rules/x/c.ts"]],
            ["rules/x/c.ts", ["rules/x/a.ts"]],
        ]);
        assert.equal(circlesOf(three).length, 1);
        assert.deepEqual(
            circlesOf(
                new Map([
                    ["rules/x/a.ts", ["rules/x/b.ts"]],
                    ["rules/x/b.ts", []],
                ]),
            ),
            [],
        );
    });

    it("a new kind of credential is one module in rules/kinds/ and its entry in the registry, checked by the compiler", () => {
        // The registry is typed by the model's kinds: a kind without a module does not build. Judging policies are made
        // from the registry, so a kind brings its policy without another file.
        const registry = fs.readFileSync(path.join(REPO, "rules/kinds/kinds.ts"), "utf8");
        assert.match(registry, /export const KINDS: \{ \[K in CredentialKind\]: CredentialKindModule<K/);
        const policies = fs.readFileSync(path.join(REPO, "rules/policies.ts"), "utf8");
        assert.match(policies, /ALL_KINDS\.map\(kind => judgingPolicy\(run, kind\)\)/);
        // Nothing outside a kind's own module asks which kind it holds.
        const kindTests = files
            .filter(f => !f.startsWith("rules/kinds/") && !f.startsWith("tools/local-iam/"))
            .filter(f =>
                /credential === "(password|access-key)"|kind === "(password|access-key)"/.test(fs.readFileSync(path.join(REPO, f), "utf8")),
            );
        assert.deepEqual(kindTests, []);
    });
});
