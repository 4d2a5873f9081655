/**
 * Stateful resources are protected (Pulumi refuses to delete them) or
 * retained (Pulumi forgets them but leaves them in place).
 */
import type { ResourceGuard, Violation } from "../guard";

interface Stateful {
  readonly needs: "protect" | "retainOnDelete";
  /** What is lost when it goes. */
  readonly holds: string;
  /** Set when config may turn the protection off on purpose: the violation is then a warning. */
  readonly optOut?: string;
}

/** Resource types that hold state a delete or replacement would lose. */
export const STATEFUL: Readonly<Record<string, Stateful>> = {
  "talos:machine/secrets:Secrets": { needs: "protect", holds: "the cluster PKI and tokens: a new one is a new cluster no node trusts" },
  "proxmoxve:index/vmLegacy:VmLegacy": {
    needs: "protect",
    holds: "the node's disk with etcd and workload data",
    optOut: "homelab:proxmox.protectVms",
  },
  "hcloud:index/primaryIp:PrimaryIp": { needs: "protect", holds: "the public address every DNS record points at" },
  "hcloud:index/volume:Volume": { needs: "protect", holds: "the edge server's state (Authentik, NetBird, certificates)" },
  "kubernetes:core/v1:Namespace": { needs: "retainOnDelete", holds: "everything in the namespace, including what Argo CD deployed there" },
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": { needs: "retainOnDelete", holds: "every object of that kind in the cluster" },
};

export const statefulProtected: ResourceGuard = {
  kind: "resource",
  name: "stateful-protected",
  description: "Stateful resources (machine secrets, VMs, public IPs, volumes, namespaces, CRDs) are protected or retained on delete.",
  why: "a careless destroy, a rename without an alias or a replacing change would delete data no later run can bring back.",
  fix: "pass protect: true (or retainOnDelete: true for Kubernetes namespaces and CRDs) in the resource options; rename only with aliases.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    const stateful = STATEFUL[r.type];
    if (!stateful) return { violations: [], examined: 0 };
    const flag = stateful.needs === "protect" ? r.protect : r.retainOnDelete;
    // retainOnDelete is not known to a real policy pack: nothing to decide there.
    if (flag === undefined) return { violations: [], examined: 0 };
    const violations: Violation[] = flag
      ? []
      : [
          {
            where: r.name,
            problem: `${r.type} holds ${stateful.holds} but is not ${stateful.needs === "protect" ? "protected" : "retained on delete"}${stateful.optOut ? ` (turned off by ${stateful.optOut})` : ""}`,
            ...(stateful.optOut ? { advisory: true } : {}),
          },
        ];
    return { violations, examined: 1 };
  },
};
