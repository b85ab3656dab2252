// The local IAM endpoint answers in the shapes of real IAM (docs/reading-iam.md), so a drift fails here.
import { strict as assert } from "node:assert";
import {
    CreateAccessKeyCommand,
    CreateLoginProfileCommand,
    CreateUserCommand,
    DeleteAccessKeyCommand,
    DeleteLoginProfileCommand,
    DeleteUserCommand,
    GenerateCredentialReportCommand,
    GetUserCommand,
    TagUserCommand,
    UntagUserCommand,
    GetCredentialReportCommand,
    IAMClient,
    ListUsersCommand,
    paginateListUsers,
} from "@aws-sdk/client-iam";
import { REPORT_COLUMNS } from "../../tools/local-iam/credential-report-csv";
import { TEST_CREDENTIALS, withLocalIam } from "../helpers/local-account";

async function post(url: string, params: Record<string, string>) {
    const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
}

describe("local IAM endpoint: IAM's wire format", () => {
    const local = withLocalIam(() => ({
        users: [
            {
                userName: "bob",
                created: "2016-11-25T09:37:34Z",
                tags: { team: "a" },
                loginProfile: { created: "2020-01-02T03:04:05Z" },
                passwordLastUsed: "2026-03-13T10:45:00Z",
                accessKeys: [
                    { accessKeyId: "AKIABOB0000000000002", created: "2021-06-01T00:00:00Z" },
                    {
                        accessKeyId: "AKIABOB0000000000001",
                        created: "2020-06-01T00:00:00Z",
                        lastUsed: { at: "2026-03-13T10:45:37Z", service: "s3" },
                    },
                ],
            },
            { userName: "Alice" },
            {
                userName: "carol,ops@example.com",
                accessKeys: [{ accessKeyId: "AKIACAROL00000000001", status: "Inactive", created: "2022-01-01T00:00:00Z" }],
            },
        ],
    }));
    const client = () => new IAMClient({ region: "us-east-1", endpoint: local.iam().url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

    it("a success is <OpResponse> with the result, ResponseMetadata, two-space indents, no <?xml?> line", async () => {
        const r = await post(local.iam().url, { Action: "GetUser", UserName: "bob" });
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("content-type"), "text/xml");
        const requestId = r.headers.get("x-amzn-requestid")!;
        assert.match(requestId, /^[0-9a-f-]{36}$/);
        assert.equal(
            r.body,
            [
                `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`,
                `  <GetUserResult>`,
                `    <User>`,
                `      <Path>/</Path>`,
                `      <UserName>bob</UserName>`,
                `      <UserId>${/<UserId>(\w+)<\/UserId>/.exec(r.body)![1]}</UserId>`,
                `      <Arn>arn:aws:iam::123456789012:user/bob</Arn>`,
                `      <CreateDate>2016-11-25T09:37:34Z</CreateDate>`,
                `      <PasswordLastUsed>2026-03-13T10:45:00Z</PasswordLastUsed>`,
                `      <Tags>`,
                `        <member>`,
                `          <Key>team</Key>`,
                `          <Value>a</Value>`,
                `        </member>`,
                `      </Tags>`,
                `    </User>`,
                `  </GetUserResult>`,
                `  <ResponseMetadata>`,
                `    <RequestId>${requestId}</RequestId>`,
                `  </ResponseMetadata>`,
                `</GetUserResponse>`,
                ``,
            ].join("\n"),
        );
    });

    it("an empty list is self-closed", async () => {
        const r = await post(local.iam().url, { Action: "ListAccessKeys", UserName: "Alice" });
        assert.match(r.body, /\n    <AccessKeyMetadata\/>\n    <IsTruncated>false<\/IsTruncated>\n/);
    });

    it("ListUsers never returns tags", async () => {
        const r = await post(local.iam().url, { Action: "ListUsers" });
        assert.ok(!r.body.includes("<Tags>"));
    });

    it("errors: NoSuchEntity is 404 with RequestId beside <Error>", async () => {
        const r = await post(local.iam().url, { Action: "GetLoginProfile", UserName: "Alice" });
        assert.equal(r.status, 404);
        assert.match(
            r.body,
            /^<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/">\n  <Error>\n    <Type>Sender<\/Type>\n    <Code>NoSuchEntity<\/Code>\n    <Message>Login Profile for User Alice cannot be found.<\/Message>\n  <\/Error>\n  <RequestId>[0-9a-f-]{36}<\/RequestId>\n<\/ErrorResponse>\n$/,
        );
    });

    it("errors: Throttling 400, ServiceFailure 500 from the Receiver, AccessDenied 403", async () => {
        local.iam().setFaults({
            transient: [
                { code: "Throttling", count: 1 },
                { code: "ServiceFailure", count: 1 },
            ],
            accessDenied: [{ action: "ListUsers" }],
        });
        const throttled = await post(local.iam().url, { Action: "GetUser", UserName: "bob" });
        assert.equal(throttled.status, 400);
        assert.match(throttled.body, /<Code>Throttling<\/Code>\n    <Message>Rate exceeded<\/Message>/);
        const failed = await post(local.iam().url, { Action: "GetUser", UserName: "bob" });
        assert.equal(failed.status, 500);
        assert.match(failed.body, /<Type>Receiver<\/Type>\n    <Code>ServiceFailure<\/Code>/);
        const denied = await post(local.iam().url, { Action: "ListUsers" });
        assert.equal(denied.status, 403);
        assert.match(denied.body, /<Code>AccessDenied<\/Code>\n    <Message>User: .* is not authorized to perform: iam:ListUsers/);
    });

    it("the report errors carry no <Message>: ReportNotPresent 410, then ReportInProgress 404", async () => {
        const missing = await post(local.iam().url, { Action: "GetCredentialReport" });
        assert.equal(missing.status, 410);
        assert.match(missing.body, /<Code>ReportNotPresent<\/Code>\n  <\/Error>/);
        local.iam().load({ users: [], reportGenerationMs: 60_000 });
        const started = await post(local.iam().url, { Action: "GenerateCredentialReport" });
        assert.match(
            started.body,
            /<State>STARTED<\/State>\n    <Description>No report exists. Starting a new report generation task<\/Description>/,
        );
        const inProgress = await post(local.iam().url, { Action: "GetCredentialReport" });
        assert.equal(inProgress.status, 404);
        assert.match(inProgress.body, /<Code>ReportInProgress<\/Code>\n  <\/Error>/);
    });

    it("an expired report (4 hours) is ReportExpired 410", async () => {
        local.iam().load({ users: [], credentialReport: { generatedHoursAgo: 4.1 } });
        const expired = await post(local.iam().url, { Action: "GetCredentialReport" });
        assert.equal(expired.status, 410);
        assert.match(expired.body, /<Code>ReportExpired<\/Code>/);
    });

    it("the SDK pages through short truncated pages with Marker", async () => {
        local.iam().setFaults({ maxPageSize: 2 });
        const first = await client().send(new ListUsersCommand({ MaxItems: 100 }));
        assert.equal(first.Users!.length, 2);
        assert.equal(first.IsTruncated, true);
        const names: string[] = [];
        for await (const page of paginateListUsers({ client: client() }, {})) names.push(...page.Users!.map(u => u.UserName!));
        assert.deepEqual(names, ["Alice", "bob", "carol,ops@example.com"]);
    });

    it("the credential report CSV has every quirk of IAM's", async () => {
        await client().send(new GenerateCredentialReportCommand({}));
        const report = await client().send(new GetCredentialReportCommand({}));
        assert.equal(report.ReportFormat, "text/csv");
        const csv = Buffer.from(report.Content!).toString("utf8");
        assert.ok(!csv.endsWith("\n"), "no trailing newline");
        const lines = csv.split("\n");
        assert.equal(lines[0], REPORT_COLUMNS.join(","));
        assert.match(lines[1], /^<root_account>,arn:aws:iam::123456789012:root,[^,]+\+00:00,not_supported,/);
        // Users sorted case-insensitively; a comma in a name is quoted.
        assert.match(lines[2], /^Alice,/);
        assert.match(
            lines[3],
            /^bob,arn:aws:iam::123456789012:user\/bob,2016-11-25T09:37:34\+00:00,true,2026-03-13T10:45:00\+00:00,2020-01-02T03:04:05\+00:00,N\/A,false,/,
        );
        // Slot 1 is the older key; last_rotated is its CreateDate; last use in whole minutes; region N/A with a service.
        assert.match(
            lines[3],
            /,true,2020-06-01T00:00:00\+00:00,2026-03-13T10:45:00\+00:00,N\/A,s3,true,2021-06-01T00:00:00\+00:00,N\/A,N\/A,N\/A,false,N\/A,false,N\/A$/,
        );
        assert.match(
            lines[4],
            /^"carol,ops@example.com","arn:aws:iam::123456789012:user\/carol,ops@example.com",[^,]+,false,N\/A,N\/A,N\/A,false,false,2022-01-01T00:00:00\+00:00,N\/A,N\/A,N\/A,/,
        );
        assert.equal(lines[2].split(",").length, REPORT_COLUMNS.length);
    });

    it("counts every request by action", async () => {
        await post(local.iam().url, { Action: "GetUser", UserName: "bob" });
        await post(local.iam().url, { Action: "GetUser", UserName: "nobody" });
        await post(local.iam().url, { Action: "ListUsers" });
        assert.equal(local.iam().calls.get("GetUser"), 2);
        assert.equal(local.iam().calls.get("ListUsers"), 1);
        assert.equal(local.iam().totalCalls(), 3);
    });

    it("a token bucket beyond its rate answers Throttling", async () => {
        local.iam().setFaults({ ratePerSecond: 1, burst: 2 });
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await post(local.iam().url, { Action: "ListUsers" })).status);
        assert.deepEqual(statuses, [200, 200, 400, 400]);
    });
});

describe("local IAM endpoint: the writes a stand-in provider makes, with IAM's errors", () => {
    const local = withLocalIam(() => ({ users: [] }));
    const client = () => new IAMClient({ region: "us-east-1", endpoint: local.iam().url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const errorOf = (promise: Promise<unknown>) =>
        promise.then(
            () => "no error",
            (e: Error & { $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`,
        );

    it("creates a user with its path and tags, refuses a second of the same name, and tags and untags it", async () => {
        const iam = client();
        const created = await iam.send(new CreateUserCommand({ UserName: "dana", Path: "/team/", Tags: [{ Key: "team", Value: "a" }] }));
        assert.equal(created.User?.Arn, "arn:aws:iam::123456789012:user/team/dana");
        assert.equal(await errorOf(iam.send(new CreateUserCommand({ UserName: "DANA" }))), "EntityAlreadyExistsException 409");
        await iam.send(
            new TagUserCommand({
                UserName: "dana",
                Tags: [
                    { Key: "team", Value: "b" },
                    { Key: "owner", Value: "x" },
                ],
            }),
        );
        await iam.send(new UntagUserCommand({ UserName: "dana", TagKeys: ["owner"] }));
        assert.deepEqual((await iam.send(new GetUserCommand({ UserName: "dana" }))).User?.Tags, [{ Key: "team", Value: "b" }]);
    });

    it("creates at most two access keys a user, deletes them by ID, and answers NoSuchEntity for a key that is gone", async () => {
        const iam = client();
        await iam.send(new CreateUserCommand({ UserName: "erin" }));
        const first = (await iam.send(new CreateAccessKeyCommand({ UserName: "erin" }))).AccessKey!;
        assert.match(first.AccessKeyId!, /^AKIA[A-Z0-9]{16}$/);
        assert.ok(first.SecretAccessKey);
        await iam.send(new CreateAccessKeyCommand({ UserName: "erin" }));
        assert.equal(await errorOf(iam.send(new CreateAccessKeyCommand({ UserName: "erin" }))), "LimitExceededException 409");
        await iam.send(new DeleteAccessKeyCommand({ UserName: "erin", AccessKeyId: first.AccessKeyId }));
        assert.equal(
            await errorOf(iam.send(new DeleteAccessKeyCommand({ UserName: "erin", AccessKeyId: first.AccessKeyId }))),
            "NoSuchEntityException 404",
        );
    });

    it("creates a login profile once, and will not delete a user that still holds credentials", async () => {
        const iam = client();
        await iam.send(new CreateUserCommand({ UserName: "finn" }));
        await iam.send(new CreateLoginProfileCommand({ UserName: "finn", Password: "not-a-real-password-1!" }));
        assert.equal(
            await errorOf(iam.send(new CreateLoginProfileCommand({ UserName: "finn", Password: "another-one-2!" }))),
            "EntityAlreadyExistsException 409",
        );
        assert.equal(await errorOf(iam.send(new DeleteUserCommand({ UserName: "finn" }))), "DeleteConflictException 409");
        await iam.send(new DeleteLoginProfileCommand({ UserName: "finn" }));
        await iam.send(new DeleteUserCommand({ UserName: "finn" }));
        assert.equal(await errorOf(iam.send(new GetUserCommand({ UserName: "finn" }))), "NoSuchEntityException 404");
    });
});
