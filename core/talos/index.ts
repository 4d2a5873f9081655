/**
 * The `talos` stack (docs/architecture.md#talos): Proxmox VMs running Talos, bootstrapped
 * into a Kubernetes cluster with Cilium as CNI and Argo CD syncing the
 * manifests branch. This file is the table of contents; each concern lives in
 * its own module next to it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { lanPrefix } from "../config/project";
import { defineStack } from "../stack";
import { ArgoCd } from "./argocd";
import { Cilium } from "./cilium";
import { TalosCluster } from "./cluster";
import { contractOf, durationSeconds, newClusterContract, proxmoxSecrets, talosStackShape, validateTalosStack } from "./config";
import { GpuTaints } from "./gpu-taint";
import { nodeHosts } from "./placement";
import { proxmoxCredential, proxmoxProvider } from "./proxmox-provider";
import { TalosUpgrades } from "./upgrades";

export default defineStack({
  name: "talos",
  shape: talosStackShape,
  rules: validateTalosStack,
  requiredSecrets: (c) => proxmoxSecrets(c.proxmox),
  run: (c, secrets) => {
    const hosts = c.proxmox.hosts.map((h) => h.name);
    const placement = nodeHosts(c.nodes, hosts);
    const proxmox = proxmoxProvider("proxmox", c.proxmox, secrets);
    const target = c.talos.kubernetesVersion;
    // This stack's own last outputs (what the running cluster was built with), read only when needed.
    let self: pulumi.StackReference | undefined;
    const recorded = () => (self ??= new pulumi.StackReference("talos-self", { name: c.stackRefs.talos }));
    // With upgrades on, machine configs keep the Kubernetes version the cluster
    // runs (this stack's last recorded output), so a new version is not pushed
    // to every kubelet and control plane at once by a config apply: the
    // upgrade-k8s step after the node steps moves it, then the output records it.
    const configKubernetesVersion = c.upgrades.enabled ? recordedOr(recorded(), "kubernetesVersion", target) : target;
    // The machine-config contract stays where the cluster started unless config sets it.
    const configVersion = c.talos.configVersion !== undefined
      ? contractOf(c.talos.configVersion)
      : recordedOr(recorded(), "configVersion", newClusterContract(c.talos.version));

    const cluster = new TalosCluster(c.talos.clusterName, {
      talos: c.talos,
      nodes: c.nodes,
      placement,
      imageDatastores: new Map(c.proxmox.hosts.map((h) => [h.name, h.imageDatastore])),
      sharedDatastores: new Set(c.proxmox.sharedDatastores),
      network: { ...c.network, prefix: lanPrefix(c) },
      cpuType: c.proxmox.cpuType,
      protectVms: c.proxmox.protectVms,
      proxmox,
      configKubernetesVersion,
      configVersion,
    });

    // Everything in the cluster goes through this provider, built from the
    // kubeconfig output (no file on disk); it waits until the API answers.
    const kubernetes = new k8s.Provider("kubernetes", { kubeconfig: cluster.kubeconfig }, { dependsOn: [cluster.ready] });
    const cilium = new Cilium(
      "cilium",
      { config: c.cilium, provider: kubernetes, kubePrismPort: c.talos.kubePrismPort, nodeCount: c.nodes.length },
      { dependsOn: [cluster.ready] },
    );

    // Nodes that registered before their GPU taint existed get it from the Kubernetes side.
    const gpuNodes = cluster.nodes.filter((n) => n.machineClass === "gpu");
    if (gpuNodes.length > 0)
      new GpuTaints("gpu-taints", {
        nodes: gpuNodes.map((n) => n.nodeName),
        taint: c.talos.gpu.taint,
        kubeconfig: cluster.kubeconfig,
        gateSeconds: durationSeconds(c.upgrades.gateTimeout),
        clusterReady: [cluster.ready, ...gpuNodes.map((n) => n.configApply)],
      });
    // Argo CD's pods need the CNI to start.
    new ArgoCd("argocd", { config: c.argocd, provider: kubernetes }, { dependsOn: [cilium] });

    // Rolling Talos, schematic and Kubernetes upgrades of the running nodes (no-ops on a new cluster).
    const upgrades = c.upgrades.enabled
      ? new TalosUpgrades("upgrades", {
        nodes: cluster.nodes,
        talosconfig: cluster.talosconfig,
        kubeconfig: cluster.kubeconfig,
        kubernetesVersion: c.talos.kubernetesVersion,
        config: c.upgrades,
        clusterReady: [cluster.ready],
        proxmox: { config: c.proxmox, credential: proxmoxCredential(c.proxmox, secrets) },
      })
      : undefined;

    return {
      kubeconfig: cluster.kubeconfig,
      talosconfig: cluster.talosconfig,
      apiEndpoint: cluster.apiEndpoint,
      nodes: Object.fromEntries(c.nodes.map((n) => [n.name, n.ip])),
      // Where each VM runs: what to write into a node's `host` when a second Proxmox host is added.
      nodeHosts: Object.fromEntries(placement),
      schematicIds: cluster.schematicIds(),
      talosVersion: c.talos.version,
      // Read back on the next run: the contract stays pinned even if config never names it.
      configVersion,
      // Recorded only once the Kubernetes step succeeded: the next run's configs follow it.
      kubernetesVersion: upgrades ? upgrades.kubernetesStep.stdout.apply(() => target) : target,
    };
  },
});

/**
 * A value this stack recorded as an output on its last run (the Kubernetes
 * version it runs, the config contract it was created with); `fallback` for a
 * new cluster, which has recorded nothing yet.
 */
function recordedOr(self: pulumi.StackReference, output: string, fallback: string): pulumi.Output<string> {
  return self.getOutput(output).apply((v) => (typeof v === "string" && v.length > 0 ? v : fallback));
}
