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
    | { kind: "user"; userName: string; tags: Record<string, string>; unknownTags: "all" | string[]; arn?: UserArn }
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
        return { kind: "user", userName, ...knownTagsOf(resource.props), arn: knownArnOf(resource.props) };
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

/**
 * The tags that can be read, and which cannot be known during preview: "all" when the whole map (or a key) is
 * unknown, else the keys whose values are. An unknown tag may hold an exemption: never read as "no tag".
 */
function knownTagsOf(props: Record<string, unknown>): { tags: Record<string, string>; unknownTags: "all" | string[] } {
    const tags: Record<string, string> = {};
    const unknown: string[] = [];
    try {
        const raw = props.tags;
        // aws: {key: value}; aws-native: [{key, value}]. Each value is read on its own: one unknown hides no other tag.
        const entries: [unknown, () => unknown][] = Array.isArray(raw)
            ? (raw as unknown[]).map(tag => [(tag as { key?: unknown } | null)?.key, () => (tag as { value?: unknown }).value])
            : raw && typeof raw === "object" ? Object.keys(raw).map(key => [key, () => (raw as Record<string, unknown>)[key]]) : [];
        for (const [key, read] of entries) {
            if (typeof key !== "string") continue;
            const value = readGuarded(read);
            if (value === UNKNOWN) unknown.push(key);
            else if (typeof value === "string") tags[key] = value;
        }
    } catch (error) {
        if (error instanceof UnknownValueError) return { tags, unknownTags: "all" };
        throw error;
    }
    return { tags, unknownTags: unknown };
}

const UNKNOWN = Symbol("unknown");

function readGuarded(read: () => unknown): unknown {
    try {
        return read();
    } catch (error) {
        if (error instanceof UnknownValueError) return UNKNOWN;
        throw error;
    }
}
