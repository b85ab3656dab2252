// A local IAM endpoint that speaks IAM's Query protocol as real IAM does (docs/reading-iam.md), so the unmodified
// @aws-sdk/client-iam can talk to it. State comes from an account file; faults are injected on demand;
// every request is counted by action.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { AccountFile, FaultsFile, resolveUser, resolveWhen, RoleFile, UserFile, UserState, validateAccountFile } from "./account-file";
import { credentialReportCsv } from "./credential-report-csv";
import { errorEnvelope, IAM_XMLNS, leaf, list, node, STS_XMLNS, successEnvelope, XmlNode } from "./xml";

const REPORT_LIFETIME_MS = 4 * 3600_000;

class IamError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string | undefined,
        readonly type: "Sender" | "Receiver" = "Sender",
    ) {
        super(message);
    }
    get bodyMessage(): string | undefined {
        return this.message === "" ? undefined : this.message;
    }
}

const validationError = (detail: string) => new IamError(400, "ValidationError", `1 validation error detected: ${detail}`);
const noSuchUser = (name: string) => new IamError(404, "NoSuchEntity", `The user with name ${name} cannot be found.`);

interface Report {
    generated: Date;
    completeAt: Date;
    csv?: string;
    /** GeneratedTime as the answer sends it; null for none. */
    generatedTime?: string | null;
    users: () => UserState[];
}

export interface LocalIamOptions {
    port?: number;
    host?: string;
    /** The clock; tests may move it. */
    now?: () => Date;
}

export interface LocalIam {
    url: string;
    /** Requests received, by action (throttled and failed ones included). */
    calls: Map<string, number>;
    /** Requests refused by the token bucket. */
    throttled(): number;
    /** Slow answers (slowBody) whose connection the client closed before the body was all sent: how long each had dripped, in ms. */
    abandoned(): number[];
    /** Who signed each request: the access key ID and, for an assumed-role session, the role. */
    signers: { action: string; accessKeyId?: string; roleArn?: string }[];
    totalCalls(): number;
    resetCalls(): void;
    /** Replaces the faults in force (an empty object: IAM recovers). */
    setFaults(faults: FaultsFile): void;
    /**
     * The same endpoint on a port of its own, for IAM only (point AWS_ENDPOINT_URL_IAM here and STS at `url`), so
     * that IAM can refuse connections while STS answers.
     */
    iamUrl: string;
    /** Closes (true) or reopens (false) `iamUrl`'s port: connections are refused, or accepted again on the same port. */
    refuseIam(refuse: boolean): Promise<void>;
    /** The live users, to change between requests (a key used between finding and acting). */
    users: Map<string, UserState>;
    /** Replaces the whole account state. */
    load(account: AccountFile): void;
    /** Called after each answer is decided, before it is sent (a key deleted between two requests). */
    afterAnswer?: (action: string, params: URLSearchParams) => void;
    close(): Promise<void>;
}

export async function startLocalIam(account: AccountFile, options: LocalIamOptions = {}): Promise<LocalIam> {
    const now = options.now ?? (() => new Date());
    const calls = new Map<string, number>();
    const primaryUsers = new Map<string, UserState>();
    // The account a request is served from; swapped in for requests signed by another account's identity.
    let users = primaryUsers;
    let accountId = "123456789012";
    const otherAccounts = new Map<string, { users: Map<string, UserState>; report?: Report }>();
    let faults: FaultsFile = {};
    let transientLeft: { code: string; count: number; action?: string }[] = [];
    let report: Report | undefined;
    let reportGenerationMs = 0;
    let bucket = { tokens: 0, at: 0 };
    let throttledByBucket = 0;
    const abandoned: number[] = [];
    let roles: RoleFile[] = [];
    let allowedCallers: AccountFile["allowedCallers"];
    let identities: NonNullable<AccountFile["identities"]> = [];
    const sessions = new Map<string, string>(); // temporary access key ID → role ARN
    const sessionNames = new Map<string, string>(); // temporary access key ID → role session name
    const signers: LocalIam["signers"] = [];

    function load(file: AccountFile): void {
        validateAccountFile(file);
        const at = now();
        primaryUsers.clear();
        for (const user of file.users) primaryUsers.set(user.userName, resolveUser(user, at));
        accountId = file.accountId ?? "123456789012";
        reportGenerationMs = file.reportGenerationMs ?? 0;
        roles = file.roles ?? [];
        allowedCallers = file.allowedCallers;
        identities = file.identities ?? [];
        otherAccounts.clear();
        for (const other of file.otherAccounts ?? []) {
            validateAccountFile({ users: other.users });
            const generated = other.credentialReport && resolveWhen({ hoursAgo: other.credentialReport.generatedHoursAgo }, at);
            const state = {
                users: new Map(other.users.map(u => [u.userName, resolveUser(u, at)])),
                report: undefined as Report | undefined,
            };
            if (generated) state.report = { generated, completeAt: generated, users: () => [...state.users.values()] };
            otherAccounts.set(other.accountId, state);
        }
        report = undefined;
        if (file.credentialReport) {
            const generated = resolveWhen({ hoursAgo: file.credentialReport.generatedHoursAgo }, at);
            const pinned: UserFile[] | undefined = file.credentialReport.users;
            const snapshot = pinned ? pinned.map(u => resolveUser(u, at)) : undefined;
            const { csv, generatedTime } = file.credentialReport;
            report = { generated, completeAt: generated, csv, generatedTime, users: () => snapshot ?? [...primaryUsers.values()] };
        }
        setFaults(file.faults ?? {});
    }

    function setFaults(next: FaultsFile): void {
        faults = next;
        transientLeft = (next.transient ?? []).map(t => ({ ...t }));
        bucket = { tokens: next.burst ?? next.ratePerSecond ?? 0, at: Date.now() };
    }

    load(account);

    const userOf = (params: URLSearchParams): UserState => {
        const name = params.get("UserName") ?? "";
        const user = users.get(name);
        if (!user) throw noSuchUser(name);
        return user;
    };

    function page<T>(items: T[], params: URLSearchParams): { items: T[]; truncated: boolean; marker?: string } {
        const start = params.get("Marker") ? Number(Buffer.from(params.get("Marker")!, "base64").toString()) : 0;
        const maxItems = Number(params.get("MaxItems") ?? 100);
        if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
            throw new IamError(
                400,
                "ValidationError",
                `1 validation error detected: Value '${params.get("MaxItems")}' at 'maxItems' failed to satisfy constraint: ` +
                    "Member must have value between 1 and 1000",
            );
        }
        const size = Math.min(maxItems, faults.maxPageSize ?? maxItems);
        // A repeating marker serves its page again and again, as a broken paginator would.
        const from = faults.marker === "repeat" ? 0 : start;
        const slice = items.slice(from, from + size);
        const next = from + slice.length;
        if (next >= items.length) return { items: slice, truncated: false };
        return {
            items: slice,
            truncated: true,
            marker: faults.marker === "missing" ? undefined : Buffer.from(String(next)).toString("base64"),
        };
    }

    const paged = (name: string, result: ReturnType<typeof page<XmlNode[]>>): XmlNode[] =>
        [list(name, result.items), leaf("IsTruncated", result.truncated), result.marker ? leaf("Marker", result.marker) : undefined].filter(
            (n): n is XmlNode => n !== undefined,
        );

    const userXml = (u: UserState, withTags: boolean): XmlNode[] => [
        leaf("Path", u.path),
        leaf("UserName", u.userName),
        leaf("UserId", u.userId),
        leaf("Arn", `arn:aws:iam::${accountId}:user${u.path}${u.userName}`),
        leaf("CreateDate", u.created),
        ...(u.passwordLastUsed ? [leaf("PasswordLastUsed", u.passwordLastUsed)] : []),
        ...(withTags && u.tags.length
            ? [
                  list(
                      "Tags",
                      u.tags.map(t => [leaf("Key", t.key), leaf("Value", t.value)]),
                  ),
              ]
            : []),
    ];

    /** `Name.member.N` parameters, in order. */
    function listParam(params: URLSearchParams, name: string): string[] {
        const values: string[] = [];
        for (let i = 1; params.has(`${name}.member.${i}`); i++) values.push(params.get(`${name}.member.${i}`)!);
        return values;
    }

    /** `Tags.member.N.Key` / `.Value` parameters. */
    function tagsOf(params: URLSearchParams): [string, string][] {
        const tags: [string, string][] = [];
        for (let i = 1; params.has(`Tags.member.${i}.Key`); i++)
            tags.push([params.get(`Tags.member.${i}.Key`)!, params.get(`Tags.member.${i}.Value`) ?? ""]);
        return tags;
    }

    function keyOwner(accessKeyId: string): { user: UserState; key: UserState["accessKeys"][number] } | undefined {
        for (const user of users.values()) {
            const key = user.accessKeys.find(k => k.accessKeyId === accessKeyId);
            if (key) return { user, key };
        }
        return undefined;
    }

    function findKey(accessKeyId: string): { user: UserState; key: UserState["accessKeys"][number] } {
        const owner = keyOwner(accessKeyId);
        if (!owner) throw new IamError(404, "NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`);
        return owner;
    }

    const actions: Record<string, (p: URLSearchParams) => XmlNode[]> = {
        ListUsers: p => {
            const all = [...users.values()].sort((a, b) => (a.userName.toLowerCase() < b.userName.toLowerCase() ? -1 : 1));
            return paged(
                "Users",
                page(
                    all.map(u => userXml(u, false)),
                    p,
                ),
            );
        },
        GetUser: p => [node("User", userXml(userOf(p), true))],
        ListUserTags: p =>
            paged(
                "Tags",
                page(
                    userOf(p).tags.map(t => [leaf("Key", t.key), leaf("Value", t.value)]),
                    p,
                ),
            ),
        GetLoginProfile: p => {
            const user = userOf(p);
            if (!user.loginProfile) throw new IamError(404, "NoSuchEntity", `Login Profile for User ${user.userName} cannot be found.`);
            return [
                node("LoginProfile", [
                    leaf("UserName", user.userName),
                    leaf("CreateDate", user.loginProfile.created),
                    leaf("PasswordResetRequired", user.loginProfile.passwordResetRequired),
                ]),
            ];
        },
        // ---- writes, for stand-in providers that deploy into this endpoint (IAM's answers and errors) ----
        CreateUser: p => {
            const name = p.get("UserName") ?? "";
            if (!/^[\w+=,.@-]{1,64}$/.test(name))
                throw validationError(
                    `Value '${name}' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
                );
            if ([...users.keys()].some(n => n.toLowerCase() === name.toLowerCase()))
                throw new IamError(409, "EntityAlreadyExists", `User with name ${name} already exists.`);
            const at = new Date(Math.floor(now().getTime() / 1000) * 1000);
            const user = resolveUser(
                { userName: name, path: p.get("Path") ?? "/", created: at.toISOString(), tags: Object.fromEntries(tagsOf(p)) },
                at,
            );
            users.set(name, user);
            return [node("User", userXml(user, true))];
        },
        DeleteUser: p => {
            const user = userOf(p);
            if (user.accessKeys.length || user.loginProfile)
                throw new IamError(409, "DeleteConflict", "Cannot delete entity, must delete access keys and login profile first.");
            users.delete(user.userName);
            return [];
        },
        TagUser: p => {
            const user = userOf(p);
            for (const [key, value] of tagsOf(p)) {
                const tag = user.tags.find(t => t.key === key);
                if (tag) tag.value = value;
                else user.tags.push({ key, value });
            }
            if (user.tags.length > 50) throw new IamError(409, "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50");
            return [];
        },
        UntagUser: p => {
            const user = userOf(p);
            const keys = new Set(listParam(p, "TagKeys"));
            user.tags = user.tags.filter(t => !keys.has(t.key));
            return [];
        },
        CreateAccessKey: p => {
            const user = userOf(p);
            if (user.accessKeys.length >= 2) throw new IamError(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
            const created = new Date(Math.floor(now().getTime() / 1000) * 1000);
            const accessKeyId = `AKIA${randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
            user.accessKeys.push({ accessKeyId, status: "Active", created });
            return [
                node("AccessKey", [
                    leaf("UserName", user.userName),
                    leaf("AccessKeyId", accessKeyId),
                    leaf("Status", "Active"),
                    leaf("SecretAccessKey", randomUUID().replace(/-/g, "")),
                    leaf("CreateDate", created),
                ]),
            ];
        },
        DeleteAccessKey: p => {
            const { user, key } = findKey(p.get("AccessKeyId") ?? "");
            if (p.get("UserName") && p.get("UserName") !== user.userName) throw noSuchUser(p.get("UserName")!);
            user.accessKeys = user.accessKeys.filter(k => k !== key);
            return [];
        },
        CreateLoginProfile: p => {
            const user = userOf(p);
            if (user.loginProfile)
                throw new IamError(409, "EntityAlreadyExists", `Login Profile for user ${user.userName} already exists.`);
            if ((p.get("Password") ?? "").length < 6)
                throw new IamError(400, "PasswordPolicyViolation", "Password should have a minimum length of 6");
            const created = new Date(Math.floor(now().getTime() / 1000) * 1000);
            user.loginProfile = { created, passwordResetRequired: p.get("PasswordResetRequired") === "true" };
            return [
                node("LoginProfile", [
                    leaf("UserName", user.userName),
                    leaf("CreateDate", created),
                    leaf("PasswordResetRequired", user.loginProfile.passwordResetRequired),
                ]),
            ];
        },
        DeleteLoginProfile: p => {
            const user = userOf(p);
            if (!user.loginProfile) throw new IamError(404, "NoSuchEntity", `Login Profile for User ${user.userName} cannot be found.`);
            user.loginProfile = undefined;
            return [];
        },
        ListAccessKeys: p => {
            const user = userOf(p);
            return paged(
                "AccessKeyMetadata",
                page(
                    user.accessKeys.map(k => [
                        leaf("UserName", user.userName),
                        leaf("AccessKeyId", k.accessKeyId),
                        leaf("Status", k.status),
                        leaf("CreateDate", k.created),
                    ]),
                    p,
                ),
            );
        },
        GetAccessKeyLastUsed: p => {
            // Real IAM answers a key that does not exist (deleted meanwhile) with AccessDenied, not NoSuchEntity.
            const owner = keyOwner(p.get("AccessKeyId") ?? "");
            if (!owner) {
                throw new IamError(
                    403,
                    "AccessDenied",
                    `User: arn:aws:iam::${accountId}:user/policy-pack is not authorized to perform: iam:GetAccessKeyLastUsed ` +
                        `on resource: access key ${p.get("AccessKeyId")}`,
                );
            }
            const { user, key } = owner;
            const used = key.lastUsed;
            return [
                leaf("UserName", user.userName),
                node("AccessKeyLastUsed", [
                    used ? leaf("LastUsedDate", used.date) : undefined,
                    leaf("ServiceName", used?.service ?? "N/A"),
                    leaf("Region", used?.region ?? "N/A"),
                ]),
            ];
        },
        UpdateAccessKey: p => {
            const status = p.get("Status");
            if (status !== "Active" && status !== "Inactive") {
                throw new IamError(
                    400,
                    "ValidationError",
                    `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: ` +
                        "Member must satisfy enum value set: [Active, Inactive]",
                );
            }
            const { user, key } = findKey(p.get("AccessKeyId") ?? "");
            if (p.get("UserName") && p.get("UserName") !== user.userName) throw noSuchUser(p.get("UserName")!);
            key.status = status;
            return [];
        },
        GenerateCredentialReport: () => {
            const at = now();
            if (report && at.getTime() < report.completeAt.getTime()) {
                return [leaf("State", "INPROGRESS"), leaf("Description", "Report generation in progress")];
            }
            if (report && at.getTime() - report.generated.getTime() < REPORT_LIFETIME_MS) {
                return [leaf("State", "COMPLETE")];
            }
            const snapshot = [...users.values()].map(u => structuredClone(u));
            const existed = report !== undefined;
            report = { generated: at, completeAt: new Date(at.getTime() + reportGenerationMs), users: () => snapshot };
            return [
                leaf("State", "STARTED"),
                leaf(
                    "Description",
                    existed
                        ? "Report expired. Starting a new report generation task"
                        : "No report exists. Starting a new report generation task",
                ),
            ];
        },
        GetCredentialReport: () => {
            const at = now();
            if (!report) throw new IamError(410, "ReportNotPresent", undefined);
            if (at.getTime() < report.completeAt.getTime()) throw new IamError(404, "ReportInProgress", undefined);
            if (at.getTime() - report.generated.getTime() >= REPORT_LIFETIME_MS) throw new IamError(410, "ReportExpired", undefined);
            report.csv ??= credentialReportCsv(report.users(), accountId, new Date("2015-01-01T00:00:00Z"));
            const generatedTime = report.generatedTime === undefined ? report.generated : report.generatedTime;
            return [
                leaf("Content", Buffer.from(report.csv).toString("base64")),
                leaf("ReportFormat", "text/csv"),
                generatedTime === null ? undefined : leaf("GeneratedTime", generatedTime),
            ].filter((n): n is XmlNode => n !== undefined);
        },
    };

    interface Caller {
        accessKeyId?: string;
        roleArn?: string;
    }

    const stsActions: Record<string, (p: URLSearchParams, caller: Caller) => XmlNode[]> = {
        AssumeRole: (p, caller) => {
            const role = roles.find(r => r.roleArn === p.get("RoleArn"));
            const trusted =
                role &&
                ((!role.trustedAccessKeyIds && !role.trustedRoleArns) ||
                    (caller.accessKeyId !== undefined && role.trustedAccessKeyIds?.includes(caller.accessKeyId)) ||
                    (caller.roleArn !== undefined && role.trustedRoleArns?.includes(caller.roleArn)));
            const who = caller.roleArn ?? caller.accessKeyId ?? "anonymous";
            if (!role || !trusted) {
                throw new IamError(
                    403,
                    "AccessDenied",
                    `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${p.get("RoleArn")}`,
                );
            }
            if (role.externalId && role.externalId !== p.get("ExternalId")) {
                throw new IamError(
                    403,
                    "AccessDenied",
                    `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${role.roleArn}`,
                );
            }
            const accessKeyId = `ASIA${randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
            sessions.set(accessKeyId, role.roleArn);
            const seconds = Number(p.get("DurationSeconds") ?? 3600);
            const session = p.get("RoleSessionName") ?? "session";
            sessionNames.set(accessKeyId, session);
            return [
                node("Credentials", [
                    leaf("AccessKeyId", accessKeyId),
                    leaf("SecretAccessKey", randomUUID()),
                    leaf("SessionToken", Buffer.from(randomUUID()).toString("base64")),
                    leaf("Expiration", new Date(now().getTime() + seconds * 1000)),
                ]),
                node("AssumedRoleUser", [
                    leaf("AssumedRoleId", `AROA${accessKeyId.slice(4)}:${session}`),
                    leaf("Arn", role.roleArn.replace(":role/", ":assumed-role/").replace(/^arn:aws:iam:/, "arn:aws:sts:") + `/${session}`),
                ]),
            ];
        },
        GetCallerIdentity: (_, caller) => {
            // As real STS: a role session is in its role's account, as an assumed-role ARN; a base key is
            // whoever the account file says it is, else a user of this account.
            if (caller.roleArn) {
                const [, partition, account, roleName] =
                    /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(caller.roleArn) ?? [];
                const session = sessionNames.get(caller.accessKeyId ?? "") ?? "session";
                return [
                    leaf("UserId", `AROA${(caller.accessKeyId ?? "").slice(4)}:${session}`),
                    leaf("Account", account),
                    leaf("Arn", `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`),
                ];
            }
            const known = identities.find(i => i.accessKeyId === caller.accessKeyId);
            const account = known?.accountId ?? accountId;
            return [
                leaf("UserId", `AIDA${(caller.accessKeyId ?? "ANONYMOUS").slice(4)}`),
                leaf("Account", account),
                leaf("Arn", `arn:aws:iam::${account}:user/${known?.userName ?? "policy-pack"}`),
            ];
        },
    };

    function callerAllowed(caller: Caller): boolean {
        if (!allowedCallers) return true;
        if (caller.roleArn) return allowedCallers.roleArns?.includes(caller.roleArn) ?? false;
        return caller.accessKeyId !== undefined && (allowedCallers.accessKeyIds?.includes(caller.accessKeyId) ?? false);
    }

    const matches = (rule: { action?: string; userName?: string }, action: string, params: URLSearchParams) =>
        (!rule.action || rule.action === action) &&
        (!rule.userName || rule.userName === params.get("UserName") || rule.userName === userNameOfKey(params));

    function userNameOfKey(params: URLSearchParams): string | undefined {
        const id = params.get("AccessKeyId");
        return id ? keyOwner(id)?.user.userName : undefined;
    }

    function takeToken(): boolean {
        if (!faults.ratePerSecond) return true;
        const t = Date.now();
        const burst = faults.burst ?? faults.ratePerSecond;
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * faults.ratePerSecond);
        bucket.at = t;
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }

    /** The account an identity belongs to: a role session is in its role's account, a base key in `identities`' or this one. */
    function accountOf(caller: Caller): string {
        if (caller.roleArn) return /^arn:aws[\w-]*:iam::(\d{12}):/.exec(caller.roleArn)?.[1] ?? accountId;
        return identities.find(i => i.accessKeyId === caller.accessKeyId)?.accountId ?? accountId;
    }

    /** Serves one request from the caller's account: another account's users and report are swapped in meanwhile. */
    function answer(action: string, params: URLSearchParams, caller: Caller): { status: number; body: string } | undefined {
        const other = action in stsActions ? undefined : otherAccounts.get(accountOf(caller));
        if (!other) return answerFromAccount(action, params, caller);
        const saved = { users, accountId, report };
        [users, accountId, report] = [other.users, accountOf(caller), other.report];
        try {
            return answerFromAccount(action, params, caller);
        } finally {
            other.report = report;
            [users, accountId, report] = [saved.users, saved.accountId, saved.report];
        }
    }

    /** Decides the answer; undefined means "never answer" (a hanging request). */
    function answerFromAccount(action: string, params: URLSearchParams, caller: Caller): { status: number; body: string } | undefined {
        const requestId = randomUUID();
        const sts = action in stsActions;
        const xmlns = sts ? STS_XMLNS : IAM_XMLNS;
        const fail = (e: IamError) => ({ status: e.status, body: errorEnvelope(e.type, e.code, e.bodyMessage, requestId, xmlns) });
        if (!takeToken()) {
            throttledByBucket++;
            return fail(new IamError(400, "Throttling", "Rate exceeded"));
        }
        if ((faults.hang ?? []).some(rule => matches(rule, action, params))) return undefined;
        const transient = transientLeft.find(t => t.count > 0 && (!t.action || t.action === action));
        if (transient) {
            transient.count--;
            if (transient.code === "Throttling") return fail(new IamError(400, "Throttling", "Rate exceeded"));
            if (transient.code === "LimitExceeded") return fail(new IamError(409, "LimitExceeded", "Cannot exceed quota for requests."));
            return fail(
                new IamError(
                    500,
                    "ServiceFailure",
                    "Request processing has failed due to some unknown error, exception or failure.",
                    "Receiver",
                ),
            );
        }
        if (sts) {
            try {
                return { status: 200, body: successEnvelope(action, stsActions[action](params, caller), requestId, STS_XMLNS) };
            } catch (error) {
                if (error instanceof IamError) return fail(error);
                throw error;
            }
        }
        if (!callerAllowed(caller)) {
            return fail(
                new IamError(
                    403,
                    "AccessDenied",
                    `User: ${caller.roleArn ?? caller.accessKeyId} is not authorized to perform: iam:${action} ` +
                        `because no identity-based policy allows the iam:${action} action`,
                ),
            );
        }
        if ((faults.accessDenied ?? []).some(rule => matches(rule, action, params))) {
            const target = params.get("UserName") ?? userNameOfKey(params) ?? "*";
            return fail(
                new IamError(
                    403,
                    "AccessDenied",
                    `User: arn:aws:iam::${accountId}:user/policy-pack is not authorized to perform: iam:${action} on resource: user ${target} ` +
                        `because no identity-based policy allows the iam:${action} action`,
                ),
            );
        }
        const raw = (faults.rawBody ?? []).find(rule => matches(rule, action, params));
        if (raw) return { status: raw.status ?? 200, body: raw.body };
        const handler = actions[action];
        if (!handler) return fail(new IamError(400, "InvalidAction", `Could not find operation ${action} for version 2010-05-08`));
        try {
            return { status: 200, body: successEnvelope(action, handler(params), requestId) };
        } catch (error) {
            if (error instanceof IamError) return fail(error);
            throw error;
        }
    }

    /** Headers at once, then the body a byte at a time spread over `seconds`: a connection that never goes idle. */
    function drip(res: http.ServerResponse, body: Buffer, seconds: number): void {
        res.flushHeaders();
        let sent = 0;
        const started = performance.now();
        res.on("close", () => {
            if (sent < body.length) abandoned.push(performance.now() - started);
        });
        const timer = setInterval(
            () => {
                if (res.destroyed) return clearInterval(timer);
                res.write(body.subarray(sent, sent + 1));
                if (++sent >= body.length) {
                    clearInterval(timer);
                    res.end();
                }
            },
            Math.max(1, (seconds * 1000) / body.length),
        );
        res.on("close", () => clearInterval(timer));
    }

    /** `POST /__local-iam/control` with `{"faults": {…}, "refuseIam": true}`: faults on command from another process. */
    function control(body: string, res: http.ServerResponse): void {
        try {
            const command = JSON.parse(body) as { faults?: FaultsFile; refuseIam?: boolean };
            if (command.faults) setFaults(command.faults);
            const refusing = command.refuseIam === undefined ? Promise.resolve() : refuseIam(command.refuseIam);
            void refusing.then(() => res.writeHead(204).end());
        } catch (error) {
            res.writeHead(400, { "Content-Type": "text/plain" }).end(`bad control command: ${(error as Error).message}`);
        }
    }

    const sockets = new Set<import("node:net").Socket>();
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            if (req.url === "/__local-iam/control") return control(Buffer.concat(chunks).toString("utf8"), res);
            const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
            const action = req.method === "POST" ? (params.get("Action") ?? "") : "";
            calls.set(action, (calls.get(action) ?? 0) + 1);
            // SigV4: `Credential=<access key ID>/<date>/<region>/<service>/aws4_request`.
            const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? "")?.[1];
            const caller = { accessKeyId, roleArn: accessKeyId ? sessions.get(accessKeyId) : undefined };
            if (signers.length < 10_000) signers.push({ action, ...caller });
            const result = action
                ? answer(action, params, caller)
                : { status: 400, body: errorEnvelope("Sender", "MissingAction", "Missing Action", randomUUID()) };
            if (!result) return; // hang: keep the socket open, answer nothing
            local.afterAnswer?.(action, params);
            const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(result.body)?.[1] ?? randomUUID();
            const slow = (faults.slowBody ?? []).find(rule => matches(rule, action, params));
            const send = () => {
                res.writeHead(result.status, {
                    "x-amzn-RequestId": requestId,
                    "Content-Type": "text/xml",
                    "Content-Length": Buffer.byteLength(result.body),
                });
                if (slow) drip(res, Buffer.from(result.body), slow.seconds);
                else res.end(result.body);
            };
            if (faults.latencyMs) setTimeout(send, faults.latencyMs);
            else send();
        });
    };
    const server = http.createServer(handle);
    server.on("connection", socket => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    const listen = (on: http.Server, port: number) =>
        new Promise<void>((resolve, reject) => {
            on.once("error", reject);
            on.listen(port, options.host ?? "127.0.0.1", () => resolve());
        });
    await listen(server, options.port ?? 0);
    const address = server.address() as AddressInfo;

    // IAM alone, on a port of its own that can refuse connections.
    const iamSockets = new Set<import("node:net").Socket>();
    let iamServer = http.createServer(handle);
    const track = (on: http.Server) =>
        on.on("connection", socket => {
            iamSockets.add(socket);
            socket.on("close", () => iamSockets.delete(socket));
        });
    track(iamServer);
    await listen(iamServer, 0);
    const iamPort = (iamServer.address() as AddressInfo).port;
    let refusing = false;
    async function refuseIam(refuse: boolean): Promise<void> {
        if (refuse === refusing) return;
        refusing = refuse;
        if (refuse) {
            const closed = new Promise<void>(resolve => iamServer.close(() => resolve()));
            for (const socket of iamSockets) socket.destroy();
            await closed;
        } else {
            iamServer = track(http.createServer(handle));
            await listen(iamServer, iamPort);
        }
    }

    const local: LocalIam = {
        url: `http://${address.address}:${address.port}`,
        calls,
        totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
        throttled: () => throttledByBucket,
        abandoned: () => [...abandoned],
        signers,
        resetCalls: () => {
            calls.clear();
            throttledByBucket = 0;
        },
        setFaults,
        iamUrl: `http://${address.address}:${iamPort}`,
        refuseIam,
        users: primaryUsers,
        load,
        close: async () => {
            await refuseIam(true);
            await new Promise<void>(resolve => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            });
        },
    };
    return local;
}
