// The engine's side of the analyzer gRPC protocol, with the stubs of the pack's own @pulumi/pulumi.
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient as AnalyzerStub } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"]; // proto enum order
const SEVERITIES = ["", "low", "medium", "high", "critical"]; // proto enum order

export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PolicyInfo {
    name: string;
    displayName: string;
    description: string;
    /** What the Policy Findings pages show: "" / [] where the pack sets nothing. */
    severity: string;
    framework?: { name: string; version: string; reference: string; specification: string };
    tags: string[];
    remediationSteps: string;
    url: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfo {
    name: string;
    version: string;
    displayName: string;
    description: string;
    readme: string;
    provider: string;
    tags: string[];
    repository: string;
    policies: PolicyInfo[];
}

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
}

export interface AnalyzedResource {
    type: string;
    name: string;
    urn: string;
    /** Inputs; use UNKNOWN_STRING for a value unknown during preview. */
    props: Record<string, unknown>;
    /** URN of the parent (the stack resource for top-level resources). */
    parent?: string;
    provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

export interface AnalyzeResult {
    diagnostics: Diagnostic[];
    notApplicable: { policyName: string; reason: string }[];
}

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;
type Invoke<Res> = (metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: Callback<Res>) => grpc.ClientUnaryCall;

type JsonObject = Parameters<typeof Struct.fromJavaScript>[0];
const struct = (value: Record<string, unknown>) => Struct.fromJavaScript(value as JsonObject);

export class AnalyzerClient {
    private readonly client: AnalyzerStub;

    /** `deadlineMs` bounds each call: the CLI sets none, but a driver must report a hung pack. */
    constructor(
        port: number,
        private readonly deadlineMs = 120_000,
    ) {
        this.client = new AnalyzerStub(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    /** One unary call under the driver's deadline, as a promise. */
    private call<Res>(invoke: Invoke<Res>): Promise<Res> {
        return new Promise((resolve, reject) => {
            invoke(new grpc.Metadata(), { deadline: new Date(Date.now() + this.deadlineMs) }, (error, response) =>
                error ? reject(error) : resolve(response),
            );
        });
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await this.call<analyzerPb.AnalyzerInfo>((m, o, cb) => this.client.getAnalyzerInfo(new Empty(), m, o, cb));
        const framework = (f: analyzerPb.PolicyComplianceFramework | undefined) =>
            f && { name: f.getName(), version: f.getVersion(), reference: f.getReference(), specification: f.getSpecification() };
        return {
            name: info.getName(),
            version: info.getVersion(),
            displayName: info.getDisplayname(),
            description: info.getDescription(),
            readme: info.getReadme(),
            provider: info.getProvider(),
            tags: info.getTagsList(),
            repository: info.getRepository(),
            policies: info.getPoliciesList().map(p => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    displayName: p.getDisplayname(),
                    description: p.getDescription(),
                    severity: SEVERITIES[p.getSeverity()] ?? "",
                    framework: framework(p.getFramework()),
                    tags: p.getTagsList(),
                    remediationSteps: p.getRemediationSteps(),
                    url: p.getUrl(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    configSchema: schema
                        ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() }
                        : undefined,
                };
            }),
        };
    }

    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(config)) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(entry.enforcementLevel));
            pc.setProperties(struct(entry.properties));
            map.set(name, pc);
        }
        await this.call<Empty>((m, o, cb) => this.client.configure(request, m, o, cb));
    }

    async configureStack(stack: {
        stack: string;
        project: string;
        organization: string;
        dryRun: boolean;
        tags?: Record<string, string>;
    }): Promise<void> {
        const request = new analyzerPb.AnalyzerStackConfigureRequest();
        request.setStack(stack.stack);
        request.setProject(stack.project);
        request.setOrganization(stack.organization);
        request.setDryRun(stack.dryRun);
        const tags = request.getTagsMap();
        for (const [k, v] of Object.entries(stack.tags ?? {})) tags.set(k, v);
        await this.call<Empty>((m, o, cb) => this.client.configureStack(request, m, o, cb));
    }

    /** GetPluginInfo: the pack's version, as the engine asks for it first. */
    async getPluginInfo(): Promise<string> {
        const info = await this.call<PluginInfo>((m, o, cb) => this.client.getPluginInfo(new Empty(), m, o, cb));
        return info.getVersion();
    }

    /** Remediate, which the engine calls before each Analyze: the remediations the pack proposes (this pack: none). */
    async remediate(resource: AnalyzedResource): Promise<{ remediations: number }> {
        const response = await this.call<analyzerPb.RemediateResponse>((m, o, cb) =>
            this.client.remediate(this.analyzeRequest(resource), m, o, cb),
        );
        return { remediations: response.getRemediationsList().length };
    }

    /** AnalyzeStack, at the end of a preview or update, with every resource (outputs). */
    async analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]> {
        const request = new analyzerPb.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map(r => {
                const resource = new analyzerPb.AnalyzerResource();
                resource.setType(r.type);
                resource.setName(r.name);
                resource.setUrn(r.urn);
                resource.setParent(r.parent ?? "");
                resource.setProperties(struct(r.props));
                if (r.provider) resource.setProvider(this.providerOf(r.provider));
                return resource;
            }),
        );
        const response = await this.call<analyzerPb.AnalyzeResponse>((m, o, cb) => this.client.analyzeStack(request, m, o, cb));
        return response.getDiagnosticsList().map(d => this.diagnostic(d, ""));
    }

    /** Cancel, at shutdown. @pulumi/policy 1.21 does not implement it; "unimplemented" is fine for the engine. */
    async cancel(): Promise<void> {
        await this.call<Empty>((m, o, cb) => this.client.cancel(new Empty(), m, o, cb)).catch((error: { code?: number }) => {
            if (error.code !== 12 /* UNIMPLEMENTED */) throw error;
        });
    }

    private providerOf(provider: NonNullable<AnalyzedResource["provider"]>): analyzerPb.AnalyzerProviderResource {
        const p = new analyzerPb.AnalyzerProviderResource();
        p.setType(provider.type);
        p.setName(provider.name);
        p.setUrn(provider.urn);
        p.setProperties(struct(provider.props));
        return p;
    }

    private diagnostic(d: analyzerPb.AnalyzeDiagnostic, urn: string): Diagnostic {
        return {
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()],
            urn: d.getUrn() || urn,
        };
    }

    private analyzeRequest(resource: AnalyzedResource): analyzerPb.AnalyzeRequest {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(resource.urn);
        request.setProperties(struct(resource.props));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setParent(resource.parent ?? "");
        request.setOptions(options);
        if (resource.provider) request.setProvider(this.providerOf(resource.provider));
        return request;
    }

    async analyze(resource: AnalyzedResource): Promise<AnalyzeResult> {
        const response = await this.call<analyzerPb.AnalyzeResponse>((m, o, cb) =>
            this.client.analyze(this.analyzeRequest(resource), m, o, cb),
        );
        return {
            diagnostics: response.getDiagnosticsList().map(d => this.diagnostic(d, resource.urn)),
            notApplicable: response.getNotApplicableList().map(n => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
        };
    }

    close(): void {
        this.client.close();
    }
}
