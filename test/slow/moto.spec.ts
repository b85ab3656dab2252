// A second IAM that nobody here wrote: moto, seeded with the same 40 cases as the local endpoint (users, keys, login
// profiles, dates set in its backend objects), must give the same verdicts through the pack (the driver, as a
// preview) and through `check --account-wide`. Where moto answers differently from real IAM, the pack must still be
// exact or say exactly what it could not judge. The differences this relies on (moto 5.2):
//   - ListAccessKeys answers without IsTruncated (optional in IAM's model: false when absent);
//   - GetCredentialReport's GeneratedTime is always 2015-02-02T20:02:02Z, so every dated row is after it (doubted, read live);
//   - its report has no `<root_account>` row, writes `not_supported` where real IAM writes N/A or a date, and quotes nothing;
//   - GenerateCredentialReport answers STARTED, then COMPLETE, with no time in between;
//   - GetLoginProfile's CreateDate is the user's CreateDate (so each case with a password makes them equal);
//   - GetAccessKeyLastUsed answers Region N/A when only the service is known, as real IAM may.
import { strict as assert } from "node:assert";
import type { AccountFile, UserFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";
import { drivePack, DriveResult } from "../../tools/driver/drive-pack";
import { absoluteAccount, describeWithMoto, Moto, startMoto } from "../helpers/moto";
import { CheckJson, reportOf, runCheck } from "../helpers/check-cli";
import { packEnv, REPO, verdictLines } from "../helpers/samples";

const AGES = [0, 1, 13, 44, 45, 76, 77, 89, 90, 91, 120, 200, 900];

/** 40 cases: each edge of the semantics once, then a deterministic mix of ages, statuses and kinds. */
function fortyCases(): AccountFile {
    const key = (user: string, n: number) =>
        `AKIA${user
            .replace(/[^A-Za-z0-9]/g, "")
            .toUpperCase()
            .slice(0, 14)
            .padEnd(14, "X")}K${n}0000`.slice(0, 20);
    const withPassword = (u: UserFile): UserFile => (u.loginProfile ? { ...u, created: u.loginProfile.created } : u);
    const edges: UserFile[] = [
        {
            userName: "key-stale",
            accessKeys: [{ accessKeyId: "", created: { daysAgo: 400 }, lastUsed: { daysAgo: 120, service: "s3", region: "eu-west-1" } }],
        },
        { userName: "key-fresh", accessKeys: [{ accessKeyId: "", created: { daysAgo: 400 }, lastUsed: { daysAgo: 1, service: "sts" } }] },
        { userName: "key-never-used-old", accessKeys: [{ accessKeyId: "", created: { daysAgo: 200 } }] },
        { userName: "key-never-used-new", accessKeys: [{ accessKeyId: "", created: { daysAgo: 10 } }] },
        {
            userName: "key-at-threshold",
            accessKeys: [{ accessKeyId: "", created: { daysAgo: 400 }, lastUsed: { daysAgo: 90, service: "ec2", region: "us-east-1" } }],
        },
        {
            userName: "key-a-day-before",
            accessKeys: [{ accessKeyId: "", created: { daysAgo: 400 }, lastUsed: { daysAgo: 89, service: "ec2", region: "us-east-1" } }],
        },
        {
            userName: "key-inactive-stale",
            accessKeys: [{ accessKeyId: "", status: "Inactive", created: { daysAgo: 400 }, lastUsed: { daysAgo: 300 } }],
        },
        {
            userName: "key-two-stale",
            accessKeys: [
                { accessKeyId: "", created: { daysAgo: 500 }, lastUsed: { daysAgo: 300, service: "s3" } },
                { accessKeyId: "", created: { daysAgo: 400 }, lastUsed: { daysAgo: 100, service: "iam" } },
            ],
        },
        {
            userName: "key-stale-beside-fresh",
            accessKeys: [
                { accessKeyId: "", created: { daysAgo: 500 }, lastUsed: { daysAgo: 300, service: "s3" } },
                { accessKeyId: "", created: { daysAgo: 30 }, lastUsed: { daysAgo: 2, service: "s3" } },
            ],
        },
        { userName: "password-stale", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 100 } },
        { userName: "password-fresh", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 2 } },
        { userName: "password-never-used-old", loginProfile: { created: { daysAgo: 200 } } },
        { userName: "password-never-used-new", loginProfile: { created: { daysAgo: 5 } } },
        { userName: "password-at-threshold", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 90 } },
        { userName: "password-deleted", passwordLastUsed: { daysAgo: 300 } },
        { userName: "password-recreated", loginProfile: { created: { daysAgo: 3 } }, passwordLastUsed: { daysAgo: 200 } },
        {
            userName: "both-stale",
            loginProfile: { created: { daysAgo: 300 } },
            passwordLastUsed: { daysAgo: 150 },
            accessKeys: [{ accessKeyId: "", created: { daysAgo: 300 }, lastUsed: { daysAgo: 150, service: "s3" } }],
        },
        { userName: "no-credentials" },
        { userName: "svc+deploy=ci,a.b@c-d", accessKeys: [{ accessKeyId: "", created: { daysAgo: 300 }, lastUsed: { daysAgo: 95 } }] },
        {
            userName: "key-noticed",
            accessKeys: [{ accessKeyId: "", created: { daysAgo: 300 }, lastUsed: { daysAgo: 80, service: "lambda" } }],
        },
    ];
    const mixed: UserFile[] = Array.from({ length: 40 - edges.length }, (_, i) => {
        const age = (k: number) => AGES[(i * 7 + k * 3) % AGES.length];
        return {
            userName: `mixed-${String(i).padStart(2, "0")}`,
            loginProfile: i % 3 === 0 ? { created: { daysAgo: Math.max(age(1), age(2)) } } : undefined,
            passwordLastUsed: i % 4 === 0 ? { daysAgo: age(2) } : undefined,
            accessKeys: Array.from({ length: i % 3 }, (_, k) => ({
                accessKeyId: "",
                status: (i + k) % 5 === 0 ? ("Inactive" as const) : ("Active" as const),
                created: { daysAgo: 900 },
                lastUsed: (i + k) % 4 === 1 ? undefined : { daysAgo: age(k + 3), service: "s3", region: "us-east-1" },
            })),
        };
    });
    return {
        users: [...edges, ...mixed].map(u =>
            withPassword({ ...u, accessKeys: u.accessKeys?.map((k, n) => ({ ...k, accessKeyId: key(u.userName, n + 1) })) }),
        ),
    };
}

const stack = { stack: "dev", project: "proj", organization: "org", config: { "aws:region": "us-east-1" }, dryRun: true };

/** A run's verdicts, each with its idle days where it names them: what must not differ between the two IAMs. */
function verdictsOf(run: DriveResult): string[] {
    const idle = (message: string) => /idle (\d+) days/.exec(message)?.[1] ?? "";
    const lines = verdictLines(run);
    const withDays = run.results.flatMap(r => r.diagnostics.map(d => `${r.resource.name} ${d.policyName} ${idle(d.message)}`)).sort();
    return [...lines, ...withDays];
}

/** What check --json says of each credential and each user not judged, without timings. */
function checkVerdicts(report: CheckJson): string[] {
    return [
        ...report.credentials.map(c => `${c.kind} ${c.policy} ${c.user} ${c.credential} ${c.accessKeyId ?? ""} idle ${c.idleDays}`),
        ...report.unjudged.map(u => `unjudged ${u.user}`),
        `mandatory ${report.summary.mandatory} advisory ${report.summary.advisory} unjudged ${report.summary.unjudged}`,
    ].sort();
}

describeWithMoto("a second IAM: moto gives the same verdicts as the local endpoint", function () {
    this.timeout(240_000);
    let iam: LocalIam | undefined;
    let moto: Moto | undefined;
    const account = absoluteAccount(fortyCases(), new Date());
    const resources = account.users.map(u => ({
        type: "aws:iam/user:User",
        name: u.userName,
        urn: `urn:pulumi:dev::proj::aws:iam/user:User::${u.userName}`,
        props: { name: u.userName },
    }));

    before(async () => {
        [iam, moto] = await Promise.all([startLocalIam(account), startMoto(account)]);
    });
    after(async () => {
        await Promise.all([iam?.close(), moto?.close()]);
    });

    const motoEnv = () => ({ ...packEnv(iam!), AWS_ENDPOINT_URL_IAM: moto!.url, AWS_ENDPOINT_URL_STS: moto!.url });

    for (const source of ["auto", "api", "report"] as const) {
        it(`the pack, as a preview runs it (source ${source}): the same verdicts, with the same idle days`, async () => {
            const env = { UNUSED_CREDENTIALS_SOURCE: source };
            const local = await drivePack({ packDir: REPO, stack, resources, env: packEnv(iam!, env) });
            const onMoto = await drivePack({ packDir: REPO, stack, resources, env: { ...motoEnv(), ...env } });
            assert.deepEqual(verdictsOf(onMoto), verdictsOf(local));
            // Sanity: the cases are judged, not passed for want of data.
            assert.ok(!verdictLines(onMoto).some(l => l.includes("iam-user-usage-data-unavailable")), verdictLines(onMoto).join("\n"));
            assert.ok(verdictLines(onMoto).filter(l => l.startsWith("mandatory")).length >= 15);
            if (source !== "api") {
                // moto's report is dated 2015, before every row: each row is set aside and said so, once.
                assert.match(onMoto.output, /the credential report of account 123456789012: \d+ of 40 rows set aside/);
            }
        });
    }

    it("check --account-wide: the same credentials, owners and users not judged", async () => {
        const args = (url: string) => ["--account-wide", "--endpoint", url, "--json"];
        const env = { AWS_REGION: "us-east-1" };
        const [local, onMoto] = await Promise.all([runCheck(args(iam!.url), env), runCheck(args(moto!.url), env)]);
        assert.equal(onMoto.code, local.code, onMoto.stderr);
        assert.equal(onMoto.code, 1, "mandatory violations left");
        assert.deepEqual(checkVerdicts(reportOf(onMoto)), checkVerdicts(reportOf(local)));
        assert.equal(reportOf(onMoto).credentialReports.length, 1, "moto's report set aside row by row, said once");
    });
});
