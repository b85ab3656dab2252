// The engine's side of the analyzer gRPC protocol, with the stubs of the pack's own @pulumi/pulumi.
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

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

function unary<Req, Res>(client: grpc.Client, method: string, request: Req, deadlineMs: number): Promise<Res> {
    return new Promise((resolve, reject) => {
        const deadline = new Date(Date.now() + deadlineMs);
        (client as unknown as Record<string, Function>)[method](request, { deadline }, (error: grpc.ServiceError | null, response: Res) =>
            error ? reject(error) : resolve(response),
        );
    });
}

export class AnalyzerClient {
    private readonly client: grpc.Client;

    /** `deadlineMs` bounds each call: the CLI sets none, but a driver must report a hung pack. */
    constructor(port: number, private readonly deadlineMs = 120_000) {
        this.client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await unary<Empty, any>(this.client, "getAnalyzerInfo", new Empty(), this.deadlineMs);
        const framework = (f: any) => f && { name: f.getName(), version: f.getVersion(), reference: f.getReference(), specification: f.getSpecification() };
        return {
            name: info.getName(),
            version: info.getVersion(),
            displayName: info.getDisplayname(),
            description: info.getDescription(),
            readme: info.getReadme(),
            provider: info.getProvider(),
            tags: info.getTagsList(),
            repository: info.getRepository(),
            policies: info.getPoliciesList().map((p: any) => ({
                name: p.getName(),
                displayName: p.getDisplayname(),
                description: p.getDescription(),
                severity: SEVERITIES[p.getSeverity()] ?? "",
                framework: framework(p.getFramework()),
                tags: p.getTagsList(),
                remediationSteps: p.getRemediationSteps(),
                url: p.getUrl(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                configSchema: p.getConfigschema()
                    ? { properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {}, required: p.getConfigschema().getRequiredList() }
                    : undefined,
            })),
        };
    }

    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(config)) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(entry.enforcementLevel));
            pc.setProperties(Struct.fromJavaScript(entry.properties as never));
            map.set(name, pc);
        }
        await unary(this.client, "configure", request, this.deadlineMs);
    }

    async configureStack(stack: { stack: string; project: string; organization: string; dryRun: boolean; tags?: Record<string, string> }): Promise<void> {
        const request = new analyzerPb.AnalyzerStackConfigureRequest();
        request.setStack(stack.stack);
        request.setProject(stack.project);
        request.setOrganization(stack.organization);
        request.setDryRun(stack.dryRun);
        const tags = request.getTagsMap();
        for (const [k, v] of Object.entries(stack.tags ?? {})) tags.set(k, v);
        await unary(this.client, "configureStack", request, this.deadlineMs);
    }

    /** GetPluginInfo: the pack's version, as the engine asks for it first. */
    async getPluginInfo(): Promise<string> {
        const info = await unary<Empty, any>(this.client, "getPluginInfo", new Empty(), this.deadlineMs);
        return info.getVersion();
    }

    /** Remediate, which the engine calls before each Analyze: the remediations the pack proposes (this pack: none). */
    async remediate(resource: AnalyzedResource): Promise<{ remediations: number }> {
        const response = await unary<any, any>(this.client, "remediate", this.analyzeRequest(resource), this.deadlineMs);
        return { remediations: response.getRemediationsList().length };
    }

    /** AnalyzeStack, at the end of a preview or update, with every resource (outputs). */
    async analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]> {
        const request = new analyzerPb.AnalyzeStackRequest();
        request.setResourcesList(resources.map(r => {
            const resource = new analyzerPb.AnalyzerResource();
            resource.setType(r.type);
            resource.setName(r.name);
            resource.setUrn(r.urn);
            resource.setParent(r.parent ?? "");
            resource.setProperties(Struct.fromJavaScript(r.props as never));
            if (r.provider) resource.setProvider(this.providerOf(r.provider));
            return resource;
        }));
        const response = await unary<any, any>(this.client, "analyzeStack", request, this.deadlineMs);
        return response.getDiagnosticsList().map((d: any) => this.diagnostic(d, ""));
    }

    /** Cancel, at shutdown. @pulumi/policy 1.21 does not implement it; "unimplemented" is fine for the engine. */
    async cancel(): Promise<void> {
        await unary(this.client, "cancel", new Empty(), this.deadlineMs).catch(error => {
            if ((error as { code?: number }).code !== 12 /* UNIMPLEMENTED */) throw error;
        });
    }

    private providerOf(provider: NonNullable<AnalyzedResource["provider"]>) {
        const p = new analyzerPb.AnalyzerProviderResource();
        p.setType(provider.type);
        p.setName(provider.name);
        p.setUrn(provider.urn);
        p.setProperties(Struct.fromJavaScript(provider.props as never));
        return p;
    }

    private diagnostic(d: any, urn: string): Diagnostic {
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

    private analyzeRequest(resource: AnalyzedResource) {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(resource.urn);
        request.setProperties(Struct.fromJavaScript(resource.props as never));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setParent(resource.parent ?? "");
        request.setOptions(options);
        if (resource.provider) request.setProvider(this.providerOf(resource.provider));
        return request;
    }

    async analyze(resource: AnalyzedResource): Promise<AnalyzeResult> {
        const response = await unary<any, any>(this.client, "analyze", this.analyzeRequest(resource), this.deadlineMs);
        return {
            diagnostics: response.getDiagnosticsList().map((d: any) => this.diagnostic(d, resource.urn)),
            notApplicable: response.getNotApplicableList().map((n: any) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
        };
    }

    close(): void {
        this.client.close();
    }
}
