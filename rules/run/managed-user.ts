// Which IAM user a resource is: the user name from the inputs (or state) of the resource types the pack judges,
// its tags, and its ARN when the resource's state holds one. Every value is read guarded: one unknown during
// preview hides nothing else. Pure, but for `namedUserOf`, which tells the SDK a policy does not apply yet.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { parseUserArn, UserArn } from "../model/arn";
import { isUnknownValue, readKnown, UNKNOWN } from "../lib/unknown";

/** The resource types the pack judges, and the property that holds the user's name. */
export const USER_TYPES: Record<string, string> = {
    "aws:iam/user:User": "name",
    "aws-native:iam:User": "userName",
};

export type ManagedUser =
    | { kind: "user"; userName: string; tags: Record<string, string>; unknownTags: "all" | string[]; arn?: UserArn }
    | { kind: "not-a-user" }
    /** The name cannot be known during preview: the pack can say nothing yet. */
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
        const arn = readKnown(() => parseUserArn(resource.props.arn));
        return { kind: "user", userName, ...knownTagsOf(resource.props), arn: arn === UNKNOWN ? undefined : arn };
    } catch (error) {
        if (isUnknownValue(error)) return { kind: "unknown", detail: error.message };
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
            : raw && typeof raw === "object"
              ? Object.keys(raw).map(key => [key, () => (raw as Record<string, unknown>)[key]])
              : [];
        for (const [key, read] of entries) {
            if (typeof key !== "string") continue;
            const value = readKnown(read);
            if (value === UNKNOWN) unknown.push(key);
            else if (typeof value === "string") tags[key] = value;
        }
    } catch (error) {
        if (isUnknownValue(error)) return { tags, unknownTags: "all" };
        throw error;
    }
    return { tags, unknownTags: unknown };
}

/** A resource that is an IAM user with a known name. */
export type NamedUser = Extract<ManagedUser, { kind: "user" }>;

/** The IAM user a resource is, or undefined when it is not one; the policy is "not applicable" while its name is unknown. */
export function namedUserOf(args: ResourceValidationArgs): NamedUser | undefined {
    const user = managedUserOf(args);
    if (user.kind === "not-a-user") return undefined;
    if (user.kind === "unknown") args.notApplicable(`the IAM user's name is not known yet (${user.detail})`);
    return user.kind === "user" ? user : undefined;
}
