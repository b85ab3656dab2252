// The published package as the CLI and users receive it, for the install spec and the bench.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO } from "./samples";

/**
 * The published tarball (`npm pack` of the release folder, laid out as `npm run release` does without its build: the
 * specs and the bench have just bundled) unpacked into `dir`, as the CLI unpacks a pack; returns the package's folder.
 */
export function unpackedRelease(dir: string, env: NodeJS.ProcessEnv = process.env): string {
    const staged = execFileSync(process.execPath, [path.join(REPO, "tools", "manifest.js"), path.join(dir, "release")], {
        encoding: "utf8",
    }).trim();
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: staged, env, encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!;
    execFileSync("tar", ["-xzf", path.join(dir, tarball), "-C", dir]);
    return path.join(dir, "package");
}
