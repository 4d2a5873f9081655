// Config rules the talos stack needs on real hardware (Talos, Proxmox,
// Kubernetes' NodeRestriction): each change to the example must produce
// exactly the named problem, and the allowed forms must pass.
import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { kubeletForbiddenLabel } from "../../core/config/node-labels";
import { toRawConfig } from "../../core/render/project-files";
import { validateConfig } from "../../core/main";
import { nvidiaFlavours } from "../../core/talos/config";
import talos from "../../core/talos";
import { exampleConfig, type ConfigValues } from "../helpers/plan";

function problems(mutate: (c: ConfigValues) => void): string[] {
  const values = exampleConfig("talos");
  mutate(values);
  const raw = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
  try {
    validateConfig(talos, raw);
    return [];
  } catch (err) {
    return (err as { issues: { path: (string | number)[]; message: string }[] }).issues.map((i) => `${formatConfigPath(i.path)}: ${i.message}`);
  }
}

const node = (c: ConfigValues, name: string) => (c["nodes"] as ConfigValues[]).find((n) => n["name"] === name)!;

describe("talos config rules on real hardware", () => {
  it("accepts the committed example", () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it.each<[string, (c: ConfigValues) => void, RegExp]>([
    // Ballooning
    ["a balloon floor on a GPU VM", (c) => (node(c, "k8s-gpu-1")["memoryFloor"] = 32768), /^homelab:nodes\[5\]\.memoryFloor: a node with a GPU cannot balloon: PCI passthrough pins all 65536 MiB/],
    // NodeRestriction
    ["a node-role label on a worker", (c) => (node(c, "k8s-worker-1")["labels"] = { "node-role.kubernetes.io/storage": "" }), /^homelab:nodes\[3\]\.labels\.node-role\.kubernetes\.io\/storage: a worker's kubelet may not set "node-role\.kubernetes\.io\/storage": NodeRestriction/],
    ["a kubernetes.io label in the worker labels", (c) => (c["talos"].workers.labels = { "kubernetes.io/role": "general" }), /^homelab:talos\.workers\.labels\.kubernetes\.io\/role: a worker's kubelet may not set/],
    ["a k8s.io label in the GPU labels", (c) => (c["talos"].gpu.labels = { "example.k8s.io/gpu": "true" }), /^homelab:talos\.gpu\.labels\.example\.k8s\.io\/gpu: a worker's kubelet may not set/],
    ["a node-restriction label", (c) => (node(c, "k8s-worker-2")["labels"] = { "node-restriction.kubernetes.io/pool": "a" }), /^homelab:nodes\[4\]\.labels\.node-restriction\.kubernetes\.io\/pool: .*reserves for labels only an administrator sets/],
    ["a label value the API server refuses", (c) => (node(c, "k8s-worker-1")["labels"] = { "homelab/zone": "rack 1" }), /^homelab:nodes\[3\]\.labels\.homelab\/zone: expected a Kubernetes label value .*got "rack 1"$/],
    ["a taint value the API server refuses", (c) => (c["talos"].gpu.taint.value = "-yes"), /^homelab:talos\.gpu\.taint\.value: expected a Kubernetes label value/],
    // VLAN
    ["workers tagged on a LAN the rest reach untagged", (c) => (node(c, "k8s-worker-1")["network"] = { bridge: "vmbr0", vlan: 10 }), /^homelab:nodes\[3\]\.network\.vlan: VLAN 10 differs from homelab:nodes\[0\] \(k8s-cp-1, untagged\); every node on the LAN subnet 10\.10\.0\.0\/24 needs the same VLAN, or set network\.vlanOverride/],
    // Nameservers, routes
    ["the VIP as a nameserver", (c) => (c["network"].nameservers = ["10.10.0.1", "10.10.0.10"]), /^homelab:network\.nameservers\[1\]: the VIP 10\.10\.0\.10 answers only the Kubernetes API/],
    ["a default route", (c) => (node(c, "k8s-gpu-1")["routes"] = [{ network: "0.0.0.0/0", gateway: "10.10.0.254" }]), /^homelab:nodes\[5\]\.routes\[0\]\.network: 0\.0\.0\.0\/0 is the default route/],
    ["a route inside the LAN", (c) => (node(c, "k8s-gpu-1")["routes"] = [{ network: "10.10.0.128/25", gateway: "10.10.0.254" }]), /^homelab:nodes\[5\]\.routes\[0\]\.network: 10\.10\.0\.128\/25 overlaps the LAN subnet 10\.10\.0\.0\/24/],
    ["a route around the LAN", (c) => (node(c, "k8s-gpu-1")["routes"] = [{ network: "10.0.0.0/8", gateway: "10.10.0.254" }]), /^homelab:nodes\[5\]\.routes\[0\]\.network: 10\.0\.0\.0\/8 overlaps the LAN subnet/],
    // NVIDIA
    ["mixed NVIDIA driver branches", (c) => (c["talos"].extensions.gpu = ["siderolabs/nvidia-open-gpu-kernel-modules-lts", "siderolabs/nvidia-container-toolkit-production"]), /^homelab:talos\.extensions\.gpu: NVIDIA extensions of more than one driver branch in one image \(siderolabs\/nvidia-open-gpu-kernel-modules-lts, siderolabs\/nvidia-container-toolkit-production\)/],
    // Timeouts
    ["an absurd node timeout", (c) => (c["upgrades"].nodeTimeout = "3000h"), /^homelab:upgrades\.nodeTimeout: expected between 5m and 6h, got "3000h"$/],
    ["a zero gate timeout", (c) => (c["upgrades"].gateTimeout = "0s"), /^homelab:upgrades\.gateTimeout: expected between 1m and 2h, got "0s"$/],
    ["a drain timeout too long for the shell", (c) => (c["upgrades"].drainTimeout = "99999999999999999999h"), /^homelab:upgrades\.drainTimeout: expected a duration like 30m/],
    // KubePrism and Cilium
    ["KubePrism on the API server's port", (c) => (c["talos"].kubePrismPort = 6443), /^homelab:talos\.kubePrismPort: port 6443 is taken on Talos nodes by the Kubernetes API server/],
    ["Cilium values pointing back at the VIP", (c) => (c["cilium"].values = { k8sServiceHost: "10.10.0.10" }), /^homelab:cilium\.values\.k8sServiceHost: set by the stack: Cilium reaches the API server through KubePrism \(localhost:7445\)/],
    // Config contract
    ["a contract newer than the installed Talos", (c) => ((c["talos"].version = "v1.12.4"), (c["talos"].configVersion = "v1.13")), /^homelab:talos\.configVersion: v1\.13 is newer than the installed Talos v1\.12\.4/],
    ["a contract older than the patches need", (c) => (c["talos"].configVersion = "v1.11"), /^homelab:talos\.configVersion: the machine-config patches of this stack need a v1\.12 contract or newer/],
    ["a contract newer than the provider generates", (c) => ((c["talos"].version = "v1.14.1"), (c["talos"].configVersion = "v1.14")), /^homelab:talos\.configVersion: the Talos provider this project binds generates configs up to v1\.13/],
    ["a malformed contract", (c) => (c["talos"].configVersion = "1.13"), /^homelab:talos\.configVersion: expected a Talos config contract like v1\.13, got "1\.13"$/],
  ])("rejects %s", (_what, mutate, expected) => {
    const found = problems(mutate);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it.each<[string, (c: ConfigValues) => void]>([
    ["a floor below memory on a VM without passthrough, when asked", (c) => (node(c, "k8s-worker-1")["memoryFloor"] = 8192)],
    ["no balloon device (0) on the GPU VM", (c) => (node(c, "k8s-gpu-1")["memoryFloor"] = 0)],
    ["a floor equal to memory on the GPU VM", (c) => (node(c, "k8s-gpu-1")["memoryFloor"] = 65536)],
    ["labels a kubelet may set on a worker", (c) => (node(c, "k8s-worker-1")["labels"] = { "node.kubernetes.io/pool": "a", "topology.kubernetes.io/region": "home", "kubelet.kubernetes.io/x": "y", "example.com/role": "db" })],
    ["a node-role label on a control plane (Talos labels control planes with an admin credential)", (c) => (node(c, "k8s-cp-1")["labels"] = { "node-role.kubernetes.io/infra": "" })],
    ["every node on the same VLAN", (c) => (c["nodes"] as ConfigValues[]).forEach((n) => (n["network"] = { bridge: "vmbr0", vlan: 10 }))],
    ["a VLAN mismatch the user declares on purpose", (c) => (node(c, "k8s-worker-1")["network"] = { bridge: "vmbr1", vlan: 10, vlanOverride: true })],
    ["one NVIDIA branch (lts)", (c) => (c["talos"].extensions.gpu = ["siderolabs/nvidia-open-gpu-kernel-modules-lts", "siderolabs/nvidia-container-toolkit-lts"])],
    ["a route right next to the LAN", (c) => (node(c, "k8s-gpu-1")["routes"] = [{ network: "10.10.1.0/24", gateway: "10.10.0.254" }])],
    ["timeouts at their bounds", (c) => Object.assign(c["upgrades"], { nodeTimeout: "6h", drainTimeout: "1m", gateTimeout: "1h59m60s" })],
    ["an older contract than the installed Talos", (c) => (c["talos"].configVersion = "v1.12")],
    ["another free KubePrism port", (c) => (c["talos"].kubePrismPort = 7500)],
  ])("accepts %s", (_what, mutate) => {
    expect(problems(mutate)).toEqual([]);
  });

  it("reports every cross-field problem in one error", () => {
    const found = problems((c) => {
      node(c, "k8s-gpu-1")["memoryFloor"] = 1024;
      node(c, "k8s-worker-2")["network"] = { bridge: "vmbr0", vlan: 20 };
      c["network"].nameservers = ["10.10.0.10"];
      c["talos"].extensions.gpu = ["siderolabs/nvidia-open-gpu-kernel-modules-lts", "siderolabs/nvidia-container-toolkit-production"];
    });
    expect(found.map((p) => p.slice(0, p.indexOf(": "))).sort()).toEqual([
      "homelab:network.nameservers[0]",
      "homelab:nodes[4].network.vlan",
      "homelab:nodes[5].memoryFloor",
      "homelab:talos.extensions.gpu",
    ]);
  });
});

describe("NodeRestriction's allow-list (kubernetes/kubernetes noderestriction, k8s.io/kubelet v0.35.4)", () => {
  it.each([
    "homelab/pool",
    "nvidia.com/gpu.present",
    "plain",
    "kubernetes.io/hostname",
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "node.kubernetes.io/anything",
    "sub.node.kubernetes.io/anything",
    "kubelet.kubernetes.io/anything",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "notkubernetes.io/x",
  ])("lets a kubelet set %s", (key) => {
    expect(kubeletForbiddenLabel(key)).toBeUndefined();
  });

  it.each([
    "node-role.kubernetes.io/worker",
    "node-role.kubernetes.io/control-plane",
    "kubernetes.io/role",
    "topology.kubernetes.io/rack",
    "k8s.io/x",
    "storage.k8s.io/x",
    "node-restriction.kubernetes.io/x",
    "a.node-restriction.kubernetes.io/x",
  ])("refuses %s", (key) => {
    expect(kubeletForbiddenLabel(key)).toMatch(/NodeRestriction/);
  });
});

describe("NVIDIA driver branches (siderolabs/extensions v1.13.9, nvidia-gpu/)", () => {
  it("reads the branch of every NVIDIA extension and ignores others", () => {
    expect([
      ...nvidiaFlavours([
        "siderolabs/iscsi-tools",
        "siderolabs/nonfree-kmod-nvidia-lts",
        "siderolabs/nvidia-fabricmanager-production",
        "siderolabs/nvidia-container-toolkit-production",
      ]),
    ]).toEqual([
      ["lts", "siderolabs/nonfree-kmod-nvidia-lts"],
      ["production", "siderolabs/nvidia-fabricmanager-production"],
    ]);
  });
});
