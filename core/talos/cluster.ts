/**
 * The Talos cluster: images, machine secrets, one machine config per class,
 * the nodes, bootstrap, the readiness waits and the kubeconfig/talosconfig.
 * The order is the one Talos needs: every VM before its config apply, every
 * control-plane apply before the one bootstrap, Talos health after bootstrap,
 * kubeconfig after health, and the Kubernetes API answering last.
 */
import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as talos from "@pulumiverse/talos";
import type { NodeConfig } from "../config/project";
import type { TalosConfig } from "./config";
import { TalosImage, type ImageKind } from "./image";
import {
  clusterEndpoint,
  clusterPatch,
  controlPlanePatch,
  gpuPatch,
  installPatch,
  nodeLabelsPatch,
  nodeNetworkDocuments,
  toPatch,
  vipDocument,
  workerPatch,
} from "./machine-config";
import { machineClassOf, TalosNode, type MachineClass } from "./node";
import { stepScript } from "./step-scripts";
import { dataDiskDocuments, longhornV2Patch } from "./storage";

export interface TalosClusterArgs {
  readonly talos: TalosConfig;
  readonly nodes: readonly NodeConfig[];
  /** Node name → Proxmox host (from planPlacement). */
  readonly placement: ReadonlyMap<string, string>;
  /** Proxmox host → image datastore. */
  readonly imageDatastores: ReadonlyMap<string, string>;
  /** Datastores all hosts share: images there are downloaded once. */
  readonly sharedDatastores?: ReadonlySet<string>;
  readonly network: { readonly subnet: string; readonly prefix: number; readonly gateway: string; readonly nameservers: readonly string[]; readonly vip: string };
  /** Proxmox-wide vCPU model; a node's own `cpuType` wins. */
  readonly cpuType: string;
  /** Protect VMs (and their disks) against deletion and replacement. */
  readonly protectVms: boolean;
  readonly proxmox: proxmoxve.Provider;
  /**
   * The Kubernetes version the machine configs carry (kubelet and control-plane
   * images). Defaults to `talos.kubernetesVersion`; the stack passes the version
   * the cluster runs, so a new version is rolled out by the upgrade step.
   */
  readonly configKubernetesVersion?: pulumi.Input<string>;
  /**
   * The machine-config contract (`v1.13`) the generated configs follow: pinned
   * to the version the cluster was created with, not `talos.version`.
   */
  readonly configVersion: pulumi.Input<string>;
}

/** The readiness waits (core/talos/scripts/wait-cluster.sh with the shared helpers), one mode per step. */
export const WAIT_CLUSTER_SCRIPT = stepScript("wait-cluster.sh");

/** Inside a Command the script text is the whole command, so `set --` supplies its mode. */
export function waitCommand(mode: "talos" | "kubernetes"): string {
  return `set -- ${mode}\n${WAIT_CLUSTER_SCRIPT}`;
}

/** How long each wait may take: the Talos provider's health look-up allowed 20 minutes too. */
const WAIT_SECONDS = 20 * 60;

/** bash from PATH: the script uses arrays and [[ ]]. */
const INTERPRETER = ["bash", "-c"];

const IMAGE_OF: Record<MachineClass, ImageKind> = { controlplane: "base", worker: "base", gpu: "gpu" };

export class TalosCluster extends pulumi.ComponentResource {
  readonly apiEndpoint: string;
  readonly nodes: readonly TalosNode[];
  readonly images: ReadonlyMap<ImageKind, TalosImage>;
  readonly secrets: talos.machine.Secrets;
  readonly bootstrap: talos.machine.Bootstrap;
  /** Talos-level health of every node after bootstrap; runs on create and when a node's config changes. */
  readonly healthStep: command.local.Command;
  /** The Kubernetes API answers: everything using the Kubernetes provider depends on this. */
  readonly ready: command.local.Command;
  readonly kubeconfigResource: talos.cluster.Kubeconfig;
  /** Admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** talosctl config (secret). */
  readonly talosconfig: pulumi.Output<string>;

  constructor(name: string, args: TalosClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:Cluster", name, {}, opts);
    const t = args.talos;
    const parent = { parent: this };
    this.apiEndpoint = clusterEndpoint(args.network.vip);

    const talosProvider = new talos.Provider(`${name}-talos`, {}, parent);
    const classOf = new Map(args.nodes.map((n) => [n.name, machineClassOf(n)]));

    // Images: only the kinds some node uses, downloaded only to hosts that run such a node.
    const images = new Map<ImageKind, TalosImage>();
    for (const kind of ["base", "gpu"] as const) {
      const hosts = new Map<string, string>();
      for (const node of args.nodes)
        if (IMAGE_OF[classOf.get(node.name)!] === kind) {
          const host = args.placement.get(node.name)!;
          hosts.set(host, args.imageDatastores.get(host)!);
        }
      if (hosts.size === 0) continue;
      const extensions = kind === "base" ? t.extensions.base : [...t.extensions.base, ...t.extensions.gpu];
      images.set(
        kind,
        new TalosImage(
          `${name}-image-${kind}`,
          { kind, talosVersion: t.version, extensions, hosts, sharedDatastores: args.sharedDatastores, proxmox: args.proxmox, talosProvider },
          parent,
        ),
      );
    }
    this.images = images;

    // Generated once; losing them means a new cluster PKI, so Pulumi refuses to delete them.
    this.secrets = new talos.machine.Secrets(
      `${name}-secrets`,
      {},
      {
        parent: this,
        provider: talosProvider,
        protect: true,
        additionalSecretOutputs: ["machineSecrets", "clientConfiguration"],
        // The version contract is fixed at creation; a later Talos upgrade must not replace the PKI.
        ignoreChanges: ["talosVersion"],
      },
    );
    const clientConfiguration = this.secrets.clientConfiguration;

    // One generated config per class; per-node settings go in as patches on apply.
    const common = toPatch(
      clusterPatch({ clusterName: t.clusterName, vip: args.network.vip, subnet: args.network.subnet, kubePrismPort: t.kubePrismPort }),
    );
    // Longhorn's v2 engine wants its modules and huge pages on every worker (GPU workers too).
    const storageClassPatches = t.workers.longhornV2 ? [toPatch(longhornV2Patch())] : [];
    const classPatches: Record<MachineClass, string[]> = {
      controlplane: [toPatch(controlPlanePatch(args.network.subnet)), toPatch(vipDocument(args.network.vip))],
      worker: [toPatch(workerPatch(t.workers)), ...storageClassPatches],
      gpu: [toPatch(workerPatch(t.workers)), ...storageClassPatches, toPatch(gpuPatch(t.gpu))],
    };
    const machineConfigs = new Map<MachineClass, pulumi.Output<string>>();
    for (const machineClass of ["controlplane", "worker", "gpu"] as const) {
      if (![...classOf.values()].includes(machineClass)) continue;
      const image = images.get(IMAGE_OF[machineClass])!;
      const result = talos.machine.getConfigurationOutput(
        {
          clusterName: t.clusterName,
          clusterEndpoint: this.apiEndpoint,
          machineSecrets: this.secrets.machineSecrets,
          machineType: machineClass === "controlplane" ? "controlplane" : "worker",
          // The config contract, not the installed version: the provider documents that this does not
          // control what is installed (terraform-provider-talos v0.11.0, docs/data-sources/machine_configuration.md).
          talosVersion: args.configVersion,
          kubernetesVersion: args.configKubernetesVersion ?? t.kubernetesVersion,
          configPatches: [
            common,
            image.installerImage.apply((installer) => toPatch(installPatch(t.installDisk, installer))),
            ...classPatches[machineClass],
          ],
          docs: false,
          examples: false,
        },
        { parent: this, provider: talosProvider },
      );
      machineConfigs.set(machineClass, pulumi.secret(result.machineConfiguration));
    }

    this.nodes = args.nodes.map((node) => {
      const machineClass = classOf.get(node.name)!;
      const host = args.placement.get(node.name)!;
      const image = images.get(IMAGE_OF[machineClass])!;
      const labels = nodeLabelsPatch(node.labels);
      return new TalosNode(
        node.name,
        {
          node,
          host,
          machineClass,
          imageFileId: image.files.get(host)!.id,
          installerImage: image.installerImage,
          machineConfiguration: machineConfigs.get(machineClass)!,
          clientConfiguration,
          configPatches: [
            ...nodeNetworkDocuments({ node, prefix: args.network.prefix, gateway: args.network.gateway, nameservers: args.network.nameservers }).map(toPatch),
            ...(labels ? [toPatch(labels)] : []),
            // The data disk, mounted as a Talos user volume the kubelet shares.
            ...dataDiskDocuments(node).map(toPatch),
          ],
          prefix: args.network.prefix,
          gateway: args.network.gateway,
          nameservers: args.network.nameservers,
          cpuType: node.cpuType ?? args.cpuType,
          protect: args.protectVms,
          clusterName: t.clusterName,
          proxmox: args.proxmox,
          talosProvider,
        },
        parent,
      );
    });

    const controlPlanes = this.nodes.filter((n) => n.role === "controlplane");
    const workers = this.nodes.filter((n) => n.role === "worker");
    // The first control plane in config order starts etcd; the others join it.
    const first = controlPlanes[0]!;
    this.bootstrap = new talos.machine.Bootstrap(
      `${name}-bootstrap`,
      { node: first.ip, endpoint: first.ip, clientConfiguration, timeouts: { create: "15m" } },
      {
        parent: this,
        provider: talosProvider,
        // Every control plane must hold its config before etcd starts, or it cannot join.
        dependsOn: controlPlanes.map((n) => n.configApply),
        // Bootstrap happens once in a cluster's life; reordering nodes must not repeat it.
        ignoreChanges: ["node", "endpoint"],
      },
    );

    // The talosconfig the wait steps use: every control plane as endpoint.
    this.talosconfig = pulumi.secret(
      talos.client.getConfigurationOutput(
        {
          clusterName: t.clusterName,
          clientConfiguration,
          // Talos API on the control-plane addresses, never the VIP: the VIP needs etcd to be up.
          endpoints: controlPlanes.map((n) => n.ip),
          nodes: controlPlanes.map((n) => n.ip),
        },
        { parent: this, provider: talosProvider },
      ).talosConfig,
    );

    // Talos-level health after bootstrap, as a step rather than the provider's health
    // look-up: a look-up runs at every preview and blocks (up to its timeout) wherever the
    // nodes cannot be reached. A command runs only when it is created or replaced, never in
    // a preview: here on a new cluster, and again whenever a node's applied config or the
    // bootstrap changes, which the plan shows as a replacement of this step.
    this.healthStep = new command.local.Command(
      `${name}-health`,
      {
        create: waitCommand("talos"),
        interpreter: INTERPRETER,
        environment: {
          HOMELAB_TALOSCONFIG: this.talosconfig,
          CONTROL_PLANE_IPS: controlPlanes.map((n) => n.ip).join(","),
          WORKER_IPS: workers.map((n) => n.ip).join(","),
          WAIT_SECONDS: String(WAIT_SECONDS),
        },
        triggers: [this.bootstrap.id, ...this.nodes.map((n) => n.configApply.machineConfigurationHash)],
        logging: "stdoutAndStderr",
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.bootstrap, ...this.nodes.map((n) => n.configApply)] },
    );

    this.kubeconfigResource = new talos.cluster.Kubeconfig(
      `${name}-kubeconfig`,
      { clientConfiguration, node: first.ip, endpoint: first.ip },
      { parent: this, provider: talosProvider, dependsOn: [this.bootstrap, this.healthStep] },
    );
    this.kubeconfig = pulumi.secret(this.kubeconfigResource.kubeconfigRaw);

    // Nothing may use the Kubernetes provider before the API server answers: Talos reports
    // the kubelet healthy before the API server it runs as a static pod serves requests.
    // Replaced (so run again) whenever the health step is.
    this.ready = new command.local.Command(
      `${name}-api-ready`,
      {
        create: waitCommand("kubernetes"),
        interpreter: INTERPRETER,
        environment: { HOMELAB_KUBECONFIG: this.kubeconfig, WAIT_SECONDS: String(WAIT_SECONDS) },
        triggers: [this.healthStep.id],
        logging: "stdoutAndStderr",
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.healthStep, this.kubeconfigResource] },
    );

    this.registerOutputs({ apiEndpoint: this.apiEndpoint, kubeconfig: this.kubeconfig, talosconfig: this.talosconfig });
  }

  /** Image kind → schematic id. */
  schematicIds(): Record<string, pulumi.Output<string>> {
    return Object.fromEntries([...this.images].map(([kind, image]) => [kind, image.schematicId]));
  }
}
