// The talos stack under config changes: scaling, upgrades of the image,
// other Proxmox set-ups, and every config error the stack adds.
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { formatConfigPath, type ConfigError } from "../../core/config/errors";
import { planPlacement } from "../../core/talos/placement";
import { render, renderConfigError, renderMissingSecrets, type ConfigValues, type PlanView, nonEmpty } from "../helpers/plan";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const FILE = "proxmoxve:download/file:File";

const files = (plan: PlanView) =>
  Object.fromEntries(plan.ofType(FILE).map((f) => [f.name, { fileName: f.values["fileName"], url: f.values["url"] }]));

describe("scaling", () => {
  let plan: PlanView;
  beforeAll(async () => {
    plan = await render("talos", {
      config: (c) => {
        const nodes = [
          ...[1, 2, 3].map((i) => ({ name: `cp-${i}`, role: "controlplane" as const, vmId: 2000 + i, ip: `10.10.0.${10 + i}` })),
          ...Array.from({ length: 20 }, (_, i) => ({ name: `worker-${i + 1}`, role: "worker" as const, vmId: 3001 + i, ip: `10.10.0.${101 + i}` })),
        ];
        // Several hosts: every node names one; here the one the config error would suggest.
        const suggested = planPlacement(nodes, ["pve1", "pve2", "pve3"]);
        c["nodes"] = nodes.map((n) => ({ ...n, host: suggested.get(n.name) }));
      },
    });
  });

  it("renders 3 control planes + 20 workers over 3 hosts, the suggested hosts putting the control planes on 3 distinct hosts", () => {
    expect(plan.ofType(VM)).toHaveLength(23);
    const cpHosts = [1, 2, 3].map((i) => plan.one(`cp-${i}-vm`, VM).values["nodeName"]);
    expect(new Set(cpHosts)).toEqual(new Set(["pve1", "pve2", "pve3"]));
  });

  it("spreads the workers evenly and downloads only the base image, once per host", () => {
    const perHost = new Map<string, number>();
    for (const r of plan.ofType(VM)) perHost.set(String(r.values["nodeName"]), (perHost.get(String(r.values["nodeName"])) ?? 0) + 1);
    expect([...perHost.values()].sort()).toEqual([7, 8, 8]);
    expect(Object.keys(files(plan)).sort()).toEqual(["homelab-image-base-pve1", "homelab-image-base-pve2", "homelab-image-base-pve3"]);
    expect(plan.output("schematicIds")).not.toHaveProperty("gpu");
  });
});

describe("changing the image", () => {
  // Two changes from the committed example (v1.13.9, base extensions): a Talos
  // version bump, and one more base extension.
  let newVersion: PlanView;
  let newExtension: PlanView;
  const ids = (p: PlanView) => p.output("schematicIds") as Record<string, string>;
  beforeAll(async () => {
    newVersion = await render("talos", { config: (c) => void (c["talos"].version = "v1.13.10") });
    newExtension = await render("talos", { config: (c) => void c["talos"].extensions.base.push("siderolabs/intel-ucode") });
  });

  it("a Talos version change points every download at the new version under a new stable name", () => {
    const base = files(newVersion)["homelab-image-base-pve1"]!;
    expect(base.fileName).toBe("talos-v1.13.10-base-nocloud-amd64.img");
    expect(base.url).toBe(`https://factory.talos.dev/image/${ids(newVersion)["base"]}/v1.13.10/nocloud-amd64.raw.gz`);
  });

  it("an extension change keeps the file name but changes schematic and URL, for every kind built on base", () => {
    const changed = files(newExtension);
    const unchanged = files(newVersion);
    for (const name of Object.keys(changed)) {
      expect(changed[name]!.fileName).toBe(String(unchanged[name]!.fileName).replace("v1.13.10", "v1.13.9"));
      expect(changed[name]!.url).toContain(ids(newExtension)[name.includes("gpu") ? "gpu" : "base"]!);
    }
    expect(ids(newExtension)["base"]).not.toBe(ids(newVersion)["base"]);
    expect(ids(newExtension)["gpu"]).not.toBe(ids(newVersion)["gpu"]);
    const schematic = YAML.parse(newExtension.one("homelab-image-gpu-schematic").values["schematic"] as string);
    expect(schematic.customization.systemExtensions.officialExtensions).toContain("siderolabs/intel-ucode");
  });

  it("installs the new image through the machine config, and keeps the secrets and the VMs' identity", () => {
    const installers = newExtension
      .invokes("talos:machine/getConfiguration:getConfiguration")
      .flatMap((i) => (i.values["configPatches"] as string[]).map((p) => YAML.parse(p)?.machine?.install?.image).filter(Boolean));
    expect(installers).toContain(`factory.talos.dev/nocloud-installer/${ids(newExtension)["base"]}:v1.13.9`);
    expect(newVersion.one("homelab-secrets").values).toEqual(newExtension.one("homelab-secrets").values);
    expect(newVersion.one("k8s-cp-1-vm", VM).values["vmId"]).toBe(1101);
  });
});

describe("other Proxmox set-ups", () => {
  // One host, password auth, TLS opt-out, and a GPU by raw PCI ids.
  let plan: PlanView;
  beforeAll(async () => {
    plan = await render("talos", {
      config: (c) => {
        c["proxmox"] = { ...c["proxmox"], auth: "password", username: "root@pam", insecure: true, hosts: [{ name: "pve" }], protectVms: false };
        delete c["proxmox"].tokenId;
        for (const n of c["nodes"]) delete n.host;
        const gpu = c["nodes"].find((n: ConfigValues) => n.name === "k8s-gpu-1");
        gpu.gpu = { pciIds: ["0000:01:00.0", "0000:02:00.0"] };
      },
      env: { PROXMOX_PASSWORD: "hunter2" },
    });
  });

  it("logs in with user and password, the password kept secret, and honours the TLS opt-out", () => {
    const provider = plan.one("proxmox", "pulumi:providers:proxmoxve");
    expect(provider.values).toMatchObject({ username: "root@pam", password: "hunter2", insecure: "true" });
    expect(provider.values["apiToken"]).toBeUndefined();
    expect(plan.isSecretInput(provider, "password")).toBe(true);
  });

  it("passes raw PCI devices through in consecutive hostpci slots", () => {
    expect(plan.one("k8s-gpu-1-vm", VM).values["hostpcis"]).toEqual([
      { device: "hostpci0", id: "0000:01:00.0", pcie: true, xvga: false },
      { device: "hostpci1", id: "0000:02:00.0", pcie: true, xvga: false },
    ]);
  });

  it("leaves VMs unprotected when protectVms is false, so nodes can be removed", () => {
    for (const vm of nonEmpty(plan.ofType(VM))) {
      expect(vm.protect, vm.name).toBe(false);
      expect(vm.values["protection"], vm.name).toBe(false);
    }
  });

  it("places every node on the only host, with one download per image there", () => {
    expect(new Set(plan.ofType(VM).map((r) => r.values["nodeName"]))).toEqual(new Set(["pve"]));
    expect(plan.ofType(FILE).map((f) => f.name).sort()).toEqual(["homelab-image-base-pve", "homelab-image-gpu-pve"]);
  });
});

describe("config errors", () => {
  const paths = (err: ConfigError) => err.issues.map((i) => formatConfigPath(i.path));

  it("names the valid hosts when a node names an unknown one", async () => {
    const err = await renderConfigError("talos", { config: (c) => void (c["nodes"][1].host = "pve9") });
    expect(err.message).toContain('homelab:nodes[1].host: unknown Proxmox host "pve9"; homelab:proxmox.hosts has "pve1", "pve2", "pve3"');
  });

  it("asks for the token id with token auth and the user with password auth", async () => {
    const token = await renderConfigError("talos", { config: (c) => void delete c["proxmox"].tokenId });
    expect(paths(token)).toContain("homelab:proxmox.tokenId");
    const password = await renderConfigError("talos", { config: (c) => void (c["proxmox"].auth = "password") });
    expect(paths(password)).toContain("homelab:proxmox.username");
  });

  it("refuses raw PCI ids with an API token and a GPU node without a host", async () => {
    const err = await renderConfigError("talos", {
      config: (c) => {
        const gpu = c["nodes"].find((n: ConfigValues) => n.name === "k8s-gpu-1");
        gpu.gpu = { pciIds: ["0000:01:00.0"] };
        delete gpu.host;
      },
    });
    expect(paths(err)).toEqual(expect.arrayContaining(["homelab:nodes[5].gpu.pciIds", "homelab:nodes[5].host"]));
  });

  it("rejects a bad extension name and a missing Kubernetes version", async () => {
    const err = await renderConfigError("talos", {
      config: (c) => {
        c["talos"].extensions.gpu = ["nvidia"];
        delete c["talos"].kubernetesVersion;
      },
    });
    expect(paths(err)).toEqual(expect.arrayContaining(["homelab:talos.extensions.gpu[0]", "homelab:talos.kubernetesVersion"]));
  });

  it("rejects a Proxmox host listed twice", async () => {
    const err = await renderConfigError("talos", { config: (c) => void c["proxmox"].hosts.push({ name: "pve1" }) });
    expect(err.message).toContain('homelab:proxmox.hosts[3].name: duplicate Proxmox host "pve1"');
  });

  it("requires the Proxmox secret the chosen auth needs", async () => {
    const err = await renderMissingSecrets("talos", {});
    expect(err.message).toContain("PROXMOX_API_TOKEN");
  });
});
