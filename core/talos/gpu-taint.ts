/**
 * The GPU taint on Nodes that already exist. New GPU nodes register with the
 * taint themselves (the kubelet's registerWithTaints, machine-config.ts), but
 * the kubelet never re-registers an existing Node, and NodeRestriction
 * (kubernetes/kubernetes plugin/pkg/admission/noderestriction, admitNode)
 * forbids a node to change its own taints. So each GPU node gets one step that
 * taints its Node with the admin kubeconfig: `kubectl taint --overwrite` sets
 * this one taint and keeps every other.
 *
 * Why not a server-side-applied NodePatch through the Kubernetes provider:
 * `spec.taints` is an atomic list (k8s.io/api v0.35.4 core/v1 types.go,
 * `+listType=atomic`), so an apply owns and replaces the whole list. It would
 * drop taints others put there (the cordon taint mid-drain during an
 * upgrade), conflict with their field managers, and deleting the patch later
 * would clear every taint on the Node.
 *
 * The step runs when created and again only when the taint (or the
 * kubeconfig) changes. Removing the GPU or changing the taint key does not
 * untaint a running Node: `kubectl taint node <name> <key>-` does that, on purpose.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { KubeletTaint } from "./machine-config";

export const TAINT_NODE_SCRIPT = readFileSync(path.join(__dirname, "scripts", "taint-node.sh"), "utf8");

/** `key=value:Effect`, the form `kubectl taint` takes. */
export function taintArgument(taint: KubeletTaint): string {
  return `${taint.key}=${taint.value}:${taint.effect}`;
}

export interface GpuTaintsArgs {
  /** Names of the GPU nodes (their Kubernetes node names). */
  readonly nodes: readonly string[];
  readonly taint: KubeletTaint;
  /** Admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Input<string>;
  /** How long a step waits for its Node to register. */
  readonly gateSeconds: number;
  /** What must exist first: the bootstrapped cluster and the nodes' configs. */
  readonly clusterReady: readonly pulumi.Resource[];
}

export class GpuTaints extends pulumi.ComponentResource {
  /** Node name → its taint step. */
  readonly steps: ReadonlyMap<string, command.local.Command>;

  constructor(name: string, args: GpuTaintsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:GpuTaints", name, {}, opts);
    const kubeconfig = pulumi.secret(args.kubeconfig);
    this.steps = new Map(
      args.nodes.map((node) => [
        node,
        new command.local.Command(
          `${name}-${node}`,
          {
            create: TAINT_NODE_SCRIPT,
            interpreter: ["bash", "-c"],
            environment: {
              HOMELAB_KUBECONFIG: kubeconfig,
              NODE_NAME: node,
              TAINT: taintArgument(args.taint),
              GATE_SECONDS: String(args.gateSeconds),
            },
            // kubectl prints the node name and the taint, never credentials.
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
          },
          { parent: this, dependsOn: [...args.clusterReady] },
        ),
      ]),
    );
    this.registerOutputs({});
  }
}
