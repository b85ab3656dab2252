// The local IAM endpoint's state, read from a JSON account file whose dates are relative to now
// (`{"daysAgo": 120}`) so that fixtures never rot.

/** A moment: days/hours/minutes before now (added together), or an absolute ISO 8601 string. */
export type When = string | { daysAgo?: number; hoursAgo?: number; minutesAgo?: number };

export interface AccessKeyFile {
    accessKeyId: string;
    status?: "Active" | "Inactive";
    created: When;
    /** Absent or null: never used. `service`/`region` absent → IAM's "N/A". */
    lastUsed?: (Exclude<When, string> & { service?: string; region?: string }) | { at: string; service?: string; region?: string } | null;
}

export interface UserFile {
    userName: string;
    path?: string;
    created?: When;
    tags?: Record<string, string>;
    loginProfile?: { created: When; passwordResetRequired?: boolean } | null;
    passwordLastUsed?: When | null;
    accessKeys?: AccessKeyFile[];
}

export interface FaultsFile {
    /** AccessDenied for a user, an action, or both (absent = any). */
    accessDenied?: { action?: string; userName?: string }[];
    /** The next `count` matching requests fail with a retryable error. */
    transient?: { code: "Throttling" | "ServiceFailure" | "LimitExceeded"; count: number; action?: string }[];
    /** Matching requests never get an answer: the connection is accepted and stays silent. */
    hang?: { action?: string; userName?: string }[];
    /** Matching answers send their headers at once and then their body a byte at a time over `seconds`. */
    slowBody?: { action?: string; userName?: string; seconds: number }[];
    /** Added to every answer. */
    latencyMs?: number;
    /** Token bucket: requests per second and burst size; beyond it IAM answers Throttling. */
    ratePerSecond?: number;
    burst?: number;
    /** Largest page a List* call returns, even when MaxItems asks for more (IAM's short truncated pages). */
    maxPageSize?: number;
    /** Broken pagination on truncated List* pages: no Marker at all, or the same Marker (and page) every time. */
    marker?: "missing" | "repeat";
    /** Matching requests get this body as it is (a proxy's HTML page, an answer missing an element…). */
    rawBody?: { action?: string; userName?: string; status?: number; body: string }[];
}

export interface RoleFile {
    roleArn: string;
    /** Access key IDs allowed to assume it (a base key, or another role's session); absent = anyone. */
    trustedAccessKeyIds?: string[];
    /** Roles whose sessions may assume it, by ARN. */
    trustedRoleArns?: string[];
    externalId?: string;
}

export interface AccountFile {
    accountId?: string;
    users: UserFile[];
    /** Roles served by the endpoint's STS AssumeRole. */
    roles?: RoleFile[];
    /**
     * Who STS GetCallerIdentity says each base access key is (another account's keys, as a real STS would
     * tell); keys not listed belong to this account. Role sessions are always in their role's account.
     */
    identities?: { accessKeyId: string; accountId: string; userName?: string }[];
    /**
     * Further accounts behind the same endpoint, as real IAM serves every account at one address: a request
     * is served from the account of the identity that signed it (a role session: its role's account; a base
     * key: `identities`; anything else: this file's account).
     */
    otherAccounts?: { accountId: string; users: UserFile[]; credentialReport?: { generatedHoursAgo: number } }[];
    /** When set, IAM requests signed with any other access key (or a role session not listed) are AccessDenied. */
    allowedCallers?: { accessKeyIds?: string[]; roleArns?: string[] };
    /**
     * A report already generated `generatedHoursAgo` hours ago. `users` pins it to an older snapshot of the
     * account (same shape as the live users); absent, it shows the live state.
     */
    credentialReport?: {
        generatedHoursAgo: number;
        users?: UserFile[];
        /** The report's CSV exactly as given (a recorded real report, a BOM, CRLF, a cut-short row…). */
        csv?: string;
        /** GeneratedTime as sent, overriding generatedHoursAgo in the answer; null leaves the element out. */
        generatedTime?: string | null;
    };
    /** How long GenerateCredentialReport takes before the report is COMPLETE. */
    reportGenerationMs?: number;
    faults?: FaultsFile;
}

// ---- resolved state -------------------------------------------------------------------------

export interface AccessKeyState {
    accessKeyId: string;
    status: "Active" | "Inactive";
    created: Date;
    lastUsed?: { date: Date; service?: string; region?: string };
}

export interface UserState {
    userName: string;
    path: string;
    userId: string;
    created: Date;
    tags: { key: string; value: string }[];
    loginProfile?: { created: Date; passwordResetRequired: boolean };
    passwordLastUsed?: Date;
    accessKeys: AccessKeyState[];
}

export function resolveWhen(when: When, now: Date): Date {
    if (typeof when === "string") {
        const date = new Date(when);
        if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${when}`);
        return date;
    }
    const ms = ((when.daysAgo ?? 0) * 24 * 60 + (when.hoursAgo ?? 0) * 60 + (when.minutesAgo ?? 0)) * 60_000;
    // IAM answers in whole seconds.
    return new Date(Math.floor((now.getTime() - ms) / 1000) * 1000);
}

function userIdOf(userName: string): string {
    let hash = 0;
    for (const ch of userName) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return `AIDA${hash.toString(36).toUpperCase().padStart(17, "X")}`.slice(0, 21);
}

export function resolveUser(user: UserFile, now: Date): UserState {
    const lastUsedOf = (key: AccessKeyFile): AccessKeyState["lastUsed"] => {
        if (!key.lastUsed) return undefined;
        const { service, region } = key.lastUsed;
        const date = "at" in key.lastUsed ? resolveWhen(key.lastUsed.at, now) : resolveWhen(key.lastUsed, now);
        // Key use is recorded in whole minutes.
        return { date: new Date(Math.floor(date.getTime() / 60_000) * 60_000), service, region };
    };
    return {
        userName: user.userName,
        path: user.path ?? "/",
        userId: userIdOf(user.userName),
        created: resolveWhen(user.created ?? { daysAgo: 1000 }, now),
        tags: Object.entries(user.tags ?? {}).map(([key, value]) => ({ key, value })),
        loginProfile: user.loginProfile
            ? {
                  created: resolveWhen(user.loginProfile.created, now),
                  passwordResetRequired: user.loginProfile.passwordResetRequired ?? false,
              }
            : undefined,
        passwordLastUsed: user.passwordLastUsed ? resolveWhen(user.passwordLastUsed, now) : undefined,
        accessKeys: (user.accessKeys ?? []).map(key => ({
            accessKeyId: key.accessKeyId,
            status: key.status ?? "Active",
            created: resolveWhen(key.created, now),
            lastUsed: lastUsedOf(key),
        })),
    };
}

/** Checks what IAM itself would refuse, so that a fixture cannot describe an impossible account. */
export function validateAccountFile(file: AccountFile): void {
    if (!file || !Array.isArray(file.users)) throw new Error("account file: `users` must be an array");
    const names = new Set<string>();
    const keyIds = new Set<string>();
    for (const user of file.users) {
        if (!/^[\w+=,.@-]{1,64}$/.test(user.userName ?? ""))
            throw new Error(`account file: invalid user name ${JSON.stringify(user.userName)}`);
        if (names.has(user.userName.toLowerCase())) throw new Error(`account file: duplicate user ${user.userName}`);
        names.add(user.userName.toLowerCase());
        if ((user.accessKeys ?? []).length > 2) throw new Error(`account file: ${user.userName} has more than 2 access keys`);
        for (const key of user.accessKeys ?? []) {
            if (!/^AKIA[A-Z0-9]{16}$/.test(key.accessKeyId)) throw new Error(`account file: invalid access key ID ${key.accessKeyId}`);
            if (keyIds.has(key.accessKeyId)) throw new Error(`account file: duplicate access key ${key.accessKeyId}`);
            keyIds.add(key.accessKeyId);
        }
    }
}
