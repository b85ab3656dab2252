import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The pack's own folder (the one holding PulumiPolicy.yaml), found from wherever this code runs: bin/tools/… when
 * compiled by tsc for the tests, dist/ when bundled for an install.
 */
export function packageRoot(from: string = __dirname): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no PulumiPolicy.yaml above ${from}: the pack's files are incomplete`);
    }
}
