// What a kind of credential is, as one interface: everything the pack knows of a console password or of an access
// key is in that kind's module (rules/kinds/password.ts, rules/kinds/access-key.ts), and the readers, the verdict,
// the messages, the findings, the fixes and `check` loop over the kinds (rules/kinds/kinds.ts). Adding a kind is a
// module here, its entry in the registry, its word in rules/model/credentials.ts and its policy file.
import type { EnforcementLevel, PolicyConfigSchema, Severity } from "@pulumi/policy";
import type { CredentialFacts, CredentialKind, Unjudged } from "../model/credentials";
import type { CredentialReport, ReportRow } from "../iam/credential-report";
import type { IamRequester } from "../iam/iam-requester";
import type { Read } from "../iam/read-steps";
import type { Assessment, UsableCredential } from "../verdict/verdict";
import type { CredentialName, FixText } from "../verdict/message";

/** What reading one kind of one user gave: its part of the facts, or proof that IAM has no such user. */
export type KindRead = { status: "no-such-user" } | { status: "read"; facts: Partial<CredentialFacts>; doubts: Unjudged[] };

/**
 * The policy that judges a kind (rules/run/judging-policy.ts makes it): its name, what the Policy Findings pages
 * show of it, and its config schema. The kind's file is the policy's file.
 */
export interface KindPolicy {
    name: string;
    /** Its level when the config does not set one, and how severe a violation is. */
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    displayName: string;
    description: string;
    remediationSteps: string;
    configSchema: PolicyConfigSchema;
}

/** How a violation is fixed: in code (by resource type), out of band, and how the out-of-band fix is undone. */
export interface KindFix {
    /** The audit log's name of the out-of-band action. */
    action: string;
    /** The verb of the audit log's lines: `deactivate`, `delete`. */
    verb: string;
    /** Whether `check --deactivate` acts on it unasked (keys: deactivating is undone in one call), or only when asked. */
    byDefault: boolean;
    /** Why it was left alone when not asked for. */
    askFor?: string;
    /** The out-of-band command a message prints. */
    command(userName: string, credentialId: string): string;
    /** The command that undoes it. */
    undo(userName: string, credentialId: string): string;
    /** Acts in IAM through the account's requester (its caps and deadline). */
    apply(iam: IamRequester, userName: string, credentialId: string): Promise<void>;
    /** The change in code for a credential managed by `ownerUrn` (the user's own URN when the user resource holds it). */
    inCode(owner: { urn: string; isUser: boolean; name: string }, retiring: string): string;
}

/** A resource of a stack export, as `check` reads it to find who manages a credential. */
export interface StackResource {
    type: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    props: Record<string, unknown>;
}

/** One kind of credential. `Scope` is what a live read of it may skip (a report's proof). */
export interface CredentialKindModule<K extends CredentialKind = CredentialKind, Scope extends object = object> {
    kind: K;
    /**
     * How messages name a credential of the kind: `console password`, `access key AKIA…`; without an ID, all of them
     * (for a kind a user holds one of, with or without its ID, that one).
     */
    nameOf(credentialId?: string): CredentialName;
    /** How a violation names it: `console password`, `active access key AKIA…`. */
    violationName(credentialId: string): string;
    /** The IAM actions its reads call. */
    iamActions: readonly string[];
    policy: KindPolicy;
    /** The ID of the kind's one credential, for a kind a user holds at most one of (`password`). */
    soleId?: string;
    /** The field of a findings record that also holds its ID, for readers of the record format before `credentialId`. */
    idField?: "accessKeyId";

    /** Reads this kind's facts of one user from the live per-user APIs. */
    read(read: Read, scope: Scope): Promise<KindRead>;
    /** A cache key: two scopes with the same key read the same requests. */
    scopeKey(scope: Scope): string;
    /** What the live read may skip, from the report's row screened at `days`. */
    scopeFromReport(row: ReportRow | undefined, days: number | undefined, now: Date): Scope;
    /** Whether the report proves every credential of this kind of the row fresh at `days` (then no live call is needed). */
    provenFreshByReport(row: ReportRow, report: CredentialReport, days: number, now: Date): boolean;

    /** The credentials of the kind the verdict judges: those that can be used. */
    usable(facts: CredentialFacts): UsableCredential[];
    /** Why a user has nothing of this kind to judge. */
    noneReason(facts: CredentialFacts): string;
    /** Why a credential is no longer among the usable ones in fresh facts (for a fix's re-read). */
    goneReason(facts: CredentialFacts, credentialId: string): string;

    /** Its last use as a message says it. */
    lastUseText(finding: Assessment): string;
    /** A violation's fix, as its message says it, for a user of the resource type given. */
    fixText(finding: Assessment, resourceType: string | undefined): FixText;
    fix: KindFix;
    /**
     * What a resource of a stack manages of this kind, as the key `ownerKey` gives a finding of it; undefined when it
     * manages none. `props` are the inputs with secrets hidden: `known` tells a readable string from a hidden one.
     */
    managedKey(resource: StackResource, known: (value: unknown) => value is string): string | undefined;
    /** The key of the resource that would manage a finding's credential. */
    ownerKey(finding: { user: string; credentialId: string }): string;
}
