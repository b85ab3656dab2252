// The per-user reader treats every IAM answer as untrusted input: an answer it cannot use makes the user
// "unavailable" with a reason naming what was wrong. Never "no credential", never "never used", never a
// crash, never a hang. Answers are served at the wire by the local IAM endpoint, read by the real SDK.
import { strict as assert } from "node:assert";
import { AccountUsageReader } from "../rules/reading/account-usage-reader";
import { readUserUsage } from "../rules/reading/per-user-reader";
import { listAccountUsers } from "../rules/iam/list-users";
import { UserUsage } from "../rules/iam/usage";
import { Unjudged } from "../rules/model/credentials";
import { errorEnvelope, leaf, list, node, successEnvelope, XmlNode } from "../tools/local-iam/xml";
import { requesterFor, withLocalIam } from "./helpers/local-account";

const STALE = "AKIASTALESTALESTALE1";
const FRESH = "AKIAFRESHFRESHFRESH1";
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** Why a read left something unjudged: the whole user unavailable, or its doubtful credentials; fails the test when it judged everything. */
function unavailableReason(usage: UserUsage): string {
    if (usage.status === "unavailable") return usage.reason;
    assert.equal(usage.status, "found", JSON.stringify(usage));
    const doubts = usage.status === "found" ? usage.facts.doubts : [];
    assert.ok(doubts.length > 0, `everything was judged: ${JSON.stringify(usage)}`);
    return doubts.map(d => d.reason).join("; ");
}

/** The one credential a read left unjudged; fails the test otherwise. */
function onlyDoubt(usage: UserUsage): Unjudged {
    assert.equal(usage.status, "found", JSON.stringify(usage));
    const doubts = usage.status === "found" ? usage.facts.doubts : [];
    assert.equal(doubts.length, 1, JSON.stringify(doubts));
    return doubts[0];
}

const keyMember = (fields: Record<string, string | Date | undefined>): XmlNode[] =>
    Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => leaf(k, v!));

describe("per-user reader: untrusted answers", () => {
    const local = withLocalIam(() => ({
        users: [
            {
                userName: "alice",
                loginProfile: { created: { daysAgo: 300 } },
                passwordLastUsed: { daysAgo: 100 },
                accessKeys: [
                    { accessKeyId: STALE, created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "s3", region: "eu-west-1" } },
                    { accessKeyId: FRESH, created: { daysAgo: 400 }, lastUsed: { daysAgo: 1 } },
                ],
            },
        ],
    }));
    const read = (settings = {}) => readUserUsage(requesterFor(local.iam(), { maxAttempts: 1, ...settings }), "alice");
    const serve = (action: string, result: XmlNode[], status = 200) =>
        local.iam().setFaults({ rawBody: [{ action, status, body: successEnvelope(action, result, "req-1") }] });

    describe("a 200 answer that is not what IAM sends", () => {
        it("a proxy's HTML page for ListAccessKeys is unavailable, not 'no keys'", async () => {
            local.iam().setFaults({
                rawBody: [{ action: "ListAccessKeys", body: "<html><body><h1>Proxy Authentication Required</h1></body></html>" }],
            });
            const doubt = onlyDoubt(await read());
            assert.deepEqual(
                doubt,
                {
                    credential: "access-key",
                    credentialId: undefined,
                    errorCode: "UntrustedAnswer",
                    reason: "iam:ListAccessKeys answered without AccessKeyMetadata, which the pack cannot judge from",
                },
                "every key, not retried later",
            );
        });

        it("a key list without IsTruncated (optional in IAM's model, false when absent) is one page: its keys are judged", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) })]),
            ]);
            const usage = await read();
            assert.equal(usage.status, "found");
            assert.deepEqual(usage.status === "found" && usage.facts.doubts, []);
            assert.deepEqual(usage.status === "found" && usage.facts.accessKeys.map(k => k.accessKeyId), [STALE]);
        });

        it("a key list with a Marker but without IsTruncated leaves the keys unknown: more pages may follow", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) })]),
                leaf("Marker", "bmV4dA=="),
            ]);
            assert.equal(
                unavailableReason(await read()),
                "iam:ListAccessKeys answered a Marker without IsTruncated, which the pack cannot judge from",
            );
        });

        it("ListUsers, read by the same model: without IsTruncated the page is complete; with a Marker but no IsTruncated, the list is not", async () => {
            const member = [
                leaf("Path", "/"),
                leaf("UserName", "alice"),
                leaf("UserId", "AIDAALICE"),
                leaf("Arn", "arn:aws:iam::123456789012:user/alice"),
                leaf("CreateDate", ago(400)),
            ];
            serve("ListUsers", [list("Users", [member])]);
            assert.deepEqual(await listAccountUsers(requesterFor(local.iam()), "123456789012"), {
                accountId: "123456789012",
                users: [{ userName: "alice", arn: "arn:aws:iam::123456789012:user/alice" }],
            });
            serve("ListUsers", [list("Users", [member]), leaf("Marker", "bmV4dA==")]);
            assert.deepEqual(await listAccountUsers(requesterFor(local.iam()), "123456789012"), {
                problem: "account 123456789012: iam:ListUsers answered a Marker without IsTruncated, so the list may be incomplete",
            });
        });

        it("the same key listed twice is unavailable", async () => {
            const member = keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) });
            serve("ListAccessKeys", [list("AccessKeyMetadata", [member, member]), leaf("IsTruncated", false)]);
            assert.equal(
                unavailableReason(await read()),
                "iam:ListAccessKeys answered the same key twice, which the pack cannot judge from",
            );
        });

        it("a key listed without its user name is read as the user's", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) })]),
                leaf("IsTruncated", false),
            ]);
            const usage = await read();
            assert.deepEqual(usage.status === "found" && usage.facts.accessKeys.map(k => k.accessKeyId), [STALE]);
        });

        it("a body that is not XML at all is unavailable, naming the action", async () => {
            local
                .iam()
                .setFaults({ rawBody: [{ action: "GetLoginProfile", body: "upstream connect error or disconnect/reset before headers" }] });
            assert.match(unavailableReason(await read()), /iam:GetLoginProfile failed: .*XML parse error/);
        });

        it("GetLoginProfile without a LoginProfile is unavailable, not 'no password'", async () => {
            serve("GetLoginProfile", []);
            assert.match(unavailableReason(await read()), /iam:GetLoginProfile answered without a LoginProfile/);
        });

        it("a LoginProfile without CreateDate is unavailable", async () => {
            serve("GetLoginProfile", [node("LoginProfile", [leaf("UserName", "alice"), leaf("PasswordResetRequired", false)])]);
            assert.match(
                unavailableReason(await read()),
                /iam:GetLoginProfile answered a LoginProfile without CreateDate, which IAM's API model requires/,
            );
        });

        it("a key without CreateDate is unavailable, not a crash", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Active" })]),
                leaf("IsTruncated", false),
            ]);
            assert.match(unavailableReason(await read()), new RegExp(`iam:ListAccessKeys answered without CreateDate of key ${STALE}`));
        });

        it("an inactive key without CreateDate is not left unknown (it cannot be used), and the active one is judged", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [
                    keyMember({ UserName: "alice", AccessKeyId: FRESH, Status: "Inactive" }),
                    keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) }),
                ]),
                leaf("IsTruncated", false),
            ]);
            const usage = await read();
            assert.equal(usage.status, "found", JSON.stringify(usage));
            assert.deepEqual(usage.status === "found" && [usage.facts.doubts, usage.facts.accessKeys.map(k => k.accessKeyId)], [
                [],
                [STALE],
            ]);
        });

        it("a key whose status is neither Active nor Inactive is unavailable", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ UserName: "alice", AccessKeyId: STALE, Status: "Expired", CreateDate: ago(400) })]),
                leaf("IsTruncated", false),
            ]);
            assert.match(unavailableReason(await read()), /key AKIASTALESTALESTALE1 with status "Expired", neither Active nor Inactive/);
        });

        it("a key list for another user is unavailable", async () => {
            serve("ListAccessKeys", [
                list("AccessKeyMetadata", [keyMember({ UserName: "mallory", AccessKeyId: STALE, Status: "Active", CreateDate: ago(400) })]),
                leaf("IsTruncated", false),
            ]);
            assert.match(unavailableReason(await read()), /for user "mallory" when asked about "alice"/);
        });

        it("more than two keys for one user is unavailable (IAM holds at most two)", async () => {
            const keys = ["AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2", "AKIAAAAAAAAAAAAAAAA3"].map(id =>
                keyMember({ UserName: "alice", AccessKeyId: id, Status: "Inactive", CreateDate: ago(10) }),
            );
            serve("ListAccessKeys", [list("AccessKeyMetadata", keys), leaf("IsTruncated", false)]);
            assert.match(unavailableReason(await read()), /3 keys for one user; IAM holds at most 2/);
        });

        it("GetAccessKeyLastUsed without AccessKeyLastUsed is unavailable, not 'never used'", async () => {
            serve("GetAccessKeyLastUsed", [leaf("UserName", "alice")]);
            assert.match(unavailableReason(await read()), /iam:GetAccessKeyLastUsed answered without AccessKeyLastUsed for key AKIA/);
        });

        it("GetUser without a User is unavailable; the login profile it read stays (the password exists, its last use is unknown)", async () => {
            serve("GetUser", []);
            const usage = await read();
            assert.match(unavailableReason(usage), /iam:GetUser answered without a User/);
            assert.ok(usage.status === "found" && usage.facts.loginProfile, "the login profile was read");
        });

        it("an AccessKeyLastUsed without the ServiceName IAM's model requires leaves that key unknown, naming it", async () => {
            serve("GetAccessKeyLastUsed", [leaf("UserName", "alice"), node("AccessKeyLastUsed", [leaf("Region", "N/A")])]);
            assert.match(
                unavailableReason(await read()),
                /iam:GetAccessKeyLastUsed answered AccessKeyLastUsed for key AKIA\w+ without ServiceName, which IAM's API model requires/,
            );
        });

        it("a User without the UserId IAM's model requires leaves the password unknown", async () => {
            serve("GetUser", [
                node("User", [
                    leaf("Path", "/"),
                    leaf("UserName", "alice"),
                    leaf("Arn", "arn:aws:iam::123456789012:user/alice"),
                    leaf("CreateDate", ago(400)),
                ]),
            ]);
            const doubt = onlyDoubt(await read());
            assert.equal(doubt.credential, "password");
            assert.equal(
                doubt.reason,
                "iam:GetUser answered a User without UserId, which IAM's API model requires, which the pack cannot judge from",
            );
        });

        it("a malformed date is unavailable", async () => {
            serve("GetLoginProfile", [node("LoginProfile", [leaf("UserName", "alice"), leaf("CreateDate", "last Tuesday")])]);
            assert.match(unavailableReason(await read()), /iam:GetLoginProfile failed: .*last Tuesday/);
        });
    });

    it("IAM's N/A for a last use's service or region is no service or region, not a place called N/A", async () => {
        const alice = local.iam().users.get("alice")!;
        alice.accessKeys[0].lastUsed = { date: ago(120), region: "eu-west-1" };
        alice.accessKeys[1].lastUsed = { date: ago(1), service: "sts" };
        const usage = await read();
        assert.deepEqual(usage.status === "found" && usage.facts.accessKeys.map(k => [k.lastUsed?.serviceName, k.lastUsed?.region]), [
            [undefined, "eu-west-1"],
            ["sts", undefined],
        ]);
    });

    describe("impossible dates", () => {
        it("a last use in the future is unavailable, never a negative idle time", async () => {
            local.iam().users.get("alice")!.accessKeys[0].lastUsed = { date: new Date(Date.now() + 3 * DAY), service: "s3" };
            assert.match(unavailableReason(await read()), /LastUsedDate of key AKIASTALESTALESTALE1 that is in the future/);
        });

        it("a last use a minute ahead is clock skew, and reads as used now", async () => {
            local.iam().users.get("alice")!.accessKeys[0].lastUsed = { date: new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000) };
            const usage = await read();
            assert.equal(usage.status, "found");
        });

        it("a PasswordLastUsed in the future is unavailable, naming it", async () => {
            local.iam().users.get("alice")!.passwordLastUsed = new Date(Date.now() + 5 * DAY);
            assert.match(unavailableReason(await read()), /^iam:GetUser answered a PasswordLastUsed that is in the future/);
        });

        it("a creation date in the future, or before AWS existed, is unavailable", async () => {
            local.iam().users.get("alice")!.loginProfile!.created = new Date(Date.now() + 10 * DAY);
            assert.match(unavailableReason(await read()), /LoginProfile.CreateDate that is in the future/);
            local.iam().users.get("alice")!.loginProfile!.created = new Date("1970-01-01T00:00:00Z");
            assert.match(unavailableReason(await read()), /LoginProfile.CreateDate that predates AWS/);
        });
    });

    describe("pagination", () => {
        it("a truncated page without a Marker is unavailable: the second page is never silently lost", async () => {
            local.iam().setFaults({ maxPageSize: 1, marker: "missing" });
            assert.match(unavailableReason(await read()), /iam:ListAccessKeys answered a truncated page without a Marker/);
        });

        it("a Marker that repeats is unavailable after one repeat, not an endless loop", async () => {
            local.iam().setFaults({ maxPageSize: 1, marker: "repeat" });
            assert.match(unavailableReason(await read()), /iam:ListAccessKeys answered the same Marker twice/);
            assert.equal(local.iam().calls.get("ListAccessKeys"), 2);
        });

        it("pages beyond what two keys can fill are unavailable", async () => {
            // Truncated, empty pages, each with a new marker: a listing that never ends.
            let n = 0;
            const endless = () =>
                successEnvelope(
                    "ListAccessKeys",
                    [node("AccessKeyMetadata", []), leaf("IsTruncated", true), leaf("Marker", `m${n++}`)],
                    "r",
                );
            const server = local.iam();
            server.setFaults({ rawBody: [{ action: "ListAccessKeys", body: endless() }] });
            server.afterAnswer = action => {
                if (action === "ListAccessKeys") server.setFaults({ rawBody: [{ action: "ListAccessKeys", body: endless() }] });
            };
            assert.match(unavailableReason(await read()), /more than 3 pages for one user/);
            assert.equal(server.calls.get("ListAccessKeys"), 3);
        });
    });

    describe("credentials that change between the two rounds", () => {
        it("a key deleted after it was listed (GetAccessKeyLastUsed → AccessDenied) is re-read: the user is judged without it", async () => {
            const iam = local.iam();
            iam.afterAnswer = action => {
                if (action === "ListAccessKeys" && iam.calls.get("ListAccessKeys") === 1) {
                    const alice = iam.users.get("alice")!;
                    alice.accessKeys = alice.accessKeys.filter(k => k.accessKeyId !== STALE);
                }
            };
            const usage = await read();
            assert.equal(usage.status, "found", JSON.stringify(usage));
            assert.deepEqual(usage.status === "found" && usage.facts.accessKeys.map(k => k.accessKeyId), [FRESH]);
            assert.ok(usage.status === "found" && usage.facts.loginProfile, "the password is still judged");
            assert.equal(iam.calls.get("ListAccessKeys"), 2, "read once more");
        });

        it("a key whose last use is denied twice is unavailable naming the action, not 'not in IAM'", async () => {
            local.iam().setFaults({ accessDenied: [{ action: "GetAccessKeyLastUsed" }] });
            const usage = await read();
            assert.match(unavailableReason(usage), /access denied to iam:GetAccessKeyLastUsed.*\(also when the user was read again\)/);
            const doubts = usage.status === "found" ? usage.facts.doubts : [];
            assert.deepEqual(
                doubts.map(d => [d.credentialId, d.missingAction]),
                [
                    [STALE, "iam:GetAccessKeyLastUsed"],
                    [FRESH, "iam:GetAccessKeyLastUsed"],
                ],
            );
            assert.ok(usage.status === "found" && usage.facts.loginProfile, "the password is judged all the same");
        });

        it("NoSuchEntity for a listed key's last use, twice, is unavailable: never 'not in IAM', which would drop the user's findings", async () => {
            const missing = errorEnvelope("Sender", "NoSuchEntity", `The Access Key with id ${STALE} cannot be found.`, "req-404");
            local.iam().setFaults({ rawBody: [{ action: "GetAccessKeyLastUsed", status: 404, body: missing }] });
            assert.match(
                unavailableReason(await read()),
                /iam:GetAccessKeyLastUsed failed: NoSuchEntityException: .* \(also when the user was read again\)$/,
            );
            assert.equal(local.iam().calls.get("ListAccessKeys"), 2);
        });

        it("a second-round failure that is not a vanished credential is not read again", async () => {
            local.iam().setFaults({ accessDenied: [{ action: "GetUser" }] });
            const denied = await read();
            const doubt = onlyDoubt(denied);
            assert.deepEqual(
                [doubt.credential, doubt.reason, doubt.missingAction],
                [
                    "password",
                    "access denied to iam:GetUser: grant the identity that runs the pack iam:GetUser (see the README's IAM policy)",
                    "iam:GetUser",
                ],
            );
            assert.deepEqual(
                denied.status === "found" && denied.facts.accessKeys.map(k => k.accessKeyId),
                [STALE, FRESH],
                "the keys are judged all the same",
            );
            assert.equal(local.iam().calls.get("ListAccessKeys"), 1);
            local.iam().setFaults({ transient: [{ code: "ServiceFailure", count: 100, action: "GetUser" }] });
            assert.doesNotMatch(unavailableReason(await read()), /read again/);
            assert.equal(local.iam().calls.get("ListAccessKeys"), 2, "one more read, for the second call only");
            // A key's last use that fails for another reason than a deleted key's AccessDenied: not read again either.
            local.iam().setFaults({ transient: [{ code: "ServiceFailure", count: 100, action: "GetAccessKeyLastUsed" }] });
            assert.match(unavailableReason(await read()), /^iam:GetAccessKeyLastUsed failed: ServiceFailureException: [^(]*$/);
            assert.equal(local.iam().calls.get("ListAccessKeys"), 3, "one more read, for the third call only");
        });

        it("a user deleted between the rounds is 'not in IAM' only once the re-read's first round says so", async () => {
            const iam = local.iam();
            iam.afterAnswer = action => {
                if (action === "ListAccessKeys") iam.users.delete("alice");
            };
            assert.deepEqual(await read(), { status: "no-such-user" });
        });
    });

    describe("time", () => {
        for (const action of ["GetLoginProfile", "GetUser", "ListAccessKeys", "GetAccessKeyLastUsed"]) {
            it(`${action}: a body dripping for 30 s is cut at the request deadline (1 s, bound 2.5 s), its connection closed`, async () => {
                local.iam().setFaults({ slowBody: [{ action, seconds: 30 }] });
                const started = Date.now();
                const usage = await readUserUsage(requesterFor(local.iam(), { requestTimeoutMs: 1000, maxAttempts: 1 }), "alice");
                assert.ok(Date.now() - started < 2_500, `${Date.now() - started} ms`);
                assert.match(unavailableReason(usage), new RegExp(`IAM did not answer iam:${action} within 1 s`));
                await new Promise(resolve => setTimeout(resolve, 200));
                const abandoned = local.iam().abandoned();
                assert.ok(abandoned.length > 0 && abandoned.every(ms => ms < 1_500), `abandoned after ${abandoned.join(", ")} ms`);
            });
        }

        it("a user read has an overall deadline, not only each request's", async () => {
            local.iam().setFaults({ latencyMs: 400 });
            const started = Date.now();
            const usage = await readUserUsage(requesterFor(local.iam(), { requestTimeoutMs: 5_000 }), "alice", { deadlineMs: 500 });
            assert.equal(unavailableReason(usage), "reading IAM user alice did not finish within 0.5 s");
            assert.deepEqual(
                [usage.status === "unavailable" && usage.errorCode, usage.status === "unavailable" && usage.transient],
                ["Timeout", true],
            );
            assert.ok(Date.now() - started < 2_000);
        });
    });

    describe("a failure met once", () => {
        const source = () =>
            new AccountUsageReader(requesterFor(local.iam(), { maxAttempts: 1 }), {
                source: "api",
                reportWaitMs: 0,
                autoReportAfterUsers: 0,
                userDeadlineMs: 30_000,
            });

        it("a transient failure is read once more when the next policy asks, and both answers are kept apart", async () => {
            local.iam().setFaults({ transient: [{ code: "Throttling", count: 1, action: "GetLoginProfile" }] });
            const usage = source();
            const first = onlyDoubt(await usage.usageOf("alice", { password: 90 }));
            assert.deepEqual([first.credential, first.transient], ["password", true]);
            assert.match(first.reason, /IAM throttled iam:GetLoginProfile/);
            const keys = await usage.usageOf("alice", { "access-key": 90 });
            assert.deepEqual(
                keys.status === "found" && keys.facts.doubts,
                [],
                "the keys are read on their own, untouched by the password's failure",
            );
            const again = await usage.usageOf("alice", { password: 90 });
            assert.deepEqual(
                again.status === "found" && [again.facts.doubts, Boolean(again.facts.loginProfile)],
                [[], true],
                "the next ask for the password reads it once more",
            );
        });

        it("a permanent failure (AccessDenied) is not read again, and fails only the kind of credential it reads", async () => {
            local.iam().setFaults({ accessDenied: [{ action: "ListAccessKeys" }] });
            const usage = source();
            await usage.usageOf("alice", { "access-key": 90 });
            const twice = onlyDoubt(await usage.usageOf("alice", { "access-key": 90 }));
            assert.equal(local.iam().calls.get("ListAccessKeys"), 1);
            assert.deepEqual([twice.credential, twice.credentialId, twice.missingAction], ["access-key", undefined, "iam:ListAccessKeys"]);
            const password = await usage.usageOf("alice", { password: 90 });
            assert.deepEqual(password.status === "found" && password.facts.doubts, []);
        });

        it("a transient failure is retried at most once", async () => {
            local.iam().setFaults({ transient: [{ code: "ServiceFailure", count: 100, action: "ListAccessKeys" }] });
            const usage = source();
            for (let i = 0; i < 3; i++) await usage.usageOf("alice", { "access-key": 90 });
            assert.equal(local.iam().calls.get("ListAccessKeys"), 2);
        });
    });
});
