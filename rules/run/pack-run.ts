// rules/run/ owns one pack run: the resource's user, the run's state, what was decided and what went unjudged; policies call into it.
// The state of one pack process, created once from its settings, its environment and a findings sink (index.ts;
// tests create their own) and handed to every policy. Nothing below reads the process's environment.
import type { CredentialKind, Unjudged } from "../model/credentials";
import type { PackSettings } from "../config/settings";
import type { UnusedCredentialConfig } from "../config/policy-config";
import { AccountAccess, Accounts } from "../accounts/accounts";
import { createHash } from "node:crypto";
import { recordedId } from "../kinds/kinds";
import type { FindingRecord, FindingsSink } from "./findings";

export interface PackRunOptions {
    settings: PackSettings;
    /** The environment providers fall back to (the CLI passes its own to the pack). */
    env: NodeJS.ProcessEnv;
    /** Where structured findings go; none for a CLI run. */
    findings?: FindingsSink;
}

/** A credential a policy could not judge, in the account it was to be judged in. */
export interface UnjudgedEntry extends Unjudged {
    policy: string;
    account: string;
    accountId: string | null;
}

/**
 * Everything a run keeps: the accounts (clients, reports, caches), each judging policy's config (the same for every
 * resource of a run), and what the policies share, computed once.
 */
export class PackRun {
    readonly settings: PackSettings;
    readonly env: NodeJS.ProcessEnv;
    readonly accounts: Accounts;
    private readonly findings?: FindingsSink;
    /** What several policies share, by a digest of its key (see `once`). */
    private readonly shared = new Map<string, SharedEntry>();
    private readonly configs = new Map<CredentialKind, UnusedCredentialConfig>();

    constructor(options: PackRunOptions) {
        this.settings = options.settings;
        this.env = options.env;
        this.findings = options.findings;
        this.accounts = new Accounts(options.settings, options.env, notice =>
            this.findings?.reportNotice?.({ kind: "credential-report", ...notice }),
        );
    }

    /** Whether a tool asked for structured findings (a CLI run does not: then nothing extra is read for them). */
    get recording(): boolean {
        return this.findings !== undefined;
    }

    record(record: FindingRecord): void {
        this.findings?.record(record);
    }

    /** Keeps the config a kind's judging policy runs with (its defaults applied): the notice policy warns against it. */
    keepConfig(kind: CredentialKind, config: UnusedCredentialConfig): void {
        this.configs.set(kind, config);
    }

    /** The config of a kind's judging policy, once it has run in this process; undefined while it has not (or is disabled). */
    configOf(kind: CredentialKind): UnusedCredentialConfig | undefined {
        return this.configs.get(kind);
    }

    /**
     * What `make` gives, made once per key and shared by the `askers` asks that the policies make for it: what several
     * policies share is computed once, whichever asks first. After the last ask it is dropped, so a run keeps only what
     * the resources in flight share, not about 2 KB for every resource to its end; asked again after that, it is made
     * again. Once settled, only the value is kept: the promise was made inside the SDK's handling of one resource and
     * would keep that call (its request, its stream, the resource's decoded properties) alive with it, about 30 KB a
     * resource. A failure (a bug: judging never rejects) is shared as it was made.
     */
    once<T>(key: string, askers: number, make: () => Promise<T>): Promise<T> {
        const id = createHash("sha256").update(key).digest("base64");
        let entry = this.shared.get(id);
        if (!entry) {
            const pending = make();
            const made: SharedEntry = { pending, asksLeft: askers };
            pending.then(
                value => {
                    made.settled = { value };
                    made.pending = undefined;
                },
                () => undefined,
            );
            entry = made;
            this.shared.set(id, entry);
        }
        entry.asksLeft -= 1;
        if (entry.asksLeft <= 0) this.shared.delete(id);
        return (entry.settled ? Promise.resolve(entry.settled.value) : entry.pending) as Promise<T>;
    }

    /** How many values are shared now (made and not yet asked for by all their askers). */
    get sharedCount(): number {
        return this.shared.size;
    }

    /**
     * Records credentials a policy could not judge: the one record the unavailable policy reports and `check`
     * counts (its findings line is written here, at the same time).
     */
    recordUnjudged(
        urn: string,
        user: string,
        policy: string,
        access: Pick<AccountAccess, "label"> & { identity?: { accountId: string } },
        credentials: Unjudged[],
    ): UnjudgedEntry[] {
        const accountId = access.identity?.accountId ?? null;
        return credentials.map(credential => {
            const { credential: kind, credentialId, reason } = credential;
            this.record({
                kind: "unjudged",
                policy,
                urn,
                user,
                accountId,
                account: access.label,
                credential: kind,
                ...recordedId(kind, credentialId),
                reason,
            });
            return { ...credential, policy, account: access.label, accountId };
        });
    }
}

/** A shared value: in flight, then settled; and how many asks it still serves. */
interface SharedEntry {
    pending?: Promise<unknown>;
    settled?: { value: unknown };
    asksLeft: number;
}

export function newPackRun(options: PackRunOptions): PackRun {
    return new PackRun(options);
}
