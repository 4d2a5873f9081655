// The @pulumiverse/talos bindings (sdks/talos) against pulumiverse/pulumi-talos
// v0.8.1 (provider/cmd/pulumi-resource-talos/schema.json): tokens, required inputs, secrets and
// the plugin metadata every request carries.
import * as pulumi from "@pulumi/pulumi";
import * as talos from "@pulumiverse/talos";
import { describe, expect, it } from "vitest";
import { drain, installMocks, itRegistersEveryResourceUnderItsToken, settle, type MockHarness } from "./mock-harness";

const clientConfiguration = {
    caCertificate: "ca-pem",
    clientCertificate: "crt-pem",
    clientKey: "key-pem",
};

const machineSecrets = {
    certs: {
        etcd: { cert: "c", key: "k" },
        k8s: { cert: "c", key: "k" },
        k8sAggregator: { cert: "c", key: "k" },
        k8sServiceaccount: { key: "k" },
        os: { cert: "c", key: "k" },
    },
    cluster: { id: "cluster-id", secret: "cluster-secret" },
    secrets: { bootstrapToken: "abc.def", secretboxEncryptionSecret: "sb" },
    trustdinfo: { token: "trustd" },
};

// Mocks go in before anything is constructed: describe bodies below build resources.
const mocks: MockHarness = installMocks({
        // What the real provider computes; secretness comes from additionalSecretOutputs.
        outputs: {
            "talos:machine/secrets:Secrets": () => ({ clientConfiguration, machineSecrets, talosVersion: "v1.13" }),
            "talos:machine/configurationApply:ConfigurationApply": () => ({
                machineConfiguration: "version: v1alpha1\nmachine: {}\n",
                machineConfigurationHash: "0".repeat(64),
                resolvedApplyMode: "auto",
            }),
            "talos:cluster/kubeconfig:Kubeconfig": () => ({ kubeconfigRaw: "apiVersion: v1\nkind: Config\n" }),
        },
        // The provider returns these results with the schema's secret fields marked secret.
        invokes: {
            "talos:machine/getConfiguration:getConfiguration": (args) => ({
                ...args,
                id: "cfg",
                machineConfiguration: pulumi.secret("version: v1alpha1\n"),
            }),
            "talos:client/getConfiguration:getConfiguration": (args) => ({
                ...args,
                id: "tc",
                talosConfig: pulumi.secret("context: homelab\n"),
            }),
            "talos:cluster/getHealth:getHealth": (args) => ({ ...args, id: "health" }),
            "talos:cluster/getKubeconfig:getKubeconfig": (args) => ({
                ...args,
                id: "kc",
                kubeconfigRaw: pulumi.secret("apiVersion: v1\n"),
            }),
            "talos:imageFactory/getUrls:getUrls": (args) => ({
                ...args,
                id: "urls",
                architecture: "amd64",
                urls: { installer: "factory.talos.dev/installer/abc:v1.13.0" },
            }),
        },
});

/** One instance of every class the bindings cover, with its token from the facts file. */
function constructEveryResource() {
    return [
        { token: "pulumi:providers:talos", resource: new talos.Provider("p", { imageFactoryUrl: "https://factory.talos.dev" }) },
        { token: "talos:machine/secrets:Secrets", resource: new talos.machine.Secrets("secrets", { talosVersion: "v1.13" }) },
        {
            token: "talos:machine/configurationApply:ConfigurationApply",
            resource: new talos.machine.ConfigurationApply("apply", {
                node: "10.0.0.11",
                clientConfiguration,
                machineConfigurationInput: "version: v1alpha1\n",
                configPatches: ["machine: {}"],
                onDestroy: { graceful: true, reboot: false, reset: false },
            }),
        },
        {
            token: "talos:machine/bootstrap:Bootstrap",
            resource: new talos.machine.Bootstrap("bootstrap", { node: "10.0.0.11", clientConfiguration }),
        },
        {
            token: "talos:cluster/kubeconfig:Kubeconfig",
            resource: new talos.cluster.Kubeconfig("kubeconfig", { node: "10.0.0.11", clientConfiguration }),
        },
        {
            token: "talos:imageFactory/schematic:Schematic",
            resource: new talos.imagefactory.Schematic("schematic", { schematic: "customization: {}\n" }),
        },
    ];
}

describe("talos resources", () => {
    const cases = constructEveryResource();

    itRegistersEveryResourceUnderItsToken(cases, mocks, talos.Provider);

    it("asks the engine for plugin talos 0.8.1 from the pulumiverse GitHub releases, without a package ref", async () => {
        await drain(cases.map((c) => c.resource));
        for (const request of mocks.resourceRequests.filter((r) => r.type.startsWith("talos:") || r.type === "pulumi:providers:talos")) {
            expect(request, request.type).toMatchObject({
                version: "0.8.1",
                pluginDownloadUrl: "github://api.github.com/pulumiverse",
                packageRef: "",
            });
        }
        expect(mocks.resourceRequests.length).toBeGreaterThanOrEqual(cases.length);
    });

    it("sends the additionalSecretOutputs the generated SDK sends", async () => {
        await drain(cases.map((c) => c.resource));
        expect(mocks.requestFor("apply").additionalSecretOutputs).toEqual([
            "clientConfigurationWo",
            "machineConfiguration",
            "machineConfigurationInput",
            "machineConfigurationInputWo",
        ]);
        expect(mocks.requestFor("bootstrap").additionalSecretOutputs).toEqual(["clientConfigurationWo"]);
        expect(mocks.requestFor("kubeconfig").additionalSecretOutputs).toEqual(["kubeconfigRaw"]);
        expect(mocks.requestFor("secrets").additionalSecretOutputs).toEqual([]);
        expect(mocks.requestFor("schematic").additionalSecretOutputs).toEqual([]);
    });

    it("reads an existing resource by id under the same token", async () => {
        const schematicId = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
        const schematic = talos.imagefactory.Schematic.get("existing", schematicId);
        expect((await settle(schematic.id)).value).toBe(schematicId);
        expect(mocks.resources.find((r) => r.name === "existing")?.type).toBe("talos:imageFactory/schematic:Schematic");
    });
});

describe("talos secrets", () => {
    it("marks the rendered machine configuration and its input secret", async () => {
        const apply = new talos.machine.ConfigurationApply("apply-secret", {
            node: "10.0.0.12",
            clientConfiguration,
            machineConfigurationInput: "version: v1alpha1\n",
        });
        expect((await settle(apply.machineConfiguration)).secret).toBe(true);
        expect((await settle(apply.machineConfigurationInput)).secret).toBe(true);
        expect((await settle(apply.resolvedApplyMode)).secret).toBe(false);
    });

    it("marks kubeconfigRaw secret", async () => {
        const kubeconfig = new talos.cluster.Kubeconfig("kubeconfig-secret", { node: "10.0.0.11", clientConfiguration });
        const raw = await settle(kubeconfig.kubeconfigRaw);
        expect(raw).toEqual({ value: "apiVersion: v1\nkind: Config\n", secret: true });
    });

    it("wraps the write-only client configuration in pulumi.secret before it is sent", async () => {
        const bootstrap = new talos.machine.Bootstrap("bootstrap-wo", { node: "10.0.0.11", clientConfigurationWo: clientConfiguration });
        expect((await settle(bootstrap.clientConfigurationWo)).secret).toBe(true);
    });

    it("keeps secret invoke results secret through the Output forms", async () => {
        const config = talos.machine.getConfigurationOutput({
            clusterName: "homelab",
            clusterEndpoint: "https://10.0.0.10:6443",
            machineType: "controlplane",
            machineSecrets,
        });
        expect((await settle(config.machineConfiguration)).secret).toBe(true);

        const talosconfig = talos.client.getConfigurationOutput({ clusterName: "homelab", clientConfiguration, nodes: ["10.0.0.11"] });
        expect(await settle(talosconfig.talosConfig)).toEqual({ value: "context: homelab\n", secret: true });

        const kubeconfig = talos.cluster.getKubeconfigOutput({ clientConfiguration, node: "10.0.0.11" });
        expect((await settle(kubeconfig.kubeconfigRaw)).secret).toBe(true);
    });
});

describe("talos functions", () => {
    const cases: { token: string; run: () => Promise<unknown> }[] = [
        {
            token: "talos:machine/getConfiguration:getConfiguration",
            run: () =>
                talos.machine.getConfiguration({
                    clusterName: "homelab",
                    clusterEndpoint: "https://10.0.0.10:6443",
                    machineType: "worker",
                    machineSecrets,
                }),
        },
        { token: "talos:client/getConfiguration:getConfiguration", run: () => talos.client.getConfiguration({ clusterName: "homelab", clientConfiguration }) },
        {
            token: "talos:cluster/getHealth:getHealth",
            run: () =>
                talos.cluster.getHealth({ clientConfiguration, controlPlaneNodes: ["10.0.0.11"], endpoints: ["10.0.0.11"], timeouts: { read: "10m" } }),
        },
        { token: "talos:cluster/getKubeconfig:getKubeconfig", run: () => talos.cluster.getKubeconfig({ clientConfiguration, node: "10.0.0.11" }) },
        {
            token: "talos:imageFactory/getUrls:getUrls",
            run: () => talos.imagefactory.getUrls({ schematicId: "abc", talosVersion: "v1.13.0", platform: "nocloud" }),
        },
        {
            token: "talos:machine/getConfiguration:getConfiguration",
            run: () =>
                settle(
                    talos.machine.getConfigurationOutput({
                        clusterName: pulumi.output("homelab"),
                        clusterEndpoint: "https://10.0.0.10:6443",
                        machineType: "worker",
                        machineSecrets: pulumi.output(machineSecrets),
                    }),
                ),
        },
        { token: "talos:client/getConfiguration:getConfiguration", run: () => settle(talos.client.getConfigurationOutput({ clusterName: "homelab", clientConfiguration })) },
        {
            token: "talos:cluster/getHealth:getHealth",
            run: () => settle(talos.cluster.getHealthOutput({ clientConfiguration, controlPlaneNodes: ["10.0.0.11"], endpoints: ["10.0.0.11"] })),
        },
        { token: "talos:cluster/getKubeconfig:getKubeconfig", run: () => settle(talos.cluster.getKubeconfigOutput({ clientConfiguration, node: "10.0.0.11" })) },
        {
            token: "talos:imageFactory/getUrls:getUrls",
            run: () => settle(talos.imagefactory.getUrlsOutput({ schematicId: pulumi.output("abc"), talosVersion: "v1.13.0", platform: "metal" })),
        },
    ];

    it.each(cases)("invokes $token with plugin 0.8.1 from pulumiverse", async ({ token, run }) => {
        const before = mocks.invokeRequests.length;
        await run();
        const sent = mocks.invokeRequests.slice(before);
        expect(sent).toEqual([
            { token, version: "0.8.1", pluginDownloadUrl: "github://api.github.com/pulumiverse", packageRef: "" },
        ]);
    });

    it("passes invoke args under their Pulumi names", async () => {
        const urls = await talos.imagefactory.getUrls({ schematicId: "abc", talosVersion: "v1.13.0", platform: "metal", architecture: "arm64" });
        expect(urls.urls.installer).toBe("factory.talos.dev/installer/abc:v1.13.0");
        expect(mocks.invokes.at(-1)?.inputs).toEqual({ schematicId: "abc", talosVersion: "v1.13.0", platform: "metal", architecture: "arm64" });
    });

    it("fails loudly on an invoke the mocks do not know", async () => {
        await expect(pulumi.runtime.invoke("talos:machine/getDisks:getDisks", {})).rejects.toThrow("unmocked invoke talos:machine/getDisks:getDisks");
    });
});

describe("talos required inputs", () => {
    // Each @ts-expect-error fails `tsc` if the input ever becomes optional in the types.
    it("rejects a ConfigurationApply without node", () => {
        expect(
            () =>
                // @ts-expect-error node is required
                new talos.machine.ConfigurationApply("no-node", { clientConfiguration }),
        ).toThrow("Missing required property 'node'");
    });

    it("rejects a Bootstrap without node", () => {
        expect(
            () =>
                // @ts-expect-error node is required
                new talos.machine.Bootstrap("no-node", { clientConfiguration }),
        ).toThrow("Missing required property 'node'");
    });

    it("rejects a Kubeconfig without clientConfiguration", () => {
        expect(
            () =>
                // @ts-expect-error clientConfiguration is required
                new talos.cluster.Kubeconfig("no-client", { node: "10.0.0.11" }),
        ).toThrow("Missing required property 'clientConfiguration'");
    });

    it("types the inputs of the classes that have no required input", () => {
        // Secrets, Schematic and Provider have only optional inputs; pin their types instead.
        const typeOnly = (): unknown[] => [
            // @ts-expect-error talosVersion is a string
            new talos.machine.Secrets("bad", { talosVersion: 1 }),
            // @ts-expect-error schematic is YAML text, not an object
            new talos.imagefactory.Schematic("bad", { schematic: { customization: {} } }),
            // @ts-expect-error imageFactoryUrl is a string
            new talos.Provider("bad", { imageFactoryUrl: true }),
        ];
        expect(typeof typeOnly).toBe("function");
    });

    it("types the required invoke args", () => {
        const typeOnly = (): unknown[] => [
            // @ts-expect-error machineType is required
            talos.machine.getConfiguration({ clusterName: "c", clusterEndpoint: "https://x:6443", machineSecrets }),
            // @ts-expect-error clusterName is required
            talos.client.getConfiguration({ clientConfiguration }),
            // @ts-expect-error endpoints is required
            talos.cluster.getHealth({ clientConfiguration, controlPlaneNodes: [] }),
            // @ts-expect-error node is required
            talos.cluster.getKubeconfig({ clientConfiguration }),
            // @ts-expect-error talosVersion is required
            talos.imagefactory.getUrls({ schematicId: "abc" }),
        ];
        expect(typeof typeOnly).toBe("function");
    });

    it("lets Secrets outputs flow straight into the resources and invokes that take them", () => {
        const wire = (secrets: talos.machine.Secrets): unknown[] => [
            new talos.machine.Bootstrap("wired", { node: "n", clientConfiguration: secrets.clientConfiguration }),
            new talos.cluster.Kubeconfig("wired", { node: "n", clientConfiguration: secrets.clientConfiguration }),
            talos.machine.getConfigurationOutput({
                clusterName: "c",
                clusterEndpoint: "https://x:6443",
                machineType: "worker",
                machineSecrets: secrets.machineSecrets,
            }),
            talos.client.getConfigurationOutput({ clusterName: "c", clientConfiguration: secrets.clientConfiguration }),
        ];
        expect(typeof wire).toBe("function");
    });
});

describe("talos package registration", () => {
    it("can rebuild references to its resources and provider", () => {
        for (const mod of ["machine/secrets", "machine/configurationApply", "machine/bootstrap", "cluster/kubeconfig", "imageFactory/schematic"]) {
            expect(pulumi.runtime.getResourceModule("talos", mod, "0.8.1"), mod).toBeDefined();
        }
        expect(pulumi.runtime.getResourcePackage("talos", "0.8.1")).toBeDefined();
    });

    it("reads talos:imageFactoryUrl from stack config", () => {
        expect(talos.config.imageFactoryUrl).toBeUndefined();
    });
});
