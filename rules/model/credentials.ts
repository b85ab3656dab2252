// rules/model/ is the vocabulary every other folder shares: credential kinds, what is asked of a user, the facts
// IAM gives, a user's ARN, what went unjudged, and the limits messages quote. It imports nothing from rules/.
// Pure: types and constants.

export const MS_PER_DAY = 86_400_000;

/** A credential is one console password (an IAM login profile) or one access key. */
export type CredentialKind = "password" | "access-key";
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ["password", "access-key"];

/** What a caller will judge of a user: each kind it asks about, with that kind's threshold in days. */
export type Thresholds = Partial<Record<CredentialKind, number>>;

/** The kinds asked about, in the pack's order (password first). */
export function kindsOf(thresholds: Thresholds): CredentialKind[] {
    return CREDENTIAL_KINDS.filter(kind => thresholds[kind] !== undefined);
}

/** Where and when a credential was last used, as IAM records it. */
export interface LastUse {
    date: Date;
    /** Access keys only: the AWS service and region of the last request, when IAM knows them. */
    serviceName?: string;
    region?: string;
}

export interface AccessKeyFacts {
    accessKeyId: string;
    status: "Active" | "Inactive";
    createDate: Date;
    lastUsed?: LastUse;
}

/** Why something could not be read or trusted: a sentence a person can act on, and what IAM said. */
export interface Failure {
    reason: string;
    /** The IAM error code, a transport code such as ECONNREFUSED, or the pack's own (UntrustedAnswer, Timeout…). */
    errorCode?: string;
    /** For AccessDenied: the action the pack's identity may not call, e.g. `iam:GetLoginProfile`. */
    missingAction?: string;
    /** Throttling past the retries, a timeout, a 5xx or a network error: worth one more read later in the run. */
    transient?: boolean;
}

/**
 * A credential that was not judged, and why: one credential of its kind (by ID: an access key's); or, without an ID,
 * every credential of the kind (the password; the keys, when their listing could not be read or trusted).
 */
export interface Unjudged extends Failure {
    credential: CredentialKind;
    credentialId?: string;
}

/** Whether a doubt is about a credential: the one it names, or, naming none, every credential of its kind. */
export function doubtCovers(doubt: Unjudged, kind: CredentialKind, credentialId: string | undefined): boolean {
    return doubt.credential === kind && (doubt.credentialId === undefined || doubt.credentialId === credentialId);
}

/** Everything IAM said about one user's passwords and keys, with what it said that cannot be trusted. */
export interface CredentialFacts {
    userName: string;
    /** Absent when the user has no login profile (GetLoginProfile → NoSuchEntity): no password. */
    loginProfile?: { createDate: Date };
    /** GetUser's PasswordLastUsed; may outlive a deleted login profile. */
    passwordLastUsed?: Date;
    /** The keys whose facts can be trusted; a doubtful key is in `doubts` instead. */
    accessKeys: AccessKeyFacts[];
    /** Which kinds were read (a confirmation reads only what is judged). */
    read: Record<CredentialKind, boolean>;
    /** Credentials whose facts could not be read or trusted: each is unknown, and only it. */
    doubts: Unjudged[];
}
