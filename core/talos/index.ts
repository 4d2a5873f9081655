/**
 * The `talos` stack (DESIGN §4.1): Proxmox VMs running Talos, bootstrapped
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
import { proxmoxSecrets, talosStackShape, validateTalosStack } from "./config";
import { planPlacement } from "./placement";
import { proxmoxProvider } from "./proxmox-provider";
import { TalosUpgrades } from "./upgrades";

export default defineStack({
  name: "talos",
  shape: talosStackShape,
  rules: validateTalosStack,
  requiredSecrets: (c) => proxmoxSecrets(c.proxmox),
  run: (c, secrets) => {
    const hosts = c.proxmox.hosts.map((h) => h.name);
    const placement = planPlacement(c.nodes, hosts);
    const proxmox = proxmoxProvider("proxmox", c.proxmox, secrets);
    const target = c.talos.kubernetesVersion;
    // With upgrades on, machine configs keep the Kubernetes version the cluster
    // runs (this stack's last recorded output), so a new version is not pushed
    // to every kubelet and control plane at once by a config apply: the
    // upgrade-k8s step after the node steps moves it, then the output records it.
    const configKubernetesVersion = c.upgrades.enabled ? runningKubernetesVersion(c.stackRefs.talos, target) : target;

    const cluster = new TalosCluster(c.talos.clusterName, {
      talos: c.talos,
      nodes: c.nodes,
      placement,
      imageDatastores: new Map(c.proxmox.hosts.map((h) => [h.name, h.imageDatastore])),
      network: { ...c.network, prefix: lanPrefix(c) },
      cpuType: c.proxmox.cpuType,
      protectVms: c.proxmox.protectVms,
      proxmox,
      configKubernetesVersion,
    });

    // Everything in the cluster goes through this provider, built from the
    // kubeconfig output (no file on disk); it waits until the API answers.
    const kubernetes = new k8s.Provider("kubernetes", { kubeconfig: cluster.kubeconfig }, { dependsOn: [cluster.ready] });
    const cilium = new Cilium(
      "cilium",
      { config: c.cilium, provider: kubernetes, apiHost: c.network.vip, apiPort: 6443, nodeCount: c.nodes.length },
      { dependsOn: [cluster.ready] },
    );
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
      })
      : undefined;

    return {
      kubeconfig: cluster.kubeconfig,
      talosconfig: cluster.talosconfig,
      apiEndpoint: cluster.apiEndpoint,
      nodes: Object.fromEntries(c.nodes.map((n) => [n.name, n.ip])),
      schematicIds: cluster.schematicIds(),
      talosVersion: c.talos.version,
      // Recorded only once the Kubernetes step succeeded: the next run's configs follow it.
      kubernetesVersion: upgrades ? upgrades.kubernetesStep.stdout.apply(() => target) : target,
    };
  },
});

/**
 * The Kubernetes version the cluster runs, as this stack last recorded it; the
 * target for a new cluster (no recorded output yet).
 */
function runningKubernetesVersion(self: string, target: string): pulumi.Output<string> {
  return new pulumi.StackReference("talos-self", { name: self })
    .getOutput("kubernetesVersion")
    .apply((v) => (typeof v === "string" && v.length > 0 ? v : target));
}
