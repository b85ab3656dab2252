// ARNs: the one parser of the pack. An IAM user's ARN names its account; so do a role's and a caller's. Pure.

export interface Arn {
    partition: string;
    service: string;
    accountId: string;
    /** What follows the account: `user/path/name`, `role/name`, `assumed-role/role/session`. */
    resource: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):[a-z0-9-]*:(\d{12}):(\S+)$/;

/** The parts of an ARN, or undefined when the text is not an ARN with a 12-digit account. */
export function parseArn(text: unknown): Arn | undefined {
    if (typeof text !== "string") return undefined;
    const match = ARN.exec(text);
    return match ? { partition: match[1], service: match[2], accountId: match[3], resource: match[4] } : undefined;
}

/** The account a user's ARN names (audit runs and stack exports see a user's state, ARN included). */
export interface UserArn {
    arn: string;
    partition: string;
    accountId: string;
    /** The user's name: the last segment of its path. */
    userName: string;
}

/** An IAM user's ARN (`arn:aws:iam::111122223333:user/path/name`), or undefined. */
export function parseUserArn(text: unknown): UserArn | undefined {
    const arn = parseArn(text);
    if (!arn || arn.service !== "iam" || !arn.resource.startsWith("user/")) return undefined;
    return { arn: text as string, partition: arn.partition, accountId: arn.accountId, userName: arn.resource.split("/").pop()! };
}

/** A role's ARN (`arn:aws:iam::111122223333:role/path/name`): its account, or undefined. */
export function roleAccountOf(text: unknown): string | undefined {
    const arn = parseArn(text);
    return arn && arn.service === "iam" && /^role\/[\w+=,.@/-]+$/.test(arn.resource) ? arn.accountId : undefined;
}

/** The account of an IAM or STS ARN (a role, a user, an assumed-role session), or undefined. */
export function accountOfArn(text: unknown): string | undefined {
    const arn = parseArn(text);
    return arn && (arn.service === "iam" || arn.service === "sts") ? arn.accountId : undefined;
}
