/**
 * Cross-field rules over project-level config (docs/config.md), as a table:
 * each change to the example must produce exactly the named problem.
 */
import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { decodeConfig, parseConfig } from "../../core/config/load";
import { projectShape, validateProject, type ProjectConfig } from "../../core/config/project";
import { z } from "zod";
import { exampleConfig, type ConfigValues } from "../helpers/plan";
import { toRawConfig } from "../../core/render/project-files";

const schema = z.object(projectShape);

function problems(mutate: (c: ConfigValues) => void): string[] {
  const values = exampleConfig("talos");
  const project = Object.fromEntries(Object.keys(projectShape).map((k) => [k, values[k]]));
  mutate(project);
  const raw = toRawConfig(Object.fromEntries(Object.entries(project).map(([k, v]) => [`homelab:${k}`, v])));
  try {
    parseConfig("talos", schema, decodeConfig(raw), (c) => validateProject(c as ProjectConfig));
    return [];
  } catch (err) {
    return (err as { issues: { path: (string | number)[]; message: string }[] }).issues.map(
      (i) => `${formatConfigPath(i.path)}: ${i.message}`,
    );
  }
}

describe("project config rules", () => {
  it("accepts the committed example", () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it.each<[string, (c: ConfigValues) => void, string]>([
    ["duplicate VM id", (c) => (c.nodes[1].vmId = c.nodes[0].vmId), 'homelab:nodes[1].vmId: duplicate VM id 1101, already used by homelab:nodes[0].vmId'],
    ["duplicate node name", (c) => (c.nodes[2].name = "k8s-cp-1"), 'homelab:nodes[2].name: duplicate node name "k8s-cp-1", already used by homelab:nodes[0].name'],
    ["node IP outside the subnet", (c) => (c.nodes[0].ip = "192.168.1.5"), "homelab:nodes[0].ip: node IP 192.168.1.5 is outside the LAN subnet 10.10.0.0/24 (usable hosts only)"],
    ["node on the VIP", (c) => (c.nodes[3].ip = "10.10.0.10"), "homelab:nodes[3].ip: collides with the VIP homelab:network.vip (10.10.0.10)"],
    ["node on the gateway", (c) => (c.nodes[3].ip = "10.10.0.1"), "homelab:nodes[3].ip: collides with the gateway homelab:network.gateway (10.10.0.1)"],
    ["VIP outside the subnet", (c) => (c.network.vip = "10.10.1.10"), "homelab:network.vip: VIP is outside the LAN subnet 10.10.0.0/24 (usable hosts only)"],
    ["VIP on the gateway", (c) => ((c.network.vip = "10.10.0.1"), (c.network.nameservers = ["1.1.1.1"])), "homelab:network.vip: VIP must differ from the gateway"],
    ["even control-plane count", (c) => (c.nodes[2].role = "worker"), "homelab:nodes: expected an odd number of control planes for etcd quorum (1, 3 or 5), got 2"],
    ["no control plane", (c) => c.nodes.forEach((n: ConfigValues) => (n.role = "worker")), "homelab:nodes: expected at least one node with role controlplane"],
    ["bad CIDR", (c) => (c.network.subnet = "10.10.0.0/33"), 'homelab:network.subnet: expected an IPv4 CIDR like 10.10.0.0/24, got "10.10.0.0/33"'],
    ["subnet with host bits", (c) => (c.network.subnet = "10.10.0.7/24"), 'homelab:network.subnet: expected a network address with host bits zero (like 10.10.0.0/24), got "10.10.0.7/24"'],
    ["bad PCI id", (c) => (c.nodes[5].gpu = { pciIds: ["01:00:0"] }), 'homelab:nodes[5].gpu.pciIds[0]: expected a PCI address like 0000:01:00.0, got "01:00:0"'],
    ["both GPU forms", (c) => (c.nodes[5].gpu = { pciIds: ["0000:01:00.0"], mappings: ["x"] }), "homelab:nodes[5].gpu: set exactly one of `mappings` (Proxmox resource mapping names) or `pciIds` (like 0000:01:00.0)"],
    ["GPU on a control plane", (c) => (c.nodes[0].gpu = { mappings: ["rtx"] }), "homelab:nodes[0].gpu: GPUs are only supported on worker nodes (control planes stay schedulable for etcd only)"],
    ["bad hostname", (c) => (c.nodes[0].name = "CP_1"), 'homelab:nodes[0].name: expected a DNS label (lower-case letters, digits and \'-\', 1-63 characters, no leading or trailing \'-\'), got "CP_1"'],
    ["balloon above memory", (c) => (c.nodes[0].memoryFloor = 99999), "homelab:nodes[0].memoryFloor: balloon floor 99999 MiB exceeds memory 8192 MiB"],
    ["unknown key", (c) => (c.nodes[0].cpus = 4), "homelab:nodes[0].cpus: unknown key (check the spelling; see the config reference in README.md)"],
    ["wrong type", (c) => (c.nodes[0].vmId = "1101"), 'homelab:nodes[0].vmId: expected number, got string "1101"'],
    ["missing key", (c) => delete c.network.vip, "homelab:network.vip: required: expected string"],
    ["service named like an edge host", (c) => (c.publicServices[0].name = "auth"), 'homelab:publicServices[0].name: "auth" is already the always-public edge hostname homelab:edge.auth'],
    ["duplicate service", (c) => (c.publicServices[1].name = c.publicServices[0].name), 'homelab:publicServices[1].name: duplicate public service "grafana", already used by homelab:publicServices[0].name'],
  ])("rejects %s", (_what, mutate, expected) => {
    expect(problems(mutate)).toEqual([expected]);
  });
});
