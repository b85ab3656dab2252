// A stand-in for the pulumi-resource-aws and pulumi-resource-aws-native provider plugins (which cannot be had here),
// for the specs that run the real Pulumi CLI: it performs its IAM resources' operations against the IAM endpoint its
// provider configuration or environment names (the local endpoint), with the real SDK, so that what `pulumi up`
// deploys is exactly what the next preview's pack reads. Users (name, path, tags), access keys (status; the key ID is
// the resource's id), login profiles, and `Read` for import and refresh. Every other resource type passes its inputs
// through (a role's ARN computed). Test tooling: never shipped.
//   node stand-in-provider.js <aws|aws-native> <engine address>    (prints its port, as every plugin does)
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import {
    CreateAccessKeyCommand,
    CreateLoginProfileCommand,
    CreateUserCommand,
    DeleteAccessKeyCommand,
    DeleteLoginProfileCommand,
    DeleteUserCommand,
    GetLoginProfileCommand,
    GetUserCommand,
    IAMClient,
    ListAccessKeysCommand,
    TagUserCommand,
    UntagUserCommand,
    UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

const [pkg] = process.argv.slice(2);
/** The version the SDK packages ask for; the engine takes this plugin for its package whatever it says. */
const VERSION = pkg === "aws-native" ? "1.79.0" : "7.48.0";

/** A value the engine sent, secrets unwrapped (the plugin accepts secrets). */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        const record = value as Props;
        if (record[SECRET_SIG] === SECRET_VALUE) return plain(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });
const props = (struct: Struct | undefined): Props => (plain(struct?.toJavaScript() ?? {}) as Props) ?? {};
const toStruct = (value: Props) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const typeOf = (urn: string) => urn.split("::")[2] ?? "";

/** Provider inputs arrive as JSON strings for lists and objects; stack config (variables) likewise. */
function json(value: unknown): unknown {
    if (typeof value !== "string" || !/^[[{]/.test(value.trim())) return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

let client: IAMClient | undefined;
let accountId = "123456789012";

/** The IAM client of this provider's configuration: its own keys and endpoint, then the environment; its roles in turn. */
function configure(config: Props): void {
    const read = (key: string) => json(config[key]);
    const endpoints = (read("endpoints") as { iam?: string; sts?: string }[] | undefined) ?? [];
    const iamEndpoint = endpoints.find(e => e.iam)?.iam ?? process.env.AWS_ENDPOINT_URL_IAM;
    const stsEndpoint = endpoints.find(e => e.sts)?.sts ?? process.env.AWS_ENDPOINT_URL_STS ?? iamEndpoint;
    const region = (read("region") as string | undefined) ?? process.env.AWS_REGION ?? "us-east-1";
    const accessKeyId = (read("accessKey") as string | undefined) ?? process.env.AWS_ACCESS_KEY_ID ?? "AKIDSTANDINPROVIDER0";
    const secretAccessKey = (read("secretKey") as string | undefined) ?? process.env.AWS_SECRET_ACCESS_KEY ?? "stand-in";
    let credentials: AwsCredentialIdentityProvider = () => Promise.resolve({ accessKeyId, secretAccessKey });
    const roles = (read("assumeRoles") as { roleArn?: string }[] | undefined) ?? [];
    for (const role of roles) {
        if (!role.roleArn) continue;
        const master = credentials;
        credentials = fromTemporaryCredentials({
            params: { RoleArn: role.roleArn, RoleSessionName: "stand-in-provider" },
            masterCredentials: master,
            clientConfig: { region, endpoint: stsEndpoint },
        });
        accountId = /:(\d{12}):/.exec(role.roleArn)?.[1] ?? accountId;
    }
    client = new IAMClient({ region, endpoint: iamEndpoint, credentials, maxAttempts: 2 });
}

const iam = () => {
    if (!client) configure({});
    return client!;
};

function tagList(tags: unknown): { Key: string; Value: string }[] {
    if (Array.isArray(tags)) return (tags as { key: string; value: string }[]).map(t => ({ Key: t.key, Value: t.value })); // aws-native
    return Object.entries((tags as Record<string, string> | undefined) ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

async function userOutputs(name: string, inputs: Props): Promise<Props> {
    const user = (await iam().send(new GetUserCommand({ UserName: name }))).User!;
    const tags = Object.fromEntries((user.Tags ?? []).map(t => [t.Key!, t.Value!]));
    return pkg === "aws-native"
        ? { ...inputs, userName: name, arn: user.Arn, path: user.Path }
        : {
              ...inputs,
              name,
              path: user.Path,
              arn: user.Arn,
              uniqueId: user.UserId,
              tagsAll: tags,
              forceDestroy: inputs.forceDestroy ?? false,
          };
}

async function syncTags(name: string, before: unknown, after: unknown): Promise<void> {
    const olds = new Map(tagList(before).map(t => [t.Key, t.Value]));
    const news = tagList(after);
    const gone = [...olds.keys()].filter(k => !news.some(t => t.Key === k));
    if (gone.length) await iam().send(new UntagUserCommand({ UserName: name, TagKeys: gone }));
    const changed = news.filter(t => olds.get(t.Key) !== t.Value);
    if (changed.length) await iam().send(new TagUserCommand({ UserName: name, Tags: changed }));
}

/** What each resource type does. Types not listed pass their inputs through. */
interface Kind {
    /** Inputs whose change replaces the resource. */
    replaces: string[];
    create(urn: string, inputs: Props): Promise<{ id: string; outputs: Props }>;
    update?(id: string, olds: Props, news: Props): Promise<Props>;
    delete(id: string, outputs: Props): Promise<void>;
    read(id: string, inputs: Props): Promise<Props | undefined>;
}

const user: Kind = {
    replaces: ["name", "path"],
    async create(urn, inputs) {
        const name = inputs.name as string;
        await iam().send(new CreateUserCommand({ UserName: name, Path: (inputs.path as string) ?? "/", Tags: tagList(inputs.tags) }));
        return { id: name, outputs: await userOutputs(name, inputs) };
    },
    async update(id, olds, news) {
        await syncTags(id, olds.tags, news.tags);
        return userOutputs(id, news);
    },
    async delete(id, outputs) {
        if (outputs.forceDestroy) {
            const keys = await iam().send(new ListAccessKeysCommand({ UserName: id }));
            for (const k of keys.AccessKeyMetadata ?? [])
                await iam().send(new DeleteAccessKeyCommand({ UserName: id, AccessKeyId: k.AccessKeyId }));
            await iam()
                .send(new DeleteLoginProfileCommand({ UserName: id }))
                .catch(() => undefined);
        }
        await iam().send(new DeleteUserCommand({ UserName: id }));
    },
    async read(id, inputs) {
        return userOutputs(id, { name: id, ...inputs }).catch(() => undefined);
    },
};

const nativeUser: Kind = {
    replaces: ["userName", "path"],
    async create(urn, inputs) {
        const name = inputs.userName as string;
        await iam().send(new CreateUserCommand({ UserName: name, Path: (inputs.path as string) ?? "/", Tags: tagList(inputs.tags) }));
        const profile = inputs.loginProfile as { password?: string; passwordResetRequired?: boolean } | undefined;
        if (profile)
            await iam().send(
                new CreateLoginProfileCommand({
                    UserName: name,
                    Password: profile.password,
                    PasswordResetRequired: profile.passwordResetRequired,
                }),
            );
        return { id: name, outputs: await userOutputs(name, inputs) };
    },
    async update(id, olds, news) {
        await syncTags(id, olds.tags, news.tags);
        if (olds.loginProfile && !news.loginProfile) await iam().send(new DeleteLoginProfileCommand({ UserName: id }));
        const profile = news.loginProfile as { password?: string } | undefined;
        if (!olds.loginProfile && profile) await iam().send(new CreateLoginProfileCommand({ UserName: id, Password: profile.password }));
        return userOutputs(id, news);
    },
    async delete(id) {
        await iam()
            .send(new DeleteLoginProfileCommand({ UserName: id }))
            .catch(() => undefined);
        await iam().send(new DeleteUserCommand({ UserName: id }));
    },
    async read(id, inputs) {
        return userOutputs(id, { userName: id, ...inputs }).catch(() => undefined);
    },
};

const accessKey: Kind = {
    replaces: ["user", "pgpKey"],
    async create(urn, inputs) {
        const created = (await iam().send(new CreateAccessKeyCommand({ UserName: inputs.user as string }))).AccessKey!;
        const status = (inputs.status as string) ?? "Active";
        if (status !== "Active")
            await iam().send(
                new UpdateAccessKeyCommand({ UserName: created.UserName, AccessKeyId: created.AccessKeyId, Status: status as "Inactive" }),
            );
        return {
            id: created.AccessKeyId!,
            outputs: {
                ...inputs,
                status,
                id: created.AccessKeyId,
                secret: secret(created.SecretAccessKey),
                createDate: created.CreateDate?.toISOString(),
            },
        };
    },
    async update(id, olds, news) {
        const status = (news.status as string) ?? "Active";
        await iam().send(
            new UpdateAccessKeyCommand({ UserName: news.user as string, AccessKeyId: id, Status: status as "Active" | "Inactive" }),
        );
        return { ...olds, ...news, status, id };
    },
    async delete(id, outputs) {
        await iam().send(new DeleteAccessKeyCommand({ UserName: outputs.user as string, AccessKeyId: id }));
    },
    async read(id, inputs) {
        const userName = inputs.user as string | undefined;
        if (!userName) return undefined;
        const key = (await iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.find(
            k => k.AccessKeyId === id,
        );
        return key && { ...inputs, user: userName, status: key.Status, id, createDate: key.CreateDate?.toISOString() };
    },
};

const loginProfile: Kind = {
    replaces: ["user", "passwordLength", "passwordResetRequired", "pgpKey"],
    async create(urn, inputs) {
        const userName = inputs.user as string;
        const password = `Stand-in-${Math.random().toString(36).slice(2)}!A1`;
        await iam().send(
            new CreateLoginProfileCommand({
                UserName: userName,
                Password: password,
                PasswordResetRequired: Boolean(inputs.passwordResetRequired),
            }),
        );
        return { id: userName, outputs: { ...inputs, password: secret(password) } };
    },
    async delete(id) {
        await iam().send(new DeleteLoginProfileCommand({ UserName: id }));
    },
    async read(id, inputs) {
        const profile = await iam()
            .send(new GetLoginProfileCommand({ UserName: id }))
            .catch(() => undefined);
        return profile && { ...inputs, user: id };
    },
};

const KINDS: Record<string, Kind> = {
    "aws:iam/user:User": user,
    "aws:iam/accessKey:AccessKey": accessKey,
    "aws:iam/userLoginProfile:UserLoginProfile": loginProfile,
    "aws-native:iam:User": nativeUser,
};

/** Anything else: its inputs are its outputs; a role gets its ARN. */
function passThrough(urn: string, inputs: Props): { id: string; outputs: Props } {
    const name = (inputs.name as string | undefined) ?? nameOf(urn);
    const arn = typeOf(urn) === "aws:iam/role:Role" ? { arn: `arn:aws:iam::${accountId}:role/${name}` } : {};
    return { id: name, outputs: { ...inputs, name, ...arn } };
}

/** As pulumi-aws names a user that has no name: its resource name and a random suffix. */
function autonamed(urn: string, inputs: Props): Props {
    const type = typeOf(urn);
    if (type === "aws:iam/user:User" && inputs.name === undefined)
        return { ...inputs, name: `${nameOf(urn)}-${Math.random().toString(36).slice(2, 9)}` };
    if (type === "aws-native:iam:User" && inputs.userName === undefined)
        return { ...inputs, userName: `${nameOf(urn)}-${Math.random().toString(36).slice(2, 9)}` };
    return inputs;
}

/** Hides secret outputs again for the engine. */
function withSecrets(outputs: Props): Props {
    return Object.fromEntries(
        Object.entries(outputs).map(([k, v]) => [
            k,
            k === "password" || k === "secret" ? (v && typeof v === "object" && SECRET_SIG in v ? v : secret(v)) : v,
        ]),
    );
}

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

function handle<Req, Res>(work: (request: Req) => Promise<Res>): Handler<Req, Res> {
    return (call, callback) => {
        work(call.request).then(
            response => callback(null, response),
            (error: Error) => callback({ code: grpc.status.UNKNOWN, details: `${error.name}: ${error.message}` }, null),
        );
    };
}

const server = new grpc.Server();
server.addService(ResourceProviderService, {
    getPluginInfo: handle(() => {
        const info = new PluginInfo();
        info.setVersion(VERSION);
        return Promise.resolve(info);
    }),
    getSchema: handle(() => {
        const response = new providerPb.GetSchemaResponse();
        response.setSchema("{}");
        return Promise.resolve(response);
    }),
    checkConfig: handle((request: providerPb.CheckRequest) => {
        const response = new providerPb.CheckResponse();
        response.setInputs(request.getNews());
        return Promise.resolve(response);
    }),
    diffConfig: handle(() => Promise.resolve(new providerPb.DiffResponse())),
    configure: handle((request: providerPb.ConfigureRequest) => {
        const args = props(request.getArgs());
        const variables = Object.fromEntries(
            [...request.getVariablesMap().entries()].map(([k, v]) => [k.replace(/^[^:]+:(config:)?/, ""), v]),
        );
        configure({ ...variables, ...args });
        const response = new providerPb.ConfigureResponse();
        response.setAcceptsecrets(true);
        response.setSupportspreview(true);
        return Promise.resolve(response);
    }),
    check: handle((request: providerPb.CheckRequest) => {
        const response = new providerPb.CheckResponse();
        response.setInputs(toStruct(autonamed(request.getUrn(), props(request.getNews()))));
        return Promise.resolve(response);
    }),
    diff: handle((request: providerPb.DiffRequest) => {
        const olds = props(request.getOldInputs() ?? request.getOlds());
        const news = props(request.getNews());
        const kind = KINDS[typeOf(request.getUrn())];
        const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
            k => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        const response = new providerPb.DiffResponse();
        response.setChanges(changed.length ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE);
        response.setDiffsList(changed);
        response.setReplacesList(changed.filter(k => (kind?.replaces ?? []).includes(k) || (!kind?.update && kind !== undefined)));
        return Promise.resolve(response);
    }),
    create: handle(async (request: providerPb.CreateRequest) => {
        const inputs = props(request.getProperties());
        const kind = KINDS[typeOf(request.getUrn())];
        const response = new providerPb.CreateResponse();
        if (request.getPreview()) {
            response.setProperties(toStruct(inputs));
            return response;
        }
        const created = kind ? await kind.create(request.getUrn(), inputs) : passThrough(request.getUrn(), inputs);
        response.setId(created.id);
        response.setProperties(toStruct(withSecrets(created.outputs)));
        return response;
    }),
    update: handle(async (request: providerPb.UpdateRequest) => {
        const olds = props(request.getOlds());
        const news = props(request.getNews());
        const kind = KINDS[typeOf(request.getUrn())];
        const response = new providerPb.UpdateResponse();
        const outputs = request.getPreview() || !kind?.update ? { ...olds, ...news } : await kind.update(request.getId(), olds, news);
        response.setProperties(toStruct(withSecrets(outputs)));
        return response;
    }),
    delete: handle(async (request: providerPb.DeleteRequest) => {
        const kind = KINDS[typeOf(request.getUrn())];
        if (kind) await kind.delete(request.getId(), props(request.getProperties()));
        return new Empty();
    }),
    read: handle(async (request: providerPb.ReadRequest) => {
        const kind = KINDS[typeOf(request.getUrn())];
        const inputs = props(request.getInputs());
        const found = kind ? await kind.read(request.getId(), { ...props(request.getProperties()), ...inputs }) : { ...inputs };
        const response = new providerPb.ReadResponse();
        if (!found) return response; // gone: the engine drops it from the state
        response.setId(request.getId());
        response.setProperties(toStruct(withSecrets(found)));
        response.setInputs(toStruct(kind === accessKey ? { user: found.user, status: found.status } : inputs));
        return response;
    }),
    cancel: handle(() => Promise.resolve(new Empty())),
});

server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
        process.stderr.write(`stand-in provider ${pkg}: ${error.message}\n`);
        process.exit(1);
    }
    process.stdout.write(`${port}\n`);
});
