// A local IAM endpoint that speaks IAM's Query protocol as real IAM does (docs/reading-iam.md), so the unmodified
// @aws-sdk/client-iam can talk to it. State comes from an account file; faults are injected on demand; every request is
// counted by action. The answers are tables of action handlers (iam-actions.ts, sts-actions.ts); this file holds the
// state they are served from, the faults and the connections.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { AccountFile, FaultsFile, resolveUser, resolveWhen, UserFile, UserState, validateAccountFile } from "./account-file";
import { IAM_ACTIONS, keyOwner, Report, ServedAccount } from "./iam-actions";
import { IamError } from "./iam-error";
import { Caller, STS_ACTIONS, StsState } from "./sts-actions";
import { errorEnvelope, IAM_XMLNS, STS_XMLNS, successEnvelope } from "./xml";

export interface LocalIamOptions {
    port?: number;
    host?: string;
    /** The clock; tests may move it. */
    now?: () => Date;
}

export interface LocalIam {
    url: string;
    /** Requests received, by action (throttled and failed ones included). */
    calls: Map<string, number>;
    /** Requests refused by the token bucket. */
    throttled(): number;
    /** Slow answers (slowBody) whose connection the client closed before the body was all sent: how long each had dripped, in ms. */
    abandoned(): number[];
    /** Who signed each request: the access key ID and, for an assumed-role session, the role. */
    signers: { action: string; accessKeyId?: string; roleArn?: string }[];
    totalCalls(): number;
    resetCalls(): void;
    /** Replaces the faults in force (an empty object: IAM recovers). */
    setFaults(faults: FaultsFile): void;
    /**
     * The same endpoint on a port of its own, for IAM only (point AWS_ENDPOINT_URL_IAM here and STS at `url`), so
     * that IAM can refuse connections while STS answers.
     */
    iamUrl: string;
    /** Closes (true) or reopens (false) `iamUrl`'s port: connections are refused, or accepted again on the same port. */
    refuseIam(refuse: boolean): Promise<void>;
    /** The live users, to change between requests (a key used between finding and acting). */
    users: Map<string, UserState>;
    /** Replaces the whole account state. */
    load(account: AccountFile): void;
    /** Called after each answer is decided, before it is sent (a key deleted between two requests). */
    afterAnswer?: (action: string, params: URLSearchParams) => void;
    close(): Promise<void>;
}

export async function startLocalIam(account: AccountFile, options: LocalIamOptions = {}): Promise<LocalIam> {
    const now = options.now ?? (() => new Date());
    const calls = new Map<string, number>();
    let faults: FaultsFile = {};
    const faultsInForce = () => faults;
    const primary: ServedAccount = { accountId: "123456789012", users: new Map(), reportGenerationMs: 0, now, faults: faultsInForce };
    /** Other accounts served at the same address: each request is answered from the account of the identity that signed it. */
    const otherAccounts = new Map<string, ServedAccount>();
    let transientLeft: { code: string; count: number; action?: string }[] = [];
    let bucket = { tokens: 0, at: 0 };
    let throttledByBucket = 0;
    const abandoned: number[] = [];
    let allowedCallers: AccountFile["allowedCallers"];
    const sts: StsState = { accountId: primary.accountId, roles: [], identities: [], sessions: new Map(), sessionNames: new Map(), now };
    const signers: LocalIam["signers"] = [];

    function load(file: AccountFile): void {
        validateAccountFile(file);
        const at = now();
        primary.users.clear();
        for (const user of file.users) primary.users.set(user.userName, resolveUser(user, at));
        primary.accountId = sts.accountId = file.accountId ?? "123456789012";
        primary.reportGenerationMs = file.reportGenerationMs ?? 0;
        sts.roles = file.roles ?? [];
        sts.identities = file.identities ?? [];
        allowedCallers = file.allowedCallers;
        otherAccounts.clear();
        for (const other of file.otherAccounts ?? []) {
            validateAccountFile({ users: other.users });
            const generated = other.credentialReport && resolveWhen({ hoursAgo: other.credentialReport.generatedHoursAgo }, at);
            const served: ServedAccount = {
                accountId: other.accountId,
                users: new Map(other.users.map(u => [u.userName, resolveUser(u, at)])),
                reportGenerationMs: primary.reportGenerationMs,
                now,
                faults: faultsInForce,
            };
            if (generated) served.report = { generated, completeAt: generated, users: () => [...served.users.values()] };
            otherAccounts.set(other.accountId, served);
        }
        primary.report = undefined;
        if (file.credentialReport) {
            const generated = resolveWhen({ hoursAgo: file.credentialReport.generatedHoursAgo }, at);
            const pinned: UserFile[] | undefined = file.credentialReport.users;
            const snapshot = pinned ? pinned.map(u => resolveUser(u, at)) : undefined;
            const { csv, generatedTime } = file.credentialReport;
            const report: Report = {
                generated,
                completeAt: generated,
                csv,
                generatedTime,
                users: () => snapshot ?? [...primary.users.values()],
            };
            primary.report = report;
        }
        setFaults(file.faults ?? {});
    }

    function setFaults(next: FaultsFile): void {
        faults = next;
        transientLeft = (next.transient ?? []).map(t => ({ ...t }));
        bucket = { tokens: next.burst ?? next.ratePerSecond ?? 0, at: Date.now() };
    }

    load(account);

    function callerAllowed(caller: Caller): boolean {
        if (!allowedCallers) return true;
        if (caller.roleArn) return allowedCallers.roleArns?.includes(caller.roleArn) ?? false;
        return caller.accessKeyId !== undefined && (allowedCallers.accessKeyIds?.includes(caller.accessKeyId) ?? false);
    }

    const userNameOfKey = (served: ServedAccount, params: URLSearchParams): string | undefined => {
        const id = params.get("AccessKeyId");
        return id ? keyOwner(served, id)?.user.userName : undefined;
    };

    const matches = (rule: { action?: string; userName?: string }, action: string, params: URLSearchParams, served = primary) =>
        (!rule.action || rule.action === action) &&
        (!rule.userName || rule.userName === params.get("UserName") || rule.userName === userNameOfKey(served, params));

    function takeToken(): boolean {
        if (!faults.ratePerSecond) return true;
        const t = Date.now();
        const burst = faults.burst ?? faults.ratePerSecond;
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * faults.ratePerSecond);
        bucket.at = t;
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }

    /** The account a request is served from: a role session's role's account, a base key's in `identities`, or this one. */
    function servedFor(caller: Caller): ServedAccount {
        const accountId = caller.roleArn
            ? /^arn:aws[\w-]*:iam::(\d{12}):/.exec(caller.roleArn)?.[1]
            : sts.identities.find(i => i.accessKeyId === caller.accessKeyId)?.accountId;
        return (accountId && otherAccounts.get(accountId)) || primary;
    }

    /** Decides the answer; undefined means "never answer" (a hanging request). */
    function answer(action: string, params: URLSearchParams, caller: Caller): { status: number; body: string } | undefined {
        const requestId = randomUUID();
        const stsAction = STS_ACTIONS[action] as (typeof STS_ACTIONS)[string] | undefined;
        const served = stsAction ? primary : servedFor(caller);
        const xmlns = stsAction ? STS_XMLNS : IAM_XMLNS;
        const fail = (e: IamError) => ({ status: e.status, body: errorEnvelope(e.type, e.code, e.bodyMessage, requestId, xmlns) });
        const run = (handler: () => ReturnType<(typeof IAM_ACTIONS)[string]>) => {
            try {
                return { status: 200, body: successEnvelope(action, handler(), requestId, xmlns) };
            } catch (error) {
                if (error instanceof IamError) return fail(error);
                throw error;
            }
        };
        if (!takeToken()) {
            throttledByBucket++;
            return fail(new IamError(400, "Throttling", "Rate exceeded"));
        }
        if ((faults.hang ?? []).some(rule => matches(rule, action, params, served))) return undefined;
        const transient = transientLeft.find(t => t.count > 0 && (!t.action || t.action === action));
        if (transient) {
            transient.count--;
            if (transient.code === "Throttling") return fail(new IamError(400, "Throttling", "Rate exceeded"));
            if (transient.code === "LimitExceeded") return fail(new IamError(409, "LimitExceeded", "Cannot exceed quota for requests."));
            return fail(
                new IamError(
                    500,
                    "ServiceFailure",
                    "Request processing has failed due to some unknown error, exception or failure.",
                    "Receiver",
                ),
            );
        }
        if (stsAction) return run(() => stsAction(sts, params, caller));
        if (!callerAllowed(caller)) {
            return fail(
                new IamError(
                    403,
                    "AccessDenied",
                    `User: ${caller.roleArn ?? caller.accessKeyId} is not authorized to perform: iam:${action} ` +
                        `because no identity-based policy allows the iam:${action} action`,
                ),
            );
        }
        if ((faults.accessDenied ?? []).some(rule => matches(rule, action, params, served))) {
            const target = params.get("UserName") ?? userNameOfKey(served, params) ?? "*";
            return fail(
                new IamError(
                    403,
                    "AccessDenied",
                    `User: arn:aws:iam::${served.accountId}:user/policy-pack is not authorized to perform: iam:${action} on resource: user ${target} ` +
                        `because no identity-based policy allows the iam:${action} action`,
                ),
            );
        }
        const raw = (faults.rawBody ?? []).find(rule => matches(rule, action, params, served));
        if (raw) return { status: raw.status ?? 200, body: raw.body };
        const handler = IAM_ACTIONS[action] as (typeof IAM_ACTIONS)[string] | undefined;
        if (!handler) return fail(new IamError(400, "InvalidAction", `Could not find operation ${action} for version 2010-05-08`));
        return run(() => handler(served, params));
    }

    /** Headers at once, then the body a byte at a time spread over `seconds`: a connection that never goes idle. */
    function drip(res: http.ServerResponse, body: Buffer, seconds: number): void {
        res.flushHeaders();
        let sent = 0;
        const started = performance.now();
        res.on("close", () => {
            if (sent < body.length) abandoned.push(performance.now() - started);
        });
        const timer = setInterval(
            () => {
                if (res.destroyed) return clearInterval(timer);
                res.write(body.subarray(sent, sent + 1));
                if (++sent >= body.length) {
                    clearInterval(timer);
                    res.end();
                }
            },
            Math.max(1, (seconds * 1000) / body.length),
        );
        res.on("close", () => clearInterval(timer));
    }

    /** `POST /__local-iam/control` with `{"faults": {…}, "refuseIam": true}`: faults on command from another process. */
    function control(body: string, res: http.ServerResponse): void {
        try {
            const command = JSON.parse(body) as { faults?: FaultsFile; refuseIam?: boolean };
            if (command.faults) setFaults(command.faults);
            const refusing = command.refuseIam === undefined ? Promise.resolve() : refuseIam(command.refuseIam);
            void refusing.then(() => res.writeHead(204).end());
        } catch (error) {
            res.writeHead(400, { "Content-Type": "text/plain" }).end(`bad control command: ${(error as Error).message}`);
        }
    }

    const sockets = new Set<import("node:net").Socket>();
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            if (req.url === "/__local-iam/control") return control(Buffer.concat(chunks).toString("utf8"), res);
            const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
            const action = req.method === "POST" ? (params.get("Action") ?? "") : "";
            calls.set(action, (calls.get(action) ?? 0) + 1);
            // SigV4: `Credential=<access key ID>/<date>/<region>/<service>/aws4_request`.
            const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? "")?.[1];
            const caller = { accessKeyId, roleArn: accessKeyId ? sts.sessions.get(accessKeyId) : undefined };
            if (signers.length < 10_000) signers.push({ action, ...caller });
            const result = action
                ? answer(action, params, caller)
                : { status: 400, body: errorEnvelope("Sender", "MissingAction", "Missing Action", randomUUID()) };
            if (!result) return; // hang: keep the socket open, answer nothing
            local.afterAnswer?.(action, params);
            const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(result.body)?.[1] ?? randomUUID();
            const slow = (faults.slowBody ?? []).find(rule => matches(rule, action, params));
            const send = () => {
                res.writeHead(result.status, {
                    "x-amzn-RequestId": requestId,
                    "Content-Type": "text/xml",
                    "Content-Length": Buffer.byteLength(result.body),
                });
                if (slow) drip(res, Buffer.from(result.body), slow.seconds);
                else res.end(result.body);
            };
            if (faults.latencyMs) setTimeout(send, faults.latencyMs);
            else send();
        });
    };
    const server = http.createServer(handle);
    server.on("connection", socket => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    const listen = (on: http.Server, port: number) =>
        new Promise<void>((resolve, reject) => {
            on.once("error", reject);
            on.listen(port, options.host ?? "127.0.0.1", () => resolve());
        });
    await listen(server, options.port ?? 0);
    const address = server.address() as AddressInfo;

    // IAM alone, on a port of its own that can refuse connections.
    const iamSockets = new Set<import("node:net").Socket>();
    let iamServer = http.createServer(handle);
    const track = (on: http.Server) =>
        on.on("connection", socket => {
            iamSockets.add(socket);
            socket.on("close", () => iamSockets.delete(socket));
        });
    track(iamServer);
    await listen(iamServer, 0);
    const iamPort = (iamServer.address() as AddressInfo).port;
    let refusing = false;
    async function refuseIam(refuse: boolean): Promise<void> {
        if (refuse === refusing) return;
        refusing = refuse;
        if (refuse) {
            const closed = new Promise<void>(resolve => iamServer.close(() => resolve()));
            for (const socket of iamSockets) socket.destroy();
            await closed;
        } else {
            iamServer = track(http.createServer(handle));
            await listen(iamServer, iamPort);
        }
    }

    const local: LocalIam = {
        url: `http://${address.address}:${address.port}`,
        calls,
        totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
        throttled: () => throttledByBucket,
        abandoned: () => [...abandoned],
        signers,
        resetCalls: () => {
            calls.clear();
            throttledByBucket = 0;
        },
        setFaults,
        iamUrl: `http://${address.address}:${iamPort}`,
        refuseIam,
        users: primary.users,
        load,
        close: async () => {
            await refuseIam(true);
            await new Promise<void>(resolve => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            });
        },
    };
    return local;
}
