// Test harness for the provider bindings under sdks/. It installs Pulumi mocks
// and also wraps the mock resource monitor, because the facts the bindings must
// get right (plugin version and download URL, package refs, additional secret
// outputs, the registerPackage request) travel in the gRPC request and never
// reach `MockResourceArgs`/`MockCallArgs`.
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";

/** What `mocks.newResource` saw. */
export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** What `mocks.call` saw. */
export interface RecordedInvoke {
    token: string;
    inputs: Record<string, unknown>;
}

/** The resource-option fields of a RegisterResourceRequest the bindings control. */
export interface ResourceRequest {
    type: string;
    name: string;
    version: string;
    pluginDownloadUrl: string;
    packageRef: string;
    additionalSecretOutputs: string[];
}

/** The option fields of a ResourceInvokeRequest the bindings control. */
export interface InvokeRequest {
    token: string;
    version: string;
    pluginDownloadUrl: string;
    packageRef: string;
}

/** A RegisterPackageRequest, with the parameter value as base64. */
export interface PackageRequest {
    name: string;
    version: string;
    downloadUrl: string;
    parameterization: { name: string; version: string; base64Value: string } | undefined;
}

export interface MockHarness {
    resources: RecordedResource[];
    invokes: RecordedInvoke[];
    resourceRequests: ResourceRequest[];
    invokeRequests: InvokeRequest[];
    packageRequests: PackageRequest[];
    /** The request that registered the resource with this logical name. */
    requestFor(name: string): ResourceRequest;
}

export interface MockOptions {
    /** Provider-computed outputs per resource type, merged over the echoed inputs. */
    outputs?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
    /** Invoke results per token. An invoke with any other token fails the test. */
    invokes: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

// Minimal views of the generated protobuf request classes.
interface RegisterResourceRequestView {
    getType(): string;
    getName(): string;
    getVersion(): string;
    getPlugindownloadurl(): string;
    getPackageref(): string;
    getAdditionalsecretoutputsList(): string[];
}
interface InvokeRequestView {
    getTok(): string;
    getVersion(): string;
    getPlugindownloadurl(): string;
    getPackageref(): string;
}
interface RegisterPackageRequestView {
    getName(): string;
    getVersion(): string;
    getDownloadUrl(): string;
    getParameterization():
        | { getName(): string; getVersion(): string; getValue_asB64(): string }
        | undefined;
}
type Callback = (err: unknown, resp: unknown) => void;
interface MonitorView {
    registerResource(req: RegisterResourceRequestView, cb: Callback): unknown;
    invoke(req: InvokeRequestView, cb: Callback): unknown;
    registerPackage(req: RegisterPackageRequestView, cb: Callback): unknown;
}

/**
 * Installs mocks that record every resource and invoke, and that throw for an
 * invoke token they do not know. Call it before constructing any resource:
 * `setMocks` resets the runtime state, including the package-ref cache.
 */
export function installMocks(options: MockOptions): MockHarness {
    const harness: MockHarness = {
        resources: [],
        invokes: [],
        resourceRequests: [],
        invokeRequests: [],
        packageRequests: [],
        requestFor(name) {
            const found = harness.resourceRequests.find((r) => r.name === name);
            if (found === undefined) {
                throw new Error(`no resource named ${name} was registered`);
            }
            return found;
        },
    };
    // The engine marks outputs listed in additionalSecretOutputs as secret; the
    // mock monitor does not, so the harness does it from the captured request.
    const secretOutputsByResource = new Map<string, string[]>();

    void pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            harness.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
            const computed = options.outputs?.[args.type]?.(args.inputs) ?? {};
            const state: Record<string, unknown> = { ...args.inputs, ...computed };
            for (const key of secretOutputsByResource.get(`${args.type}::${args.name}`) ?? []) {
                if (state[key] !== undefined && !isSecretEnvelope(state[key])) {
                    state[key] = pulumi.secret(state[key]);
                }
            }
            return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            harness.invokes.push({ token: args.token, inputs: args.inputs });
            const handler = options.invokes[args.token];
            if (handler === undefined) {
                // The runtime reports a failed invoke with the gRPC `details`, so set it too.
                const message = `unmocked invoke ${args.token}`;
                throw Object.assign(new Error(message), { details: message });
            }
            return handler(args.inputs);
        },
    });

    const monitor = (pulumi.runtime as unknown as { getMonitor(): MonitorView }).getMonitor();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const request: ResourceRequest = {
            type: req.getType(),
            name: req.getName(),
            version: req.getVersion(),
            pluginDownloadUrl: req.getPlugindownloadurl(),
            packageRef: req.getPackageref(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        };
        harness.resourceRequests.push(request);
        secretOutputsByResource.set(`${request.type}::${request.name}`, request.additionalSecretOutputs);
        return registerResource(req, cb);
    };
    const invoke = monitor.invoke.bind(monitor);
    monitor.invoke = (req, cb) => {
        harness.invokeRequests.push({
            token: req.getTok(),
            version: req.getVersion(),
            pluginDownloadUrl: req.getPlugindownloadurl(),
            packageRef: req.getPackageref(),
        });
        return invoke(req, cb);
    };
    const registerPackage = monitor.registerPackage.bind(monitor);
    monitor.registerPackage = (req, cb) => {
        const parameterization = req.getParameterization();
        harness.packageRequests.push({
            name: req.getName(),
            version: req.getVersion(),
            downloadUrl: req.getDownloadUrl(),
            parameterization: parameterization && {
                name: parameterization.getName(),
                version: parameterization.getVersion(),
                base64Value: parameterization.getValue_asB64(),
            },
        });
        return registerPackage(req, cb);
    };
    return harness;
}

/** True for an input that was wrapped in `pulumi.secret` (the mocks see the wire envelope). */
function isSecretEnvelope(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
    );
}

/** Resolves an Output's value and secretness together. */
export async function settle<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    const value = await new Promise<T>((resolve) => output.apply((v) => resolve(v)));
    // The runtime may resolve isSecret to a falsy non-boolean; normalise it.
    return { value, secret: Boolean(await pulumi.isSecret(output)) };
}

/** Lets queued registrations reach the monitor. */
export async function drain(resources: pulumi.Resource[]): Promise<void> {
    await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}

/** One constructed resource of a binding and the token it must register under. */
export interface ResourceCase {
    readonly token: string;
    readonly resource: pulumi.Resource;
}

/**
 * The two token statements every binding owes, as tests: each resource is
 * registered under its exact token, and each class keeps that token in
 * `__pulumiType` and recognises its instances. `cases[0]` is the provider.
 */
export function itRegistersEveryResourceUnderItsToken(
    cases: readonly ResourceCase[],
    mocks: MockHarness,
    provider: { isInstance(o: unknown): boolean },
): void {
    it.each(cases)("$token is registered under its exact token", async ({ token, resource }) => {
        await drain([resource]);
        const name = (await settle(resource.urn)).value.split("::").pop();
        expect(mocks.resources.find((r) => r.name === name)?.type).toBe(token);
    });

    it("keeps the token in __pulumiType and recognises instances", () => {
        for (const { token, resource } of cases.slice(1)) {
            const cls = resource.constructor as unknown as { __pulumiType: string; isInstance(o: unknown): boolean };
            expect(cls.__pulumiType).toBe(token);
            expect(cls.isInstance(resource)).toBe(true);
            expect(cls.isInstance({})).toBe(false);
        }
        expect(provider.isInstance(cases[0]?.resource)).toBe(true);
    });
}
