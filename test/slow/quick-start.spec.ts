// The README's quick start, verbatim, on a fresh clone of this repository: `npm ci && npm run demo` prints the sample
// account's findings and what it did not flag. (`npm test`, its second line, is the suite running this.)
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "../helpers/samples";

describe("the README's quick start on a fresh clone", function () {
    this.timeout(600_000);

    it("npm ci && npm run demo", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const quickStart = /## Quick start\n\n```sh\n([^\n]*)\n/.exec(readme)![1].replace(/\s+#\s.*$/, "");
        assert.equal(quickStart, "npm ci && npm run demo");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quick-start-"));
        try {
            const clone = spawnSync("git", ["clone", "--quiet", REPO, dir], { encoding: "utf8" });
            assert.equal(clone.status, 0, clone.stderr);
            const run = spawnSync("bash", ["-c", quickStart], {
                cwd: dir,
                env: { PATH: process.env.PATH, HOME: process.env.HOME },
                encoding: "utf8",
                timeout: 540_000,
            });
            assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
            assert.match(run.stdout, /20 resources analyzed: 12 mandatory and 2 advisory violations, 1 user not judged\./);
            assert.match(run.stdout, /Judged and not flagged:\n {4}- carol-new-key: /);
            assert.doesNotMatch(run.stdout + run.stderr, /NodeVersionSupportWarning/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
