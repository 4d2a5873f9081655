// Pure builders of the talos stack: Talos config patches, image names,
// VM device slots, Helm values and the ApplicationSet object.
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { applicationSet } from "../../core/talos/argocd";
import { ciliumValues } from "../../core/talos/cilium";
import { imageFileName, proxmoxDiskImageUrl, schematicFor } from "../../core/talos/image";
import {
  clusterPatch,
  controlPlanePatch,
  gpuPatch,
  installPatch,
  LAN_LINK,
  nodeLabelsPatch,
  nodeMac,
  nodeNetworkDocuments,
  toPatch,
  vipDocument,
  workerPatch,
  type MachineDocument,
} from "../../core/talos/machine-config";
import { hostpciSlots, vmTags } from "../../core/talos/node";
import { deepMerge } from "../../core/talos/values";

/** Validates against the upstream CRD schema (the model's types omit `validate` under this tsconfig). */
function validateAppSet(obj: unknown): void {
  (new ApplicationSet(obj as ConstructorParameters<typeof ApplicationSet>[0]) as unknown as { validate(): void }).validate();
}

/**
 * Facts from the Talos v1.13.9 config schema (pkg/machinery/config/schemas),
 * embedded so the test needs nothing outside the project: the fields each
 * document kind allows (additionalProperties is false everywhere) and the
 * required ones.
 */
const SCHEMA_1_13 = {
  kinds: {
    HostnameConfig: { allowed: ["apiVersion", "kind", "auto", "hostname"], required: ["apiVersion", "kind"], enums: { auto: ["stable", "off"] } },
    LinkAliasConfig: { allowed: ["apiVersion", "kind", "name", "selector"], required: ["apiVersion", "kind", "name"] },
    LinkConfig: { allowed: ["apiVersion", "kind", "name", "up", "mtu", "addresses", "routes", "multicast"], required: ["apiVersion", "kind", "name"] },
    Layer2VIPConfig: { allowed: ["apiVersion", "kind", "name", "link"], required: ["apiVersion", "kind", "name"] },
    ResolverConfig: { allowed: ["apiVersion", "kind", "nameservers", "searchDomains"], required: ["apiVersion", "kind"] },
  } as Record<string, { allowed: string[]; required: string[]; enums?: Record<string, string[]> }>,
  address: ["address", "routePriority"],
  route: ["destination", "gateway", "source", "metric", "mtu", "table"],
  machine: ["type", "token", "ca", "acceptedCAs", "certSANs", "controlPlane", "kubelet", "pods", "install", "files", "sysctls", "sysfs", "features", "udev", "logging", "kernel", "seccompProfiles", "baseRuntimeSpecOverrides", "nodeLabels", "nodeAnnotations", "nodeTaints"],
  cluster: ["id", "secret", "controlPlane", "clusterName", "network", "token", "aescbcEncryptionSecret", "secretboxEncryptionSecret", "ca", "acceptedCAs", "aggregatorCA", "serviceAccount", "apiServer", "controllerManager", "proxy", "scheduler", "discovery", "etcd", "coreDNS", "externalCloudProvider", "extraManifests", "extraManifestHeaders", "inlineManifests", "adminKubeconfig", "allowSchedulingOnControlPlanes"],
  install: ["disk", "diskSelector", "image", "wipe", "legacyBIOSSupport", "grubUseUKICmdline"],
  kubelet: ["image", "clusterDNS", "extraArgs", "extraMounts", "extraConfig", "credentialProviderConfig", "defaultRuntimeSeccompProfileEnabled", "registerWithFQDN", "nodeIP", "skipNodeRegistration", "disableManifestsDirectory"],
  features: ["kubernetesTalosAPIAccess", "diskQuotaSupport", "kubePrism", "hostDNS", "imageCache", "nodeAddressSortAlgorithm"],
  kubePrism: ["enabled", "port"],
  cni: ["flannel", "custom", "none"],
};

/** Checks one patch (as Talos reads it) against the embedded schema facts. */
function expectAcceptedBy113(patch: string) {
  const doc = YAML.parse(patch) as Record<string, any>;
  if ("kind" in doc) {
    const kind = SCHEMA_1_13.kinds[doc["kind"]];
    expect(kind, `kind ${doc["kind"]} exists in Talos 1.13`).toBeDefined();
    expect(doc["apiVersion"]).toBe("v1alpha1");
    for (const key of Object.keys(doc)) expect(kind!.allowed, `${doc["kind"]}.${key}`).toContain(key);
    for (const key of kind!.required) expect(doc, `${doc["kind"]} requires ${key}`).toHaveProperty(key);
    for (const [key, values] of Object.entries(kind!.enums ?? {})) if (key in doc) expect(values).toContain(doc[key]);
    for (const a of doc["addresses"] ?? []) {
      for (const key of Object.keys(a)) expect(SCHEMA_1_13.address).toContain(key);
      expect(a.address).toMatch(/^[0-9a-f.:]+\/\d{1,3}$/);
    }
    for (const r of doc["routes"] ?? []) for (const key of Object.keys(r)) expect(SCHEMA_1_13.route).toContain(key);
  } else {
    for (const key of Object.keys(doc)) expect(["version", "debug", "machine", "cluster"]).toContain(key);
    for (const key of Object.keys(doc["machine"] ?? {})) expect(SCHEMA_1_13.machine, `machine.${key}`).toContain(key);
    for (const key of Object.keys(doc["cluster"] ?? {})) expect(SCHEMA_1_13.cluster, `cluster.${key}`).toContain(key);
    for (const key of Object.keys(doc["machine"]?.install ?? {})) expect(SCHEMA_1_13.install).toContain(key);
    for (const key of Object.keys(doc["machine"]?.kubelet ?? {})) expect(SCHEMA_1_13.kubelet, `machine.kubelet.${key}`).toContain(key);
    for (const key of Object.keys(doc["machine"]?.features ?? {})) expect(SCHEMA_1_13.features, `machine.features.${key}`).toContain(key);
    for (const key of Object.keys(doc["machine"]?.features?.kubePrism ?? {})) expect(SCHEMA_1_13.kubePrism).toContain(key);
    if (doc["cluster"]?.network?.cni) expect(SCHEMA_1_13.cni).toContain(doc["cluster"].network.cni.name);
    // The deprecated network block is what the 1.13 multi-document kinds replace.
    expect(doc["machine"]?.network).toBeUndefined();
  }
  return doc;
}

const parse = (d: MachineDocument) => expectAcceptedBy113(toPatch(d));

describe("cluster-wide patch", () => {
  const doc = parse(clusterPatch({ clusterName: "homelab", vip: "10.10.0.10", subnet: "10.10.0.0/24", kubePrismPort: 7445 }));

  it("points the cluster at the VIP with no CNI and no kube-proxy", () => {
    expect(doc["cluster"]).toEqual({
      clusterName: "homelab",
      controlPlane: { endpoint: "https://10.10.0.10:6443" },
      network: { cni: { name: "none" } },
      proxy: { disabled: true },
    });
  });

  it("keeps the kubelet's node IP on the LAN", () => {
    expect(doc["machine"].kubelet.nodeIP.validSubnets).toEqual(["10.10.0.0/24"]);
  });

  it("turns KubePrism on explicitly, on the configured port", () => {
    expect(doc["machine"].features).toEqual({ kubePrism: { enabled: true, port: 7445 } });
    const other = parse(clusterPatch({ clusterName: "homelab", vip: "10.10.0.10", subnet: "10.10.0.0/24", kubePrismPort: 7500 }));
    expect(other["machine"].features.kubePrism.port).toBe(7500);
  });

  it("installs the schematic's installer image to the configured disk", () => {
    const install = parse(installPatch("/dev/sda", "factory.talos.dev/nocloud-installer/abc:v1.13.9"));
    expect(install["machine"].install).toEqual({ disk: "/dev/sda", image: "factory.talos.dev/nocloud-installer/abc:v1.13.9" });
  });
});

describe("role patches", () => {
  it("control planes advertise etcd on the LAN and hold the VIP on the lan link", () => {
    expect(parse(controlPlanePatch("10.10.0.0/24"))["cluster"].etcd.advertisedSubnets).toEqual(["10.10.0.0/24"]);
    expect(parse(vipDocument("10.10.0.10"))).toEqual({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "10.10.0.10", link: LAN_LINK });
  });

  it("workers load the storage kernel modules and carry the worker labels", () => {
    const doc = parse(workerPatch({ kernelModules: ["iscsi_tcp", "nbd", "dm_thin_pool"], labels: { "homelab/pool": "general" } }));
    expect(doc["machine"].kernel.modules).toEqual([{ name: "iscsi_tcp" }, { name: "nbd" }, { name: "dm_thin_pool" }]);
    expect(doc["machine"].nodeLabels).toEqual({ "homelab/pool": "general" });
  });

  it("GPU nodes load the NVIDIA modules and are reserved by taint and label", () => {
    const doc = parse(
      gpuPatch({
        kernelModules: ["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"],
        labels: { "nvidia.com/gpu.present": "true" },
        taint: { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" },
      }),
    );
    expect(doc["machine"].kernel.modules.map((m: { name: string }) => m.name)).toEqual(["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"]);
    // The kubelet registers the taint; Talos' nodeTaints would be refused for a worker (NodeRestriction).
    expect(doc["machine"].kubelet.extraConfig.registerWithTaints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
    expect(doc["machine"].nodeTaints).toBeUndefined();
    expect(doc["machine"].nodeLabels).toEqual({ "nvidia.com/gpu.present": "true" });
    expect(doc["machine"].sysctls).toEqual({ "net.core.bpf_jit_harden": "1" });
  });
});

describe("per-node network documents", () => {
  const docs = nodeNetworkDocuments({
    node: { name: "k8s-gpu-1", vmId: 1301, ip: "10.10.0.31", routes: [{ network: "10.20.0.0/16", gateway: "10.10.0.254", metric: 50 }] },
    prefix: 24,
    gateway: "10.10.0.1",
    nameservers: ["10.10.0.1", "1.1.1.1"],
  }).map(parse);
  const byKind = (kind: string) => docs.find((d) => d["kind"] === kind)!;

  it("sets the static hostname and turns the generated automatic one off", () => {
    expect(byKind("HostnameConfig")).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: "k8s-gpu-1" });
  });

  it("names the NIC by the VM's fixed MAC", () => {
    expect(byKind("LinkAliasConfig")).toEqual({
      apiVersion: "v1alpha1",
      kind: "LinkAliasConfig",
      name: LAN_LINK,
      selector: { match: 'mac(link.permanent_addr) == "02:7a:00:00:05:15"' },
    });
  });

  it("gives the lan link its address with prefix, the default gateway and the extra routes", () => {
    expect(byKind("LinkConfig")).toEqual({
      apiVersion: "v1alpha1",
      kind: "LinkConfig",
      name: LAN_LINK,
      up: true,
      addresses: [{ address: "10.10.0.31/24" }],
      routes: [{ gateway: "10.10.0.1" }, { destination: "10.20.0.0/16", gateway: "10.10.0.254", metric: 50 }],
    });
  });

  it("sets the nameservers", () => {
    expect(byKind("ResolverConfig")["nameservers"]).toEqual([{ address: "10.10.0.1" }, { address: "1.1.1.1" }]);
  });

  it("adds a node's own labels only when it has some", () => {
    expect(nodeLabelsPatch({})).toBeUndefined();
    expect(parse(nodeLabelsPatch({ "topology.kubernetes.io/zone": "pve1" })!)["machine"].nodeLabels).toEqual({ "topology.kubernetes.io/zone": "pve1" });
  });

  it("writes `off` quoted, so no YAML reader takes it for a boolean", () => {
    expect(toPatch({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: "x" })).toContain('auto: "off"');
  });
});

describe("VM identity and devices", () => {
  it("derives a locally administered, unique MAC from the VM id", () => {
    expect(nodeMac(1101)).toBe("02:7a:00:00:04:4d");
    expect(nodeMac(999_999_999)).toBe("02:7a:3b:9a:c9:ff");
    expect(nodeMac(1101)).not.toBe(nodeMac(1102));
  });

  it("gives each GPU device its own hostpci slot, PCIe on, never the primary display", () => {
    expect(hostpciSlots({ mappings: ["rtx-4090", "rtx-4090-audio"] })).toEqual([
      { device: "hostpci0", mapping: "rtx-4090", pcie: true, xvga: false },
      { device: "hostpci1", mapping: "rtx-4090-audio", pcie: true, xvga: false },
    ]);
    expect(hostpciSlots({ pciIds: ["0000:01:00.0"] })).toEqual([{ device: "hostpci0", id: "0000:01:00.0", pcie: true, xvga: false }]);
    expect(hostpciSlots(undefined)).toEqual([]);
  });

  it("sends tags sorted and unique, as Proxmox stores them", () => {
    expect(vmTags({ tags: ["worker", "k8s", "worker"], role: "worker" }, "worker")).toEqual(["k8s", "talos", "worker"]);
  });
});

describe("images", () => {
  it("builds the schematic from the extension list, order-independent", () => {
    expect(schematicFor(["siderolabs/util-linux-tools", "siderolabs/iscsi-tools", "siderolabs/iscsi-tools"])).toEqual({
      customization: { systemExtensions: { officialExtensions: ["siderolabs/iscsi-tools", "siderolabs/util-linux-tools"] } },
    });
  });

  it("names the file by kind and version only, never the schematic id", () => {
    expect(imageFileName("gpu", "v1.13.9")).toBe("talos-v1.13.9-gpu-nocloud-amd64.img");
  });

  it("asks the factory for a gzip image Proxmox can decompress", () => {
    expect(proxmoxDiskImageUrl("https://factory.talos.dev/image/abc/v1.13.9/nocloud-amd64.raw.xz")).toBe(
      "https://factory.talos.dev/image/abc/v1.13.9/nocloud-amd64.raw.gz",
    );
    expect(proxmoxDiskImageUrl("https://factory.talos.dev/image/abc/v1.13.9/nocloud-amd64.raw.zst")).toMatch(/\.raw\.gz$/);
  });
});

describe("Helm values", () => {
  it("merges overrides into nested objects and replaces lists", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: true })).toEqual({ a: { b: 1, c: [3] }, d: 1, e: true });
  });

  it("sets the Cilium options Talos requires", () => {
    const v = ciliumValues({ kubePrismPort: 7445, nodeCount: 6 }) as Record<string, any>;
    expect(v["cgroup"]).toEqual({ autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" });
    expect(v["securityContext"].capabilities.ciliumAgent).not.toContain("SYS_MODULE");
    expect(v["securityContext"].capabilities.cleanCiliumState).toEqual(["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"]);
    expect(v["ipam"]).toEqual({ mode: "kubernetes" });
  });

  it("runs one Cilium operator on a one-node cluster", () => {
    expect((ciliumValues({ kubePrismPort: 7445, nodeCount: 1 }) as any).operator.replicas).toBe(1);
  });
});

describe("ApplicationSet", () => {
  const appSet = applicationSet({ name: "manifests", namespace: "argocd", repoUrl: "https://github.com/o/r.git", branch: "manifests" });

  it("passes the upstream Argo CD schema", () => {
    expect(() => validateAppSet(appSet)).not.toThrow();
  });

  it("is rejected by that schema when a field is misspelled (the check can fail)", () => {
    const broken = structuredClone(appSet) as any;
    broken.spec.generators[0].git.directories = "*";
    expect(() => validateAppSet(broken)).toThrow();
  });
});
