/**
 * Project-level config: values every stack shares, kept in Pulumi.yaml so
 * they exist in one place (docs/development.md, rule 1). The LAN address plan and the node
 * list live here because two stacks need them: `talos` builds the VMs and
 * `platform` checks its load-balancer pool against their addresses before it
 * registers anything.
 */
import { z } from "zod";
import { cidrContains, cidrRange, hostRange, parseCidr, parseIPv4, rangeContains, rangesOverlap } from "../net/ipv4";
import type { ConfigIssue } from "./errors";
import { kubeletForbiddenLabel, labelKey, labelValue } from "./node-labels";
import {
  dnsLabel,
  duplicates,
  httpUrl,
  ipv4,
  ipv4Network,
  k8sName,
  pciId,
  stackRefName,
} from "./primitives";

/** A GPU passed through to a VM: by Proxmox resource mapping (preferred) or raw PCI ids. */
export const gpuSchema = z
  .object({
    mappings: z.array(dnsLabelOrMapping()).min(1).optional().describe("Proxmox PCI resource mapping names (Datacenter → Resource Mappings). One hostpci slot each."),
    pciIds: z.array(pciId).min(1).optional().describe("Raw PCI addresses on the Proxmox host (needs root@pam). One hostpci slot each."),
  })
  .strict()
  .refine((g) => (g.mappings === undefined) !== (g.pciIds === undefined), {
    error: "set exactly one of `mappings` (Proxmox resource mapping names) or `pciIds` (like 0000:01:00.0)",
  });

function dnsLabelOrMapping() {
  return z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: (issue) => `expected a Proxmox resource mapping name like rtx-4090, got ${JSON.stringify(issue.input)}`,
  });
}

export const routeSchema = z
  .object({
    network: ipv4Network.describe("Destination network, like 10.20.0.0/16."),
    gateway: ipv4.describe("Next hop on the LAN."),
    metric: z.number().int().min(0).max(65535).optional().describe("Route metric (priority); the lowest wins. Unset: Talos' default."),
  })
  .strict();

export const nodeSchema = z
  .object({
    name: k8sName.describe("Hostname of the node and name of its VM. Changing it replaces the VM."),
    role: z.enum(["controlplane", "worker"]).describe("`controlplane` runs etcd and the Kubernetes API (keep an odd number); `worker` runs the workloads. Changing it gives the node the other class's machine config."),
    host: z.string().min(1).optional().describe("Proxmox node (host) name from homelab:proxmox.hosts. Required when there is more than one host (the error suggests one that spreads control planes), so adding or removing a host never moves a VM; optional with a single host. Changing it moves the node: its VM is re-created there."),
    vmId: z.number().int().min(100).max(999_999_999).describe("Proxmox VM id. Changing it replaces the VM."),
    cores: z.number().int().min(1).max(512).default(4).describe("vCPUs of the VM. A change stays pending in Proxmox until the ordered, etcd-gated reboot step applies it."),
    memory: z.number().int().min(1024).max(4_194_304).default(8192).describe("Memory of the VM in MiB. A change stays pending in Proxmox until the ordered, etcd-gated reboot step applies it."),
    memoryFloor: z.number().int().min(0).max(4_194_304).optional().describe("Balloon floor in MiB (Proxmox `balloon`). Unset: equal to `memory`, so nothing is ever taken back from the guest (Talos has no memory hotplug, and a squeezed node evicts pods). Set lower only to overcommit a host on purpose; 0 removes the balloon device. Refused below `memory` on a node with a GPU: PCI passthrough pins all guest memory, so a floor does nothing."),
    cpuType: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
        error: (issue) => `expected a Proxmox CPU type like host or x86-64-v3, got ${JSON.stringify(issue.input)}`,
      })
      .optional().describe("vCPU model for this node, over homelab:proxmox.cpuType: `host` for a GPU or AI node that wants every CPU feature (it can then only move to a host with the same CPU). Changing it reboots the VM through the ordered reboot steps, never on its own."),
    cpuWeight: z.number().int().min(1).max(10_000).default(100).describe("Proxmox CPU weight (cpuunits, 1–10000, default 100)."),
    disk: z
      .object({
        size: z.number().int().min(10).max(65_536).default(64).describe("Size in GiB. Growing is in place; shrinking is refused by Proxmox."),
        datastore: z.string().min(1).default("local-lvm").describe("Proxmox storage of the boot disk, the EFI disk and the cloud-init drive."),
      })
      .strict()
      .default({ size: 64, datastore: "local-lvm" }).describe("The VM's boot disk, where Talos installs itself."),
    dataDisk: z
      .object({
        size: z.number().int().min(1).max(65_536).describe("Size in GiB. Growing is in place; shrinking is refused by Proxmox."),
        datastore: z.string().min(1).default("local-lvm").describe("Proxmox storage of the data disk."),
        volume: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,34}$/, {
            error: (issue) => `expected a Talos volume name (1-34 letters, digits and hyphens) like data, got ${JSON.stringify(issue.input)}`,
          })
          .default("data").describe("Talos user volume name: mounted at /var/mnt/<volume> (1–34 letters, digits, hyphens)."),
        filesystem: z.enum(["xfs", "ext4"]).default("xfs").describe("Filesystem Talos formats the data disk with."),
      })
      .strict()
      .optional().describe("An optional second VM disk for workload data (Longhorn, local-path), mounted by Talos at /var/mnt/<volume> and shared with the kubelet. Adding one to a running VM needs no reboot; removing it loses its data."),
    network: z
      .object({
        bridge: z.string().min(1).default("vmbr0").describe("Proxmox bridge the VM's network card attaches to."),
        vlan: z.number().int().min(1).max(4094).optional().describe("802.1Q tag on the bridge port. Every node on the LAN subnet uses the same one (unset: untagged)."),
        vlanOverride: z.boolean().default(false).describe("Allow this node's `vlan` to differ from the other nodes'. Only for a host whose bridge reaches the same LAN differently (for example an access port already in the LAN's VLAN, so no tag here)."),
      })
      .strict()
      .default({ bridge: "vmbr0", vlanOverride: false }).describe("The VM's network card on the LAN."),
    ip: ipv4.describe("Static IPv4 address on the LAN (prefix from homelab:network.subnet)."),
    gpu: gpuSchema.optional().describe("GPUs passed through to this worker (PCI passthrough); the node gets the GPU extensions, kernel modules, labels and taint. Adding or removing one reboots the VM through the ordered reboot step."),
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "expected a Proxmox tag (lower-case letters, digits, '-' and '_')" })).default([]).describe("Extra Proxmox tags on the VM, next to `talos` and the machine class."),
    labels: z.record(labelKey, labelValue).default({}).describe("Extra Kubernetes node labels. On a worker, keys the kubelet may not set (NodeRestriction: `node-role.kubernetes.io/…` and other kubernetes.io / k8s.io keys outside node.kubernetes.io/, topology.kubernetes.io/zone and region, …) are refused: Talos sets worker labels with the kubelet's credential."),
    routes: z.array(routeSchema).default([]).describe("Extra static routes for this node (not the default route, not inside the LAN)."),
  })
  .strict();

export type NodeConfig = z.infer<typeof nodeSchema>;

export const networkSchema = z
  .object({
    subnet: ipv4Network.describe("The LAN the nodes live on, like 10.10.0.0/24."),
    gateway: ipv4.describe("Default gateway (the router)."),
    nameservers: z.array(ipv4).min(1).describe("DNS servers of the nodes (your router or a LAN resolver), in order."),
    vip: ipv4.describe("Kubernetes API virtual IP shared by the control planes."),
    ingressIp: ipv4.describe("LAN address of the shared Gateway (the Cilium LoadBalancer IP serving every HTTPS hostname). `*.<domain>` resolves here; it must sit inside the platform stack's load-balancer pool."),
  })
  .strict();

export const publicServiceSchema = z
  .object({
    name: dnsLabel.describe("DNS label: the service is served at `<name>.<domain>` through bifrost."),
    description: z.string().min(1).max(200).describe("Why it is public: goes into the DNS record comment and the Traefik router."),
    upstream: httpUrl.optional().describe("Where bifrost forwards requests, reached over NetBird. Defaults to the LAN Gateway (`https://<network.ingressIp>`), which routes by Host header."),
    forwardAuth: z.boolean().default(true).describe("Protect with Authentik ForwardAuth (default). Turn off only for apps with their own login."),
    proxied: z.boolean().default(false).describe("Proxy through Cloudflare (orange cloud). Off by default: bifrost terminates TLS itself."),
  })
  .strict();

export type PublicService = z.infer<typeof publicServiceSchema>;

/** Labels of the always-public hostnames on bifrost. */
export const edgeSchema = z
  .object({
    auth: dnsLabel.default("auth").describe("Label of the Authentik login page: `<auth>.<domain>`."),
    netbird: dnsLabel.default("netbird").describe("Label of the NetBird dashboard and management API: `<netbird>.<domain>`."),
    uptime: dnsLabel.default("status").describe("Label of the Gatus status page: `<uptime>.<domain>`."),
  })
  .strict();

export const projectShape = {
  /** The domain everything is served under, like lab.example.com. */
  domain: z.string().refine((v) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v), {
    error: (issue) => `expected a lower-case domain name like lab.example.com, got ${JSON.stringify(issue.input)}`,
  }).describe("The domain everything public is served under; hostnames, certificates, redirect URIs and DNS records derive from it."),
  /** Stack references, by fully qualified name (`org/homelab/talos`). */
  stackRefs: z
    .object({
      talos: stackRefName.describe("Fully qualified name of the talos stack (org/project/stack), read by platform and by talos itself (the Kubernetes version it runs)."),
      hetzner: stackRefName.describe("Fully qualified name of the hetzner stack, read by authentik, cloudflare and platform (the NetBird routing peer's setup key)."),
    })
    .strict()
    .describe("Stacks this program reads outputs from, by their Pulumi names."),
  network: networkSchema.describe("The LAN the nodes live on: subnet, gateway, nameservers, the API VIP and the Gateway's IP."),
  nodes: z.array(nodeSchema).min(1, { error: "expected at least one node" }).describe("Every Kubernetes node: one Proxmox VM each."),
  edge: edgeSchema
    .default({ auth: "auth", netbird: "netbird", uptime: "status" })
    .describe("Hostnames (under the domain) of the always-public services on bifrost."),
  publicServices: z
    .array(publicServiceSchema)
    .default([])
    .describe("Services published through bifrost: each gets a DNS record and a Traefik router."),
} as const;

const projectObject = z.object(projectShape);
export type ProjectConfig = z.infer<typeof projectObject>;

/** Cross-field rules over the project-level config (docs/config.md). */
export function validateProject(c: ProjectConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const subnet = parseCidr(c.network.subnet)!;
  const hosts = hostRange(subnet);
  const gateway = parseIPv4(c.network.gateway)!;
  const vip = parseIPv4(c.network.vip)!;
  const ingress = parseIPv4(c.network.ingressIp)!;

  const inSubnet = (ip: number, path: ConfigIssue["path"], what: string) => {
    if (!rangeContains(hosts, ip))
      issues.push({ path, message: `${what} is outside the LAN subnet ${c.network.subnet} (usable hosts only)` });
  };
  inSubnet(gateway, ["network", "gateway"], "gateway");
  inSubnet(vip, ["network", "vip"], "VIP");
  inSubnet(ingress, ["network", "ingressIp"], "ingress IP");
  if (vip === gateway) issues.push({ path: ["network", "vip"], message: "VIP must differ from the gateway" });
  if (ingress === vip) issues.push({ path: ["network", "ingressIp"], message: "ingress IP must differ from the VIP" });
  if (ingress === gateway) issues.push({ path: ["network", "ingressIp"], message: "ingress IP must differ from the gateway" });

  issues.push(...duplicates(c.nodes, (n) => n.name, "name", ["nodes"], "node name"));
  issues.push(...duplicates(c.nodes, (n) => n.ip, "ip", ["nodes"], "IP"));
  issues.push(...duplicates(c.nodes, (n) => n.vmId, "vmId", ["nodes"], "VM id"));

  c.nodes.forEach((node, i) => {
    const ip = parseIPv4(node.ip)!;
    inSubnet(ip, ["nodes", i, "ip"], `node IP ${node.ip}`);
    if (ip === vip) issues.push({ path: ["nodes", i, "ip"], message: `collides with the VIP homelab:network.vip (${c.network.vip})` });
    if (ip === gateway) issues.push({ path: ["nodes", i, "ip"], message: `collides with the gateway homelab:network.gateway (${c.network.gateway})` });
    if (ip === ingress) issues.push({ path: ["nodes", i, "ip"], message: `collides with the ingress IP homelab:network.ingressIp (${c.network.ingressIp})` });
    if (node.memoryFloor !== undefined && node.memoryFloor > node.memory)
      issues.push({ path: ["nodes", i, "memoryFloor"], message: `balloon floor ${node.memoryFloor} MiB exceeds memory ${node.memory} MiB` });
    else if (node.gpu && balloons(node.memory, node.memoryFloor))
      issues.push({
        path: ["nodes", i, "memoryFloor"],
        message:
          `a node with a GPU cannot balloon: PCI passthrough pins all ${node.memory} MiB of guest memory, so a floor of ${node.memoryFloor} MiB ` +
          `would never be reclaimed; leave memoryFloor unset (or ${node.memory}), or 0 for no balloon device`,
      });
    if (node.gpu && node.role !== "worker")
      issues.push({ path: ["nodes", i, "gpu"], message: "GPUs are only supported on worker nodes (control planes stay schedulable for etcd only)" });
    node.routes.forEach((route, r) => {
      if (!cidrContains(subnet, parseIPv4(route.gateway)!))
        issues.push({ path: ["nodes", i, "routes", r, "gateway"], message: `next hop must be on the LAN subnet ${c.network.subnet}` });
      const destination = parseCidr(route.network)!;
      if (destination.prefix === 0)
        issues.push({
          path: ["nodes", i, "routes", r, "network"],
          message: `${route.network} is the default route, which homelab:network.gateway already is; an extra route names a narrower network`,
        });
      else if (rangesOverlap(cidrRange(destination), cidrRange(subnet)))
        issues.push({
          path: ["nodes", i, "routes", r, "network"],
          message: `${route.network} overlaps the LAN subnet ${c.network.subnet}, which the node reaches directly; route only networks beyond the LAN`,
        });
    });
    if (node.role === "worker")
      for (const key of Object.keys(node.labels)) {
        const why = kubeletForbiddenLabel(key);
        if (why) issues.push({ path: ["nodes", i, "labels", key], message: why });
      }
  });

  issues.push(...vlanAgreement(c.nodes, c.network.subnet));
  c.network.nameservers.forEach((ns, i) => {
    if (parseIPv4(ns) === vip)
      issues.push({
        path: ["network", "nameservers", i],
        message: `the VIP ${c.network.vip} answers only the Kubernetes API (port 6443), not DNS; name your router or a DNS server instead`,
      });
  });

  const controlPlanes = c.nodes.filter((n) => n.role === "controlplane").length;
  if (controlPlanes === 0)
    issues.push({ path: ["nodes"], message: "expected at least one node with role controlplane" });
  else if (controlPlanes % 2 === 0)
    issues.push({
      path: ["nodes"],
      message: `expected an odd number of control planes for etcd quorum (1, 3 or 5), got ${controlPlanes}`,
    });

  issues.push(...duplicates(c.publicServices, (s) => s.name, "name", ["publicServices"], "public service"));
  const edgeNames = new Map(Object.entries(c.edge).map(([k, v]) => [v, k]));
  const edgeSeen = new Map<string, string>();
  for (const [key, label] of Object.entries(c.edge)) {
    const first = edgeSeen.get(label);
    if (first) issues.push({ path: ["edge", key], message: `duplicate edge hostname "${label}", already used by homelab:edge.${first}` });
    else edgeSeen.set(label, key);
  }
  c.publicServices.forEach((s, i) => {
    const clash = edgeNames.get(s.name);
    if (clash)
      issues.push({ path: ["publicServices", i, "name"], message: `"${s.name}" is already the always-public edge hostname homelab:edge.${clash}` });
  });
  return issues;
}

/**
 * True when a VM with this memory and balloon floor can be squeezed: a balloon
 * device (floor not 0) with a floor below its memory. Unset means the floor is
 * the memory (no ballooning).
 */
export function balloons(memory: number, floor: number | undefined): boolean {
  return floor !== undefined && floor !== 0 && floor < memory;
}

/**
 * Every node on the one LAN subnet carries the same VLAN tag (or none): a node
 * tagged differently from the rest sits in another broadcast domain and never
 * reaches the gateway, the VIP or its peers. The first node without
 * `network.vlanOverride` sets the expectation.
 */
function vlanAgreement(nodes: readonly NodeConfig[], subnet: string): ConfigIssue[] {
  const tag = (vlan: number | undefined) => (vlan === undefined ? "untagged" : `VLAN ${vlan}`);
  const reference = nodes.findIndex((n) => !n.network.vlanOverride);
  if (reference === -1) return [];
  const expected = nodes[reference]!.network.vlan;
  const issues: ConfigIssue[] = [];
  nodes.forEach((node, i) => {
    if (node.network.vlanOverride || node.network.vlan === expected) return;
    issues.push({
      path: ["nodes", i, "network", "vlan"],
      message:
        `${tag(node.network.vlan)} differs from homelab:nodes[${reference}] (${nodes[reference]!.name}, ${tag(expected)}); ` +
        `every node on the LAN subnet ${subnet} needs the same VLAN, or set network.vlanOverride: true on a node whose host reaches the LAN differently`,
    });
  });
  return issues;
}

/** IPv4 prefix length of the LAN, for static addresses (`10.10.0.21/24`). */
export function lanPrefix(c: Pick<ProjectConfig, "network">): number {
  return parseCidr(c.network.subnet)!.prefix;
}

