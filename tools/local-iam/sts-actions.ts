// STS's actions as the local endpoint answers them: AssumeRole (roles, their trust and external IDs) and
// GetCallerIdentity (a role session is in its role's account; a base key is whoever the account file says).
import { randomUUID } from "node:crypto";
import { AccountFile, RoleFile } from "./account-file";
import { IamError } from "./iam-error";
import { leaf, node, XmlNode } from "./xml";

/** Who signed a request: the access key ID and, for an assumed-role session, the role. */
export interface Caller {
    accessKeyId?: string;
    roleArn?: string;
}

/** What STS knows: the roles, whose base key is whose, the sessions it handed out. */
export interface StsState {
    accountId: string;
    roles: RoleFile[];
    identities: NonNullable<AccountFile["identities"]>;
    /** Temporary access key ID → role ARN. */
    sessions: Map<string, string>;
    /** Temporary access key ID → role session name. */
    sessionNames: Map<string, string>;
    now: () => Date;
}

export type StsAction = (sts: StsState, params: URLSearchParams, caller: Caller) => XmlNode[];

export const STS_ACTIONS: Record<string, StsAction> = {
    AssumeRole: (s, p, caller) => {
        const role = s.roles.find(r => r.roleArn === p.get("RoleArn"));
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
        s.sessions.set(accessKeyId, role.roleArn);
        const seconds = Number(p.get("DurationSeconds") ?? 3600);
        const session = p.get("RoleSessionName") ?? "session";
        s.sessionNames.set(accessKeyId, session);
        return [
            node("Credentials", [
                leaf("AccessKeyId", accessKeyId),
                leaf("SecretAccessKey", randomUUID()),
                leaf("SessionToken", Buffer.from(randomUUID()).toString("base64")),
                leaf("Expiration", new Date(s.now().getTime() + seconds * 1000)),
            ]),
            node("AssumedRoleUser", [
                leaf("AssumedRoleId", `AROA${accessKeyId.slice(4)}:${session}`),
                leaf("Arn", role.roleArn.replace(":role/", ":assumed-role/").replace(/^arn:aws:iam:/, "arn:aws:sts:") + `/${session}`),
            ]),
        ];
    },
    GetCallerIdentity: (s, _, caller) => {
        // As real STS: a role session is in its role's account, as an assumed-role ARN; a base key is
        // whoever the account file says it is, else a user of this account.
        if (caller.roleArn) {
            const [, partition, account, roleName] = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(caller.roleArn) ?? [];
            const session = s.sessionNames.get(caller.accessKeyId ?? "") ?? "session";
            return [
                leaf("UserId", `AROA${(caller.accessKeyId ?? "").slice(4)}:${session}`),
                leaf("Account", account),
                leaf("Arn", `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`),
            ];
        }
        const known = s.identities.find(i => i.accessKeyId === caller.accessKeyId);
        const account = known?.accountId ?? s.accountId;
        return [
            leaf("UserId", `AIDA${(caller.accessKeyId ?? "ANONYMOUS").slice(4)}`),
            leaf("Account", account),
            leaf("Arn", `arn:aws:iam::${account}:user/${known?.userName ?? "policy-pack"}`),
        ];
    },
};
