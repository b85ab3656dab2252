// The per-user IAM reader, through the real @aws-sdk/client-iam against the local IAM endpoint.
import { strict as assert } from "node:assert";
import { readUserUsage, scopeKey } from "../rules/reading/per-user-reader";
import { UserUsage } from "../rules/iam/usage";
import { MS_PER_DAY } from "../rules/model/credentials";
import { requesterFor, withLocalIam } from "./helpers/local-account";

const KEY_A = "AKIAAAAAAAAAAAAAAAAA";
const KEY_B = "AKIABBBBBBBBBBBBBBBB";

function found(usage: UserUsage) {
    assert.equal(usage.status, "found", JSON.stringify(usage));
    return usage.facts;
}

function approxDaysAgo(date: Date | undefined): number {
    return Math.round((Date.now() - date!.getTime()) / MS_PER_DAY);
}

describe("per-user IAM reader", () => {
    const local = withLocalIam(() => ({
        users: [
            {
                userName: "alice",
                loginProfile: { created: { daysAgo: 300 } },
                passwordLastUsed: { daysAgo: 100 },
                accessKeys: [
                    { accessKeyId: KEY_A, created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "s3", region: "eu-west-1" } },
                    { accessKeyId: KEY_B, created: { daysAgo: 200 } },
                ],
            },
            { userName: "ghost-password", passwordLastUsed: { daysAgo: 10 } },
            { userName: "retired", accessKeys: [{ accessKeyId: "AKIACCCCCCCCCCCCCCCC", status: "Inactive", created: { daysAgo: 900 } }] },
        ],
    }));

    it("reads the login profile, PasswordLastUsed and every key with its last use", async () => {
        const facts = found(await readUserUsage(requesterFor(local.iam()), "alice"));
        assert.equal(approxDaysAgo(facts.loginProfile?.createDate), 300);
        assert.equal(approxDaysAgo(facts.passwordLastUsed), 100);
        assert.deepEqual(
            facts.accessKeys.map(k => [k.accessKeyId, k.status, approxDaysAgo(k.createDate)]),
            [
                [KEY_A, "Active", 400],
                [KEY_B, "Active", 200],
            ],
        );
        assert.equal(facts.accessKeys[0].lastUsed?.serviceName, "s3");
        assert.equal(facts.accessKeys[0].lastUsed?.region, "eu-west-1");
    });

    it("a never-used key has no last use (IAM's N/A service and region are dropped)", async () => {
        const facts = found(await readUserUsage(requesterFor(local.iam()), "alice"));
        assert.equal(facts.accessKeys[1].lastUsed, undefined);
    });

    it("NoSuchEntity on the login profile means no password, even with a PasswordLastUsed left behind", async () => {
        const facts = found(await readUserUsage(requesterFor(local.iam()), "ghost-password"));
        assert.equal(facts.loginProfile, undefined);
        // GetUser is not even asked: without a profile there is no password to age.
        assert.equal(local.iam().calls.get("GetUser"), undefined);
    });

    it("does not ask for the last use of inactive keys", async () => {
        const facts = found(await readUserUsage(requesterFor(local.iam()), "retired"));
        assert.deepEqual(
            facts.accessKeys.map(k => k.status),
            ["Inactive"],
        );
        assert.equal(local.iam().calls.get("GetAccessKeyLastUsed"), undefined);
    });

    it("a user IAM does not know is no-such-user (a preview that will create it)", async () => {
        assert.deepEqual(await readUserUsage(requesterFor(local.iam()), "not-yet-created"), { status: "no-such-user" });
    });

    it("follows pagination, including short truncated pages", async () => {
        local.iam().setFaults({ maxPageSize: 1 });
        const facts = found(await readUserUsage(requesterFor(local.iam()), "alice"));
        assert.deepEqual(
            facts.accessKeys.map(k => k.accessKeyId),
            [KEY_A, KEY_B],
        );
        assert.equal(local.iam().calls.get("ListAccessKeys"), 2);
    });

    it("AccessDenied leaves what it denies unjudged, names the missing IAM action, and nothing else", async () => {
        local.iam().setFaults({ accessDenied: [{ action: "GetAccessKeyLastUsed" }] });
        const facts = found(await readUserUsage(requesterFor(local.iam()), "alice"));
        assert.deepEqual(
            facts.doubts.map(d => [d.credential, d.credentialId, d.missingAction]),
            [
                ["access-key", KEY_A, "iam:GetAccessKeyLastUsed"],
                ["access-key", KEY_B, "iam:GetAccessKeyLastUsed"],
            ],
        );
        assert.match(facts.doubts[0].reason, /access denied to iam:GetAccessKeyLastUsed/);
        assert.ok(facts.loginProfile, "the password is read and judged all the same");
    });

    it("throttling that the SDK's retries outlast still reads the data", async () => {
        local.iam().setFaults({ transient: [{ code: "Throttling", count: 2, action: "ListAccessKeys" }] });
        const facts = found(await readUserUsage(requesterFor(local.iam(), { maxAttempts: 4 }), "alice"));
        assert.equal(facts.accessKeys.length, 2);
        assert.equal(local.iam().calls.get("ListAccessKeys"), 3);
    });

    it("a ServiceFailure is retried too", async () => {
        local.iam().setFaults({ transient: [{ code: "ServiceFailure", count: 1, action: "GetLoginProfile" }] });
        const facts = found(await readUserUsage(requesterFor(local.iam()), "alice"));
        assert.ok(facts.loginProfile);
    });

    it("throttling past the retries is unavailable, never a pass", async () => {
        local.iam().setFaults({ transient: [{ code: "Throttling", count: 100, action: "ListAccessKeys" }] });
        const facts = found(await readUserUsage(requesterFor(local.iam(), { maxAttempts: 2 }), "alice"));
        assert.deepEqual(
            facts.doubts.map(d => [d.credential, d.credentialId, d.transient]),
            [["access-key", undefined, true]],
            "every key, worth one more read later",
        );
        assert.match(facts.doubts[0].reason, /IAM throttled iam:ListAccessKeys after 2 attempts/);
    });

    it("a hung endpoint becomes unavailable within the request deadline", async () => {
        local.iam().setFaults({ hang: [{ action: "GetLoginProfile" }] });
        const started = Date.now();
        const facts = found(await readUserUsage(requesterFor(local.iam(), { requestTimeoutMs: 300 }), "alice"));
        assert.deepEqual(
            facts.doubts.map(d => [d.credential, d.errorCode]),
            [["password", "Timeout"]],
        );
        assert.match(facts.doubts[0].reason, /did not answer iam:GetLoginProfile within 0.3 s/);
        assert.ok(Date.now() - started < 5_000, "bounded by the deadline, not by the hang");
    });

    it("an unreachable endpoint is unavailable with the network error", async () => {
        const iam = local.iam();
        const requester = requesterFor(iam, { maxAttempts: 1 });
        await iam.close();
        const facts = found(await readUserUsage(requester, "alice"));
        assert.deepEqual(
            facts.doubts.map(d => d.credential),
            ["password", "access-key"],
            "nothing is judged",
        );
        assert.ok(facts.doubts.every(d => /unreachable .*ECONNREFUSED/.test(d.reason)));
    });

    describe("a scope reads only what a caller will judge", () => {
        const slot = (created: Date, lastUsed?: Date) => ({ slot: 1 as const, active: true, lastRotated: created, lastUsed });
        const keyCreated = () => local.iam().users.get("alice")!.accessKeys[0].created;

        it("the password alone: GetLoginProfile and GetUser, no key call, and the keys are marked unread", async () => {
            const facts = found(await readUserUsage(requesterFor(local.iam()), "alice", { scope: { password: {} } }));
            assert.equal(approxDaysAgo(facts.passwordLastUsed), 100);
            assert.deepEqual(facts.read, { password: true, "access-key": false });
            assert.deepEqual(Object.fromEntries(local.iam().calls), { GetLoginProfile: 1, GetUser: 1 });
        });

        it("the keys alone, taking a key the report proves fresh from its slot (matched by creation date)", async () => {
            const reported = new Date(Date.now() - 3 * MS_PER_DAY);
            const facts = found(
                await readUserUsage(requesterFor(local.iam()), "alice", {
                    scope: { "access-key": { freshKeySlots: [slot(keyCreated(), reported)] } },
                }),
            );
            assert.equal(facts.accessKeys.find(k => k.accessKeyId === KEY_A)!.lastUsed?.date.getTime(), reported.getTime());
            assert.deepEqual(facts.read, { password: false, "access-key": true });
            assert.deepEqual(
                Object.fromEntries(local.iam().calls),
                { ListAccessKeys: 1, GetAccessKeyLastUsed: 1 },
                "only KEY_B is read live",
            );
        });

        it("a slot created a second apart from a key is another key's: the key is read live", async () => {
            const secondLater = new Date(keyCreated().getTime() + 1000);
            await readUserUsage(requesterFor(local.iam()), "alice", {
                scope: { "access-key": { freshKeySlots: [slot(secondLater, new Date())] } },
            });
            assert.equal(local.iam().calls.get("GetAccessKeyLastUsed"), 2);
        });

        it("two slots that match one key prove nothing: the key is read live", async () => {
            const created = keyCreated();
            await readUserUsage(requesterFor(local.iam()), "alice", {
                scope: { "access-key": { freshKeySlots: [slot(created), { ...slot(created), slot: 2 }] } },
            });
            assert.equal(local.iam().calls.get("GetAccessKeyLastUsed"), 2);
        });

        it("scopes that read different requests have different cache keys; the order of slots does not matter", () => {
            const a = slot(new Date("2026-01-01T00:00:00Z"));
            const b = slot(new Date("2026-02-01T00:00:00Z"));
            const keys = [
                scopeKey({ password: {} }),
                scopeKey({ "access-key": {} }),
                scopeKey({ password: {}, "access-key": {} }),
                scopeKey({ "access-key": { freshKeySlots: [a] } }),
                scopeKey({ "access-key": { freshKeySlots: [a, b] } }),
            ];
            assert.equal(new Set(keys).size, keys.length);
            assert.equal(scopeKey({ "access-key": { freshKeySlots: [a, b] } }), scopeKey({ "access-key": { freshKeySlots: [b, a] } }));
        });
    });
});
