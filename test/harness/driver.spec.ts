// The CLI-faithful driver reports a pack that cannot serve a preview as a clear error.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { drivePack, PackHungError } from "../../tools/driver/drive-pack";
import { PackStartError } from "../../tools/driver/pack-process";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "packs");
const stack = { stack: "dev", project: "proj", organization: "org", config: {}, dryRun: true };
const user = { type: "aws:iam/user:User", name: "u", urn: "urn:pulumi:dev::proj::aws:iam/user:User::u", props: { name: "u" } };

describe("CLI-faithful driver: packs that break a preview", function () {
    this.timeout(60_000);

    it("a pack that prints to stdout before its port breaks the handshake", async () => {
        await assert.rejects(
            drivePack({ packDir: path.join(FIXTURES, "noisy"), stack, resources: [] }),
            (e: Error) => e instanceof PackStartError && /printed to stdout before its port.*loading my policies/.test(e.message),
        );
    });

    it("a pack that fails to load is reported with its error", async () => {
        await assert.rejects(
            drivePack({ packDir: path.join(FIXTURES, "broken"), stack, resources: [] }),
            (e: Error) =>
                e instanceof PackStartError && /exited before printing its port/.test(e.message) && /missing configuration/.test(e.message),
        );
    });

    it("a pack that never answers Analyze is reported as hung", async () => {
        await assert.rejects(
            drivePack({ packDir: path.join(FIXTURES, "hangs"), stack, resources: [user], callDeadlineMs: 1500 }),
            (e: Error) =>
                e instanceof PackHungError &&
                /did not answer Analyze for urn:pulumi:dev::proj::aws:iam\/user:User::u within 1.5 s/.test(e.message),
        );
    });
});
