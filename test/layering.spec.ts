// The folders of the pack depend on each other one way, and tools use only the pack's public face (rules/api.ts):
//   rules/model, rules/lib  ←  config  ←  verdict  ←  iam  ←  accounts  ←  run  ←  rules/<policy>.ts  ←  rules/api.ts  ←  index.ts, tools/
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
    [/^rules\/accounts\//, 4, "rules/accounts"],
    [/^rules\/run\//, 5, "rules/run"],
    [/^rules\/api\.ts$/, 7, "rules/api.ts"],
    [/^rules\/[^/]+\.ts$/, 6, "rules (policies)"],
    [/^index\.ts$/, 8, "index.ts"],
    [/^tools\//, 8, "tools"],
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

/** Each relative import of a file, as a path from the repository's root. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(REPO, file), "utf8");
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]+)"/gms)].map(m => m[1]);
    return specifiers.map(s =>
        `${path.relative(REPO, path.resolve(path.dirname(path.join(REPO, file)), s))}.ts`.replace(/\.ts\.ts$/, ".ts"),
    );
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
});
