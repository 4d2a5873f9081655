/**
 * Rolling upgrades of a running cluster, planned by the talos stack itself
 * (issue 12). The Talos provider's config apply writes a new installer image
 * into a node's machine config but never upgrades the node, and the VMs
 * ignore later boot images, so this component drives `talosctl`:
 *
 * - one step per node, keyed by its installer image (Talos version +
 *   schematic): a changed image replaces the step, which upgrades that node;
 *   an unchanged image plans nothing;
 * - steps chained in rollout order (planUpgradeOrder): control planes one by
 *   one, each gated on a healthy etcd with all members; then workers and GPU
 *   workers in batches. A failed step fails `up` and nothing after it runs;
 * - one reboot step per node, keyed by the VM hardware that only a reboot
 *   applies (CPU type, cores, memory, PCI devices): the VMs never reboot on
 *   their own (`rebootAfterUpdate: false`), so a changed key replaces the
 *   step, which reboots that VM through Proxmox to apply the pending change.
 *   It runs right after the node's upgrade step, in the same order;
 * - one Kubernetes step after all node steps, keyed by the Kubernetes version.
 *
 * Every step first reads what the cluster runs and does nothing when that is
 * already the target: creating the steps on a new cluster reboots nothing,
 * and an interrupted `up` resumes where it stopped. The talosctl and kubectl
 * configs reach the scripts only as secret environment values; the scripts
 * write them to a private temp dir removed on exit.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { durationSeconds, type ProxmoxConfig, type UpgradesConfig } from "./config";
import type { TalosNode } from "./node";
import { stepScript } from "./step-scripts";
import { planUpgradeOrder } from "./upgrade-order";

/** The node steps' commands: upgrade-node.sh and reboot-node.sh with the shared helpers (lib.sh). */
export const NODE_UPGRADE_SCRIPT = stepScript("upgrade-node.sh");
export const NODE_REBOOT_SCRIPT = stepScript("reboot-node.sh");
/**
 * The Kubernetes script on its own, without lib.sh: the step's `update`
 * always runs upgrade-k8s, and any change to this text is an update of the
 * step on every existing cluster, so it changes only for a reason worth that.
 */
export const KUBERNETES_UPGRADE_SCRIPT = readFileSync(path.join(__dirname, "scripts", "upgrade-kubernetes.sh"), "utf8");

/**
 * The Kubernetes script takes its mode as the first argument; inside a
 * Command the script text is the whole command, so `set --` supplies it.
 */
export function kubernetesCommand(mode: "confirm"): string {
  return `set -- ${mode}\n${KUBERNETES_UPGRADE_SCRIPT}`;
}

/** Config durations in seconds (bounded at the edge, so the scripts' arithmetic stays small). */
export { durationSeconds } from "./config";

/** bash from PATH: the scripts use bash features (arrays, [[ ]]) that /bin/sh lacks. */
const INTERPRETER = ["bash", "-c"];

export interface TalosUpgradesArgs {
  readonly nodes: readonly TalosNode[];
  /** talosctl config (secret): endpoints on the control planes. */
  readonly talosconfig: pulumi.Input<string>;
  /** Admin kubeconfig (secret), for reading the running Kubernetes version. */
  readonly kubeconfig: pulumi.Input<string>;
  readonly kubernetesVersion: string;
  readonly config: UpgradesConfig;
  /** What must exist before any step runs: the bootstrapped, healthy cluster. */
  readonly clusterReady: readonly pulumi.Resource[];
  /** The Proxmox API the reboot steps call, and its credential (secret). */
  readonly proxmox: { readonly config: ProxmoxConfig; readonly credential: pulumi.Input<string> };
}

export class TalosUpgrades extends pulumi.ComponentResource {
  /** Node name → its upgrade step. */
  readonly nodeSteps: ReadonlyMap<string, command.local.Command>;
  /** Node name → its reboot step (pending Proxmox hardware changes). */
  readonly rebootSteps: ReadonlyMap<string, command.local.Command>;
  readonly kubernetesStep: command.local.Command;

  constructor(name: string, args: TalosUpgradesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:Upgrades", name, {}, opts);
    const cfg = args.config;
    const talosconfig = pulumi.secret(args.talosconfig);
    const controlPlanes = args.nodes.filter((n) => n.machineClass === "controlplane");
    const controlPlaneIps = controlPlanes.map((n) => n.ip).join(",");

    const kubeconfig = pulumi.secret(args.kubeconfig);
    const px = args.proxmox.config;
    const proxmoxSecret = pulumi.secret(args.proxmox.credential);
    const nodeSteps = new Map<string, command.local.Command>();
    const rebootSteps = new Map<string, command.local.Command>();
    // The first wave waits for the cluster and for every config apply, so a
    // new installer image is in each machine config before any node reboots.
    let previous: pulumi.Resource[] = [...args.clusterReady, ...args.nodes.map((n) => n.configApply)];
    for (const wave of planUpgradeOrder(args.nodes, cfg.workerBatchSize)) {
      const steps = wave.nodes.map((node) => {
        const step = new command.local.Command(
          `${name}-node-${node.nodeName}`,
          {
            create: NODE_UPGRADE_SCRIPT,
            interpreter: INTERPRETER,
            environment: {
              HOMELAB_TALOSCONFIG: talosconfig,
              NODE_NAME: node.nodeName,
              NODE_IP: node.ip,
              NODE_CLASS: node.machineClass,
              TARGET_IMAGE: node.installerImage,
              CONTROL_PLANE_IPS: controlPlaneIps,
              NODE_TIMEOUT: cfg.nodeTimeout,
              DRAIN_TIMEOUT: cfg.drainTimeout,
              GATE_SECONDS: String(durationSeconds(cfg.gateTimeout)),
            },
            // A new Talos version or schematic replaces the step, and the new step upgrades the node.
            triggers: [node.installerImage],
            // talosctl prints progress, never credentials; the script never prints the config.
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
          },
          { parent: this, dependsOn: [...previous, node.configApply] },
        );
        nodeSteps.set(node.nodeName, step);
        return step;
      });
      // Then the same nodes' pending Proxmox changes, one reboot each; the next wave
      // waits for both, so no two control planes are ever down at once.
      const reboots = wave.nodes.map((node) => {
        const reboot = new command.local.Command(
          `${name}-reboot-${node.nodeName}`,
          {
            create: NODE_REBOOT_SCRIPT,
            interpreter: INTERPRETER,
            environment: {
              HOMELAB_TALOSCONFIG: talosconfig,
              HOMELAB_KUBECONFIG: kubeconfig,
              HOMELAB_PROXMOX_SECRET: proxmoxSecret,
              PROXMOX_AUTH: px.auth,
              PROXMOX_USERNAME: px.auth === "password" ? px.username! : "",
              PROXMOX_ENDPOINT: px.endpoint,
              PROXMOX_INSECURE: String(px.insecure),
              PROXMOX_HOST: node.host,
              VM_ID: String(node.vmId),
              NODE_NAME: node.nodeName,
              NODE_IP: node.ip,
              NODE_CLASS: node.machineClass,
              CONTROL_PLANE_IPS: controlPlaneIps,
              DRAIN_TIMEOUT: cfg.drainTimeout,
              GATE_SECONDS: String(durationSeconds(cfg.gateTimeout)),
            },
            // What only a reboot applies, as the VM is configured; a change replaces the step.
            triggers: [node.rebootKey],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
          },
          { parent: this, dependsOn: [...steps, node.vm] },
        );
        rebootSteps.set(node.nodeName, reboot);
        return reboot;
      });
      previous = [...steps, ...reboots];
    }
    this.nodeSteps = nodeSteps;
    this.rebootSteps = rebootSteps;

    this.kubernetesStep = new command.local.Command(
      `${name}-kubernetes`,
      {
        // One command for every run, which reads what the cluster runs first.
        // A changed version replaces the step (@pulumi/command registers every
        // Command with replaceOnChanges: ["triggers[*]"], local/command.js;
        // pulumi/pulumi-command#855), so `create` runs; any other changed
        // input (renewed credentials, a timeout) updates it, and without an
        // `update` command that runs `create` too (pulumi-command v1.2.1
        // provider/pkg/provider/local/commandController.go Update). An
        // `update` that always ran upgrade-k8s would do so on every
        // credential renewal.
        create: kubernetesCommand("confirm"),
        interpreter: INTERPRETER,
        environment: {
          HOMELAB_TALOSCONFIG: talosconfig,
          HOMELAB_KUBECONFIG: kubeconfig,
          // upgrade-k8s is one call against one control plane; it walks the others itself.
          CONTROL_PLANE_IP: controlPlanes[0]!.ip,
          TARGET_VERSION: args.kubernetesVersion,
          GATE_SECONDS: String(durationSeconds(cfg.gateTimeout)),
        },
        triggers: [args.kubernetesVersion],
        logging: "stdoutAndStderr",
        addPreviousOutputInEnv: false,
      },
      // After every node step: Kubernetes moves only on nodes that run their target Talos.
      { parent: this, dependsOn: previous },
    );

    this.registerOutputs({});
  }
}
