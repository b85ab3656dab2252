// Which IAM user a resource is: the user name from the inputs of the resource types the pack judges.
// The policy SDK throws this when a validation reads a value unknown during preview; its typings omit it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: never[]) => Error };

export const USER_TYPES: Record<string, string> = {
    "aws:iam/user:User": "name",
    "aws-native:iam:User": "userName",
};

/** The account a user's ARN names (audit runs see a user's state, ARN included; previews see only inputs). */
export interface UserArn {
    arn: string;
    partition: string;
    accountId: string;
}

export type ManagedUser =
    | { kind: "user"; userName: string; tags: Record<string, string>; arn?: UserArn }
    | { kind: "not-a-user" }
    /** The name (or tags) cannot be known during preview: the pack can say nothing yet. */
    | { kind: "unknown"; detail: string };

interface ResourceLike {
    type: string;
    props: Record<string, unknown>;
}

/** Reads the props through the policy SDK's unknown-checking proxy without letting an unknown escape. */
export function managedUserOf(resource: ResourceLike): ManagedUser {
    const nameKey = USER_TYPES[resource.type];
    if (!nameKey) return { kind: "not-a-user" };
    try {
        const userName = resource.props[nameKey];
        if (typeof userName !== "string" || userName === "") {
            return { kind: "unknown", detail: `the user has no known \`${nameKey}\`` };
        }
        return { kind: "user", userName, tags: knownTagsOf(resource.props), arn: knownArnOf(resource.props) };
    } catch (error) {
        if (error instanceof UnknownValueError) return { kind: "unknown", detail: error.message };
        throw error;
    }
}

const USER_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):user\/\S+$/;

/** The user's ARN when its state holds one; unknown during preview (a user not created yet) or absent: none. */
function knownArnOf(props: Record<string, unknown>): UserArn | undefined {
    try {
        const match = typeof props.arn === "string" ? USER_ARN.exec(props.arn) : null;
        return match ? { arn: match[0], partition: match[1], accountId: match[2] } : undefined;
    } catch (error) {
        if (error instanceof UnknownValueError) return undefined;
        throw error;
    }
}

/** Tags that cannot be known during preview count as no tags: they can only ever grant an exemption. */
function knownTagsOf(props: Record<string, unknown>): Record<string, string> {
    try {
        return tagsOf(props.tags);
    } catch (error) {
        if (error instanceof UnknownValueError) return {};
        throw error;
    }
}

/** aws: `{key: value}`; aws-native: `[{key, value}]`. Unknown entries are skipped. */
function tagsOf(tags: unknown): Record<string, string> {
    const result: Record<string, string> = {};
    if (Array.isArray(tags)) {
        for (const tag of tags as unknown[]) {
            const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
            if (typeof key === "string" && typeof value === "string") result[key] = value;
        }
    } else if (tags && typeof tags === "object") {
        for (const key of Object.keys(tags)) {
            const value = (tags as Record<string, unknown>)[key];
            if (typeof value === "string") result[key] = value;
        }
    }
    return result;
}
