// IAM's actions as the local endpoint answers them: one handler per action, over the account a request is served
// from. Reads as real IAM answers them (pagination, its errors); writes for the stand-in providers that deploy here.
import { randomUUID } from "node:crypto";
import { FaultsFile, resolveUser, UserState } from "./account-file";
import { credentialReportCsv } from "./credential-report-csv";
import { IamError, noSuchUser, validationError } from "./iam-error";
import { leaf, list, node, XmlNode } from "./xml";

const REPORT_LIFETIME_MS = 4 * 3600_000;

/** A credential report: generated (or given) at a time, complete after its generation time, its rows as of then. */
export interface Report {
    generated: Date;
    completeAt: Date;
    csv?: string;
    /** GeneratedTime as the answer sends it; null for none. */
    generatedTime?: string | null;
    users: () => UserState[];
}

/** The account a request is served from, with the endpoint's clock and the faults in force. */
export interface ServedAccount {
    accountId: string;
    users: Map<string, UserState>;
    report?: Report;
    reportGenerationMs: number;
    now: () => Date;
    faults: () => FaultsFile;
}

export type IamAction = (account: ServedAccount, params: URLSearchParams) => XmlNode[];

function userOf(a: ServedAccount, params: URLSearchParams): UserState {
    const name = params.get("UserName") ?? "";
    const user = a.users.get(name);
    if (!user) throw noSuchUser(name);
    return user;
}

function page<T>(a: ServedAccount, items: T[], params: URLSearchParams): { items: T[]; truncated: boolean; marker?: string } {
    const faults = a.faults();
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

const userXml = (a: ServedAccount, u: UserState, withTags: boolean): XmlNode[] => [
    leaf("Path", u.path),
    leaf("UserName", u.userName),
    leaf("UserId", u.userId),
    leaf("Arn", `arn:aws:iam::${a.accountId}:user${u.path}${u.userName}`),
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

/** The user holding a key in the account, if any. */
export function keyOwner(a: ServedAccount, accessKeyId: string): { user: UserState; key: UserState["accessKeys"][number] } | undefined {
    for (const user of a.users.values()) {
        const key = user.accessKeys.find(k => k.accessKeyId === accessKeyId);
        if (key) return { user, key };
    }
    return undefined;
}

function findKey(a: ServedAccount, accessKeyId: string): { user: UserState; key: UserState["accessKeys"][number] } {
    const owner = keyOwner(a, accessKeyId);
    if (!owner) throw new IamError(404, "NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`);
    return owner;
}

export const IAM_ACTIONS: Record<string, IamAction> = {
    ListUsers: (a, p) => {
        const all = [...a.users.values()].sort((x, y) => (x.userName.toLowerCase() < y.userName.toLowerCase() ? -1 : 1));
        return paged(
            "Users",
            page(
                a,
                all.map(u => userXml(a, u, false)),
                p,
            ),
        );
    },
    GetUser: (a, p) => [node("User", userXml(a, userOf(a, p), true))],
    ListUserTags: (a, p) =>
        paged(
            "Tags",
            page(
                a,
                userOf(a, p).tags.map(t => [leaf("Key", t.key), leaf("Value", t.value)]),
                p,
            ),
        ),
    GetLoginProfile: (a, p) => {
        const user = userOf(a, p);
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
    CreateUser: (a, p) => {
        const name = p.get("UserName") ?? "";
        if (!/^[\w+=,.@-]{1,64}$/.test(name))
            throw validationError(
                `Value '${name}' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
            );
        if ([...a.users.keys()].some(n => n.toLowerCase() === name.toLowerCase()))
            throw new IamError(409, "EntityAlreadyExists", `User with name ${name} already exists.`);
        const at = new Date(Math.floor(a.now().getTime() / 1000) * 1000);
        const user = resolveUser(
            { userName: name, path: p.get("Path") ?? "/", created: at.toISOString(), tags: Object.fromEntries(tagsOf(p)) },
            at,
        );
        a.users.set(name, user);
        return [node("User", userXml(a, user, true))];
    },
    DeleteUser: (a, p) => {
        const user = userOf(a, p);
        if (user.accessKeys.length || user.loginProfile)
            throw new IamError(409, "DeleteConflict", "Cannot delete entity, must delete access keys and login profile first.");
        a.users.delete(user.userName);
        return [];
    },
    TagUser: (a, p) => {
        const user = userOf(a, p);
        for (const [key, value] of tagsOf(p)) {
            const tag = user.tags.find(t => t.key === key);
            if (tag) tag.value = value;
            else user.tags.push({ key, value });
        }
        if (user.tags.length > 50) throw new IamError(409, "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50");
        return [];
    },
    UntagUser: (a, p) => {
        const user = userOf(a, p);
        const keys = new Set(listParam(p, "TagKeys"));
        user.tags = user.tags.filter(t => !keys.has(t.key));
        return [];
    },
    CreateAccessKey: (a, p) => {
        const user = userOf(a, p);
        if (user.accessKeys.length >= 2) throw new IamError(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
        const created = new Date(Math.floor(a.now().getTime() / 1000) * 1000);
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
    DeleteAccessKey: (a, p) => {
        const { user, key } = findKey(a, p.get("AccessKeyId") ?? "");
        if (p.get("UserName") && p.get("UserName") !== user.userName) throw noSuchUser(p.get("UserName")!);
        user.accessKeys = user.accessKeys.filter(k => k !== key);
        return [];
    },
    CreateLoginProfile: (a, p) => {
        const user = userOf(a, p);
        if (user.loginProfile) throw new IamError(409, "EntityAlreadyExists", `Login Profile for user ${user.userName} already exists.`);
        if ((p.get("Password") ?? "").length < 6)
            throw new IamError(400, "PasswordPolicyViolation", "Password should have a minimum length of 6");
        const created = new Date(Math.floor(a.now().getTime() / 1000) * 1000);
        user.loginProfile = { created, passwordResetRequired: p.get("PasswordResetRequired") === "true" };
        return [
            node("LoginProfile", [
                leaf("UserName", user.userName),
                leaf("CreateDate", created),
                leaf("PasswordResetRequired", user.loginProfile.passwordResetRequired),
            ]),
        ];
    },
    DeleteLoginProfile: (a, p) => {
        const user = userOf(a, p);
        if (!user.loginProfile) throw new IamError(404, "NoSuchEntity", `Login Profile for User ${user.userName} cannot be found.`);
        user.loginProfile = undefined;
        return [];
    },
    ListAccessKeys: (a, p) => {
        const user = userOf(a, p);
        return paged(
            "AccessKeyMetadata",
            page(
                a,
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
    GetAccessKeyLastUsed: (a, p) => {
        // Real IAM answers a key that does not exist (deleted meanwhile) with AccessDenied, not NoSuchEntity.
        const owner = keyOwner(a, p.get("AccessKeyId") ?? "");
        if (!owner) {
            throw new IamError(
                403,
                "AccessDenied",
                `User: arn:aws:iam::${a.accountId}:user/policy-pack is not authorized to perform: iam:GetAccessKeyLastUsed ` +
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
    UpdateAccessKey: (a, p) => {
        const status = p.get("Status");
        if (status !== "Active" && status !== "Inactive") {
            throw new IamError(
                400,
                "ValidationError",
                `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: ` +
                    "Member must satisfy enum value set: [Active, Inactive]",
            );
        }
        const { user, key } = findKey(a, p.get("AccessKeyId") ?? "");
        if (p.get("UserName") && p.get("UserName") !== user.userName) throw noSuchUser(p.get("UserName")!);
        key.status = status;
        return [];
    },
    GenerateCredentialReport: a => {
        const at = a.now();
        if (a.report && at.getTime() < a.report.completeAt.getTime()) {
            return [leaf("State", "INPROGRESS"), leaf("Description", "Report generation in progress")];
        }
        if (a.report && at.getTime() - a.report.generated.getTime() < REPORT_LIFETIME_MS) {
            return [leaf("State", "COMPLETE")];
        }
        const snapshot = [...a.users.values()].map(u => structuredClone(u));
        const existed = a.report !== undefined;
        a.report = { generated: at, completeAt: new Date(at.getTime() + a.reportGenerationMs), users: () => snapshot };
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
    GetCredentialReport: a => {
        const at = a.now();
        if (!a.report) throw new IamError(410, "ReportNotPresent", undefined);
        if (at.getTime() < a.report.completeAt.getTime()) throw new IamError(404, "ReportInProgress", undefined);
        if (at.getTime() - a.report.generated.getTime() >= REPORT_LIFETIME_MS) throw new IamError(410, "ReportExpired", undefined);
        a.report.csv ??= credentialReportCsv(a.report.users(), a.accountId, new Date("2015-01-01T00:00:00Z"));
        const generatedTime = a.report.generatedTime === undefined ? a.report.generated : a.report.generatedTime;
        return [
            leaf("Content", Buffer.from(a.report.csv).toString("base64")),
            leaf("ReportFormat", "text/csv"),
            generatedTime === null ? undefined : leaf("GeneratedTime", generatedTime),
        ].filter((n): n is XmlNode => n !== undefined);
    },
};
