// The talos stack rendered from the committed example config: what a user
// gets from `just core talos up`, checked on the captured plan.
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { exampleConfig, render, type PlanView, nonEmpty } from "../helpers/plan";

/** Validates against the upstream CRD schema (the model's types omit `validate` under this tsconfig). */
function validateAppSet(obj: unknown): void {
  (new ApplicationSet(obj as ConstructorParameters<typeof ApplicationSet>[0]) as unknown as { validate(): void }).validate();
}

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const FILE = "proxmoxve:download/file:File";
const APPLY = "talos:machine/configurationApply:ConfigurationApply";
const BOOTSTRAP = "talos:machine/bootstrap:Bootstrap";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const GET_CONFIG = "talos:machine/getConfiguration:getConfiguration";

let plan: PlanView;
const example = exampleConfig("talos");
const nodes = example["nodes"] as { name: string; role: string; ip: string; gpu?: unknown }[];

beforeAll(async () => {
  plan = await render("talos");
});

const vm = (node: string) => plan.one(`${node}-vm`, VM).values as Record<string, any>;
const patchesOf = (node: string) => (plan.one(`${node}-config`, APPLY).values["configPatches"] as string[]).map((p) => YAML.parse(p));
/** The generated-config look-up of one machine class, told apart by its patches. */
function classConfig(kind: "controlplane" | "worker" | "gpu") {
  const all = plan.invokes(GET_CONFIG).map((i) => ({ args: i.values as Record<string, any>, patches: (i.values["configPatches"] as string[]).map((p) => YAML.parse(p)) }));
  const isGpu = (p: any[]) => p.some((d) => d.machine?.kubelet?.extraConfig?.registerWithTaints);
  const found = all.filter((c) =>
    kind === "controlplane" ? c.args["machineType"] === "controlplane" : c.args["machineType"] === "worker" && isGpu(c.patches) === (kind === "gpu"),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("Proxmox", () => {
  it("connects with the API token from the secret, TLS verified", () => {
    const provider = plan.one("proxmox", "pulumi:providers:proxmoxve");
    // Provider config travels as strings.
    expect(provider.values["insecure"]).toBe("false");
    expect(provider.values["endpoint"]).toBe("https://10.10.0.2:8006/");
    expect(provider.values["apiToken"]).toBe("pulumi@pve!homelab=placeholder-proxmox-api-token");
    expect(plan.isSecretInput(provider, "apiToken")).toBe(true);
  });

  it("creates one VM per node, on its host, with its id and name", () => {
    expect(plan.ofType(VM)).toHaveLength(nodes.length);
    expect(vm("k8s-cp-2")).toMatchObject({ name: "k8s-cp-2", nodeName: "pve2", vmId: 1102 });
    expect(vm("k8s-gpu-1")).toMatchObject({ name: "k8s-gpu-1", nodeName: "pve3", vmId: 1301 });
  });

  it("protects every VM and its disks by default: Pulumi protect plus Proxmox's protection flag", () => {
    for (const r of nonEmpty(plan.ofType(VM))) {
      expect(r.protect, r.name).toBe(true);
      expect(r.values["protection"], r.name).toBe(true);
    }
  });

  it("builds control-plane VMs as q35/OVMF with an EFI disk, virtio-scsi-single, guest agent and start on boot", () => {
    expect(vm("k8s-cp-1")).toMatchObject({
      machine: "q35",
      bios: "ovmf",
      efiDisk: { datastoreId: "local-lvm", type: "4m" },
      scsiHardware: "virtio-scsi-single",
      agent: { enabled: true },
      onBoot: true,
      cpu: { cores: 4, units: 100 },
      // No ballooning: the balloon floor is the whole memory unless config asks for less.
      memory: { dedicated: 8192, floating: 8192 },
      tags: ["controlplane", "k8s", "talos"],
    });
    expect(vm("k8s-cp-1")["hostpcis"]).toBeUndefined();
  });

  it("gives workers their CPU weight, memory (never ballooned), disk and bridge, untagged like every node on the LAN", () => {
    const w = vm("k8s-worker-1");
    expect(w["cpu"]).toMatchObject({ cores: 8, units: 200 });
    expect(w["memory"]).toEqual({ dedicated: 16384, floating: 16384 });
    expect(w["disks"]).toEqual([expect.objectContaining({ interface: "scsi0", datastoreId: "local-lvm", size: 256 })]);
    expect(w["networkDevices"]).toEqual([{ bridge: "vmbr0", model: "virtio", macAddress: "02:7a:00:00:04:b1" }]);
  });

  it("passes the GPU through by resource mapping, PCIe, not primary VGA, and boots the GPU image", () => {
    const g = vm("k8s-gpu-1");
    expect(g["hostpcis"]).toEqual([{ device: "hostpci0", mapping: "rtx-4090", pcie: true, xvga: false }]);
    expect(g["disks"][0]).toMatchObject({ datastoreId: "nvme", size: 512, fileId: "local:iso/talos-v1.13.9-gpu-nocloud-amd64.img" });
    expect(vm("k8s-worker-1")["disks"][0].fileId).toBe("local:iso/talos-v1.13.9-base-nocloud-amd64.img");
  });

  it("hands each VM its final address through cloud-init, so Talos maintenance mode is reachable", () => {
    expect(vm("k8s-worker-2")["initialization"]).toMatchObject({
      ipConfigs: [{ ipv4: { address: "10.10.0.22/24", gateway: "10.10.0.1" } }],
      dns: { servers: ["10.10.0.1", "1.1.1.1"] },
    });
  });

  it("never re-creates a VM because its boot image changed", () => {
    for (const r of nonEmpty(plan.ofType(VM))) expect(r.ignoreChanges).toContain("disks[0].fileId");
  });
});

describe("images", () => {
  it("downloads the base image to every host running a base node and the GPU image only where the GPU node runs", () => {
    const files = plan.ofType(FILE).map((f) => `${f.values["nodeName"]}:${f.values["fileName"]}`).sort();
    expect(files).toEqual([
      "pve1:talos-v1.13.9-base-nocloud-amd64.img",
      "pve2:talos-v1.13.9-base-nocloud-amd64.img",
      "pve3:talos-v1.13.9-base-nocloud-amd64.img",
      "pve3:talos-v1.13.9-gpu-nocloud-amd64.img",
    ]);
  });

  it("replaces a download cleanly: delete first, replace when the URL changes", () => {
    for (const f of nonEmpty(plan.ofType(FILE))) {
      expect(f.deleteBeforeReplace).toBe(true);
      expect(f.replaceOnChanges).toContain("url");
      expect(f.values).toMatchObject({ contentType: "iso", decompressionAlgorithm: "gz", datastoreId: "local" });
    }
  });

  it("builds each schematic from the configured extensions, the GPU one on top of base", () => {
    const gpu = YAML.parse(plan.one("homelab-image-gpu-schematic").values["schematic"] as string);
    expect(gpu.customization.systemExtensions.officialExtensions).toEqual([
      "siderolabs/iscsi-tools",
      "siderolabs/nvidia-container-toolkit-production",
      "siderolabs/nvidia-open-gpu-kernel-modules-production",
      "siderolabs/qemu-guest-agent",
      "siderolabs/util-linux-tools",
    ]);
  });

  it("downloads the nocloud image of the schematic and Talos version", () => {
    const schematicId = (plan.output("schematicIds") as Record<string, string>)["base"]!;
    expect(plan.one("homelab-image-base-pve1", FILE).values["url"]).toBe(
      `https://factory.talos.dev/image/${schematicId}/v1.13.9/nocloud-amd64.raw.gz`,
    );
  });
});

describe("machine configuration", () => {
  it("protects the machine secrets from deletion and keeps them secret", () => {
    const secrets = plan.one("homelab-secrets", "talos:machine/secrets:Secrets");
    expect(secrets.protect).toBe(true);
    expect(secrets.additionalSecretOutputs).toEqual(expect.arrayContaining(["machineSecrets", "clientConfiguration"]));
  });

  it("generates one config per class for the configured cluster, Talos and Kubernetes versions", () => {
    const invokes = plan.invokes(GET_CONFIG);
    expect(invokes).toHaveLength(3);
    for (const i of invokes)
      expect(i.values).toMatchObject({
        clusterName: "homelab",
        clusterEndpoint: "https://10.10.0.10:6443",
        // The config contract (pinned), not the installed version.
        talosVersion: "v1.13",
        kubernetesVersion: "v1.35.4",
      });
  });

  it("patches every class with the cluster-wide settings and its schematic's installer", () => {
    const schematicIds = plan.output("schematicIds") as Record<string, string>;
    for (const [kind, image] of [["controlplane", "base"], ["worker", "base"], ["gpu", "gpu"]] as const) {
      const { patches } = classConfig(kind);
      expect(patches).toContainEqual(expect.objectContaining({ cluster: expect.objectContaining({ network: { cni: { name: "none" } }, proxy: { disabled: true } }) }));
      expect(patches).toContainEqual({ machine: { install: { disk: "/dev/sda", image: `factory.talos.dev/nocloud-installer/${schematicIds[image]}:v1.13.9` } } });
    }
  });

  it("puts the VIP on control planes only", () => {
    const vip = { apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "10.10.0.10", link: "lan" };
    expect(classConfig("controlplane").patches).toContainEqual(vip);
    expect(classConfig("worker").patches).not.toContainEqual(vip);
  });

  it("gives workers storage modules and GPU workers the NVIDIA modules, taint and label on top", () => {
    const worker = classConfig("worker").patches;
    const gpu = classConfig("gpu").patches;
    const modules = (p: any[]) => p.flatMap((d) => d.machine?.kernel?.modules ?? []).map((m: { name: string }) => m.name);
    // Longhorn's v1 data engine needs iscsi_tcp (longhorn/website docs 1.13.0, Talos support page).
    expect(modules(worker)).toEqual(["iscsi_tcp"]);
    expect(modules(gpu)).toEqual(["iscsi_tcp", "nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"]);
    // Registered by the kubelet: a worker may not change its own taints later (NodeRestriction).
    const taints = gpu.flatMap((d) => d.machine?.kubelet?.extraConfig?.registerWithTaints ?? []);
    expect(taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
    expect(gpu.concat(worker).filter((d) => d.machine?.nodeTaints)).toEqual([]);
    expect(modules(classConfig("controlplane").patches)).toEqual([]);
  });

  it("patches each node with its own hostname, address, routes, resolvers and labels", () => {
    const docs = patchesOf("k8s-gpu-1");
    expect(docs.find((d) => d.kind === "HostnameConfig")).toMatchObject({ hostname: "k8s-gpu-1", auto: "off" });
    expect(docs.find((d) => d.kind === "LinkConfig")).toMatchObject({
      addresses: [{ address: "10.10.0.31/24" }],
      routes: [{ gateway: "10.10.0.1" }, { destination: "10.20.0.0/16", gateway: "10.10.0.254" }],
    });
    expect(docs.find((d) => d.kind === "ResolverConfig")).toBeDefined();
    expect(patchesOf("k8s-worker-1")).toContainEqual({ machine: { nodeLabels: { "topology.kubernetes.io/zone": "pve1" } } });
  });

  it("applies each node its class's generated config as a secret, with the machine secrets' client credentials", () => {
    const apply = plan.one("k8s-worker-2-config", APPLY);
    expect(apply.values).toMatchObject({ node: "10.10.0.22", endpoint: "10.10.0.22" });
    expect(plan.isSecretInput(apply, "machineConfigurationInput")).toBe(true);
    expect(plan.isSecretInput(apply, "clientConfiguration")).toBe(true);
    expect(YAML.parseAllDocuments(apply.values["machineConfigurationInput"] as string)[0]!.toJSON().machine.type).toBe("worker");
  });
});

describe("bootstrap order", () => {
  const node = (n: string) => plan.one(`${n}-config`, APPLY);

  it("applies every node's config only after its VM exists", () => {
    for (const n of nodes) expect(plan.dependsOn(node(n.name), plan.one(`${n.name}-vm`, VM))).toBe(true);
  });

  it("bootstraps exactly once, on a control plane, after every control-plane apply", () => {
    const [bootstrap, ...rest] = plan.ofType(BOOTSTRAP);
    expect(rest).toHaveLength(0);
    expect(bootstrap!.values["node"]).toBe("10.10.0.11");
    for (const n of nodes.filter((x) => x.role === "controlplane")) expect(plan.dependsOn(bootstrap!, node(n.name))).toBe(true);
    expect(plan.dependsOn(bootstrap!, node("k8s-worker-1"))).toBe(false);
  });

  it("installs Cilium after the kubeconfig, then Argo CD, then the ApplicationSet", () => {
    const cilium = plan.one("cilium-release", RELEASE);
    const argocd = plan.one("argocd-release", RELEASE);
    const apps = plan.one("argocd-apps");
    expect(plan.dependsOn(cilium, plan.one("homelab-kubeconfig"))).toBe(true);
    expect(plan.dependsOn(cilium, plan.one("k8s-cp-1-vm", VM))).toBe(true);
    expect(plan.dependsOn(argocd, cilium)).toBe(true);
    expect(plan.dependsOn(apps, argocd)).toBe(true);
    expect(cilium.provider).toContain("kubernetes");
  });
});

describe("outputs", () => {
  it("exports kubeconfig and talosconfig as secrets", () => {
    expect(plan.isSecretOutput("kubeconfig")).toBe(true);
    expect(plan.isSecretOutput("talosconfig")).toBe(true);
    expect(plan.plan.outputs["kubeconfig"]).toBe("[secret]");
    expect(YAML.parse(plan.output("talosconfig") as string).contexts.homelab.endpoints).toEqual(["10.10.0.11", "10.10.0.12", "10.10.0.13"]);
  });

  it("exports the API endpoint, node addresses and schematic ids", () => {
    expect(plan.output("apiEndpoint")).toBe("https://10.10.0.10:6443");
    expect(plan.output("nodes")).toEqual(Object.fromEntries(nodes.map((n) => [n.name, n.ip])));
    const ids = plan.output("schematicIds") as Record<string, string>;
    expect(Object.keys(ids).sort()).toEqual(["base", "gpu"]);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(ids["base"]).not.toBe(ids["gpu"]);
  });

  it("builds the Kubernetes provider from the kubeconfig output, kept secret", () => {
    const k8s = plan.one("kubernetes", "pulumi:providers:kubernetes");
    expect(plan.isSecretInput(k8s, "kubeconfig")).toBe(true);
  });
});

describe("Cilium and Argo CD", () => {
  it("runs Cilium from the pinned chart with kube-proxy replacement through KubePrism, L2, external IPs, Gateway API and Hubble", () => {
    const cilium = plan.one("cilium-release", RELEASE).values as Record<string, any>;
    expect(cilium).toMatchObject({ chart: "cilium", version: "1.18.12", namespace: "kube-system" });
    expect(cilium["values"]).toMatchObject({
      kubeProxyReplacement: true,
      // KubePrism on every node, never the VIP (which moves during upgrades).
      k8sServiceHost: "localhost",
      k8sServicePort: 7445,
      l2announcements: { enabled: true },
      externalIPs: { enabled: true },
      // The platform stack owns the cilium GatewayClass; Cilium must not create a second one.
      gatewayAPI: { enabled: true, gatewayClass: { create: "false" } },
      hubble: { relay: { enabled: true }, ui: { enabled: true } },
      cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    });
  });

  it("merges the config's values over the stack's", () => {
    const values = plan.one("cilium-release", RELEASE).values["values"] as Record<string, any>;
    expect(values["hubble"]).toEqual({ enabled: true, relay: { enabled: true, replicas: 1 }, ui: { enabled: true } });
  });

  it("runs Argo CD from the pinned chart", () => {
    expect(plan.one("argocd-release", RELEASE).values).toMatchObject({ chart: "argo-cd", version: "9.3.4", namespace: "argocd", createNamespace: true });
  });

  it("declares an ApplicationSet over every top-level directory of the manifests branch that the Argo CD schema accepts", () => {
    const inputs = plan.one("argocd-apps").values as Record<string, any>;
    const appSet = { apiVersion: inputs["apiVersion"], kind: inputs["kind"], metadata: inputs["metadata"], spec: inputs["spec"] };
    expect(() => validateAppSet(appSet)).not.toThrow();
    expect(appSet.spec.generators).toEqual([
      { git: { repoURL: "https://github.com/example-org/homelab-manifests.git", revision: "manifests", directories: [{ path: "*" }] } },
    ]);
    expect(appSet.spec.template.metadata.name).toBe("{{.path.basename}}");
    expect(appSet.spec.template.spec.destination.namespace).toBe("{{.path.basename}}");
    expect(appSet.spec.template.spec.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
      syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
    });
  });
});
