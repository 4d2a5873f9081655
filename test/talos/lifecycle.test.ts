// The talos stack's lifecycle on Proxmox, read from the plan: the readiness
// waits that never run at preview, and what depends on them.
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { loadRawConfig } from "../../core/render/project-files";
import { WAIT_CLUSTER_SCRIPT } from "../../core/talos/cluster";
import { NODE_REBOOT_SCRIPT } from "../../core/talos/upgrades";
import { dataDiskDocuments, dataDiskSerial, longhornV2Patch } from "../../core/talos/storage";
import { nonEmpty, render, renderConfigError, type PlanView } from "../helpers/plan";

const COMMAND = "command:local:Command";
const APPLY = "talos:machine/configurationApply:ConfigurationApply";
const CPS = ["10.10.0.11", "10.10.0.12", "10.10.0.13"];
const WORKERS = ["10.10.0.21", "10.10.0.22", "10.10.0.31"];

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const NODES = ["k8s-cp-1", "k8s-cp-2", "k8s-cp-3", "k8s-worker-1", "k8s-worker-2", "k8s-gpu-1"];

let plan: PlanView;
let relabelled: PlanView;
let newCpu: PlanView;
let gpuHost: PlanView;
beforeAll(async () => {
  [plan, relabelled, newCpu, gpuHost] = await Promise.all([
    render("talos"),
    render("talos", { config: (c) => void (c["nodes"][4].labels = { "homelab/disk": "fast" }) }),
    // One edit that needs a reboot of every VM, control planes included.
    render("talos", { config: (c) => void (c["proxmox"].cpuType = "x86-64-v3") }),
    render("talos", { config: (c) => void (c["nodes"][5].cpuType = "host") }),
  ]);
});

const env = (p: PlanView, name: string) => p.one(name, COMMAND).values["environment"] as Record<string, string>;

describe("no blocking call at preview", () => {
  // Invokes the Talos provider answers locally (siderolabs/terraform-provider-talos v0.11.0:
  // talos_machine_configuration_data_source.go and talos_client_configuration_data_source.go
  // generate from their inputs; talos_image_factory_urls_data_source.go formats URLs from the
  // provider's base URL). None of them talks to a node.
  const LOCAL_INVOKES = new Set([
    "talos:machine/getConfiguration:getConfiguration",
    "talos:client/getConfiguration:getConfiguration",
    "talos:imageFactory/getUrls:getUrls",
  ]);

  it("a preview (dry run) makes no call that needs the nodes: no health look-up, only invokes answered locally", async () => {
    const capture = await captureStack("talos", { config: loadRawConfig("talos"), env: placeholderEnv(), dryRun: true });
    expect(capture.error).toBeUndefined();
    const tokens = [...new Set(capture.plan!.invokes.map((i) => i.token))].sort();
    expect(tokens.filter((t) => !LOCAL_INVOKES.has(t))).toEqual([]);
    // The waits are resources, planned (not run) at preview.
    const names = capture.plan!.resources.filter((r) => r.type === COMMAND).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["homelab-health", "homelab-api-ready"]));
  });
});

describe("cluster health, only when the cluster is created or changed", () => {
  it("waits for Talos health of every node as a local command, with the talosconfig only as a secret", () => {
    const health = plan.one("homelab-health", COMMAND);
    expect(health.values["create"]).toContain(WAIT_CLUSTER_SCRIPT);
    expect(health.values["create"]).toMatch(/^set -- talos\n/);
    expect(env(plan, "homelab-health")).toMatchObject({ CONTROL_PLANE_IPS: CPS.join(","), WORKER_IPS: WORKERS.join(","), WAIT_SECONDS: "1200" });
    expect(plan.isSecretInput(health, "environment.HOMELAB_TALOSCONFIG")).toBe(true);
  });

  it("runs after bootstrap and after every node's config apply", () => {
    const health = plan.one("homelab-health", COMMAND);
    expect(plan.dependsOn(health, plan.one("homelab-bootstrap"))).toBe(true);
    for (const apply of nonEmpty(plan.ofType(APPLY))) expect(plan.dependsOn(health, apply), apply.name).toBe(true);
  });

  it("is keyed on the bootstrap and every applied config: a changed node config replaces (re-runs) it, nothing else does", () => {
    const triggers = (p: PlanView) => p.one("homelab-health", COMMAND).values["triggers"] as string[];
    const hashes = plan.ofType(APPLY).map((a) => a.values["machineConfigurationHash"]);
    expect(triggers(plan)).toHaveLength(1 + hashes.length);
    expect(triggers(plan)[0]).toBe("machine_bootstrap");
    // A label on one worker: one applied config changes, so the health wait is planned again.
    expect(triggers(relabelled)).not.toEqual(triggers(plan));
    expect(triggers(relabelled).filter((t, i) => t !== triggers(plan)[i])).toHaveLength(1);
  });

  it("fetches the kubeconfig after the health wait, then waits for the Kubernetes API with it", () => {
    const kubeconfig = plan.one("homelab-kubeconfig");
    const ready = plan.one("homelab-api-ready", COMMAND);
    expect(plan.dependsOn(kubeconfig, plan.one("homelab-health", COMMAND))).toBe(true);
    expect(plan.dependsOn(ready, kubeconfig)).toBe(true);
    expect(ready.values["create"]).toMatch(/^set -- kubernetes\n/);
    expect(plan.isSecretInput(ready, "environment.HOMELAB_KUBECONFIG")).toBe(true);
    // Re-run whenever the health wait is: keyed on its id (the mock's ids start with the name).
    expect(ready.values["triggers"]).toEqual([expect.stringMatching(/^homelab-health-/)]);
  });

  it("nothing uses the Kubernetes provider, and no upgrade step runs, before the API answers", () => {
    const ready = plan.one("homelab-api-ready", COMMAND);
    expect(plan.dependsOn(plan.one("kubernetes", "pulumi:providers:kubernetes"), ready)).toBe(true);
    for (const r of nonEmpty(plan.resources.filter((x) => x.provider?.includes("::pulumi:providers:kubernetes::")), "resources of the Kubernetes provider"))
      expect(plan.dependsOn(r, ready), r.name).toBe(true);
    for (const r of nonEmpty(plan.ofType(COMMAND).filter((x) => x.name.startsWith("upgrades-")))) expect(plan.dependsOn(r, ready), r.name).toBe(true);
  });
});

describe("reboots in order, never on their own", () => {
  const vm = (p: PlanView, node: string) => p.one(`${node}-vm`, VM);
  const reboot = (p: PlanView, node: string) => p.one(`upgrades-reboot-${node}`, COMMAND);
  const upgrade = (p: PlanView, node: string) => p.one(`upgrades-node-${node}`, COMMAND);

  it("no VM reboots itself after an update (bpg reboot_after_update is on by default)", () => {
    for (const r of nonEmpty(plan.ofType(VM))) expect(r.values["rebootAfterUpdate"], r.name).toBe(false);
  });

  it("has one reboot step per node, keyed on the VM settings only a reboot applies", () => {
    expect(reboot(plan, "k8s-cp-2").values["triggers"]).toEqual(["cpu=x86-64-v2-AES cores=4 memory=8192"]);
    expect(reboot(plan, "k8s-gpu-1").values["triggers"]).toEqual(["cpu=x86-64-v2-AES cores=16 memory=65536 hostpci0=mapping:rtx-4090"]);
    expect(env(plan, "upgrades-reboot-k8s-cp-2")).toMatchObject({
      PROXMOX_HOST: "pve2",
      VM_ID: "1102",
      NODE_NAME: "k8s-cp-2",
      NODE_IP: "10.10.0.12",
      NODE_CLASS: "controlplane",
      CONTROL_PLANE_IPS: CPS.join(","),
      PROXMOX_AUTH: "token",
      PROXMOX_ENDPOINT: "https://10.10.0.2:8006/",
      PROXMOX_INSECURE: "false",
    });
  });

  it("runs the reboot script (with the shared helpers) as `create` and has no `update`: an edit of either runs it once more, and it first reads the VM's pending changes (test/talos/lifecycle-scripts.test.ts)", () => {
    for (const n of NODES) {
      expect(reboot(plan, n).values["create"], n).toBe(NODE_REBOOT_SCRIPT);
      expect(reboot(plan, n).values["update"], n).toBeUndefined();
    }
  });

  it("a CPU type change on every VM is planned as VM updates plus one reboot step per node, chained: control planes one at a time, etcd-gated", () => {
    for (const n of NODES) {
      expect(vm(newCpu, n).values["cpu"]).toMatchObject({ type: "x86-64-v3" });
      expect(reboot(newCpu, n).values["triggers"]).not.toEqual(reboot(plan, n).values["triggers"]);
      // Each reboot comes after the VM update it applies, and after the node's own upgrade step.
      expect(newCpu.dependsOn(reboot(newCpu, n), vm(newCpu, n)), n).toBe(true);
      expect(newCpu.dependsOn(reboot(newCpu, n), upgrade(newCpu, n)), n).toBe(true);
    }
    const [r1, r2, r3] = ["k8s-cp-1", "k8s-cp-2", "k8s-cp-3"].map((n) => reboot(newCpu, n));
    expect(newCpu.dependsOn(r2!, r1!)).toBe(true);
    expect(newCpu.dependsOn(r3!, r2!)).toBe(true);
    expect(newCpu.dependsOn(r1!, r2!)).toBe(false);
    // The next control plane's upgrade waits for the previous one's reboot: never two down at once.
    expect(newCpu.dependsOn(upgrade(newCpu, "k8s-cp-2"), r1!)).toBe(true);
    expect(newCpu.dependsOn(reboot(newCpu, "k8s-worker-1"), r3!)).toBe(true);
    expect(newCpu.dependsOn(newCpu.one("upgrades-kubernetes", COMMAND), reboot(newCpu, "k8s-gpu-1"))).toBe(true);
  });

  it("a per-node CPU type (a GPU node wants host) changes only that VM and its reboot step", () => {
    expect(vm(gpuHost, "k8s-gpu-1").values["cpu"]).toMatchObject({ type: "host" });
    expect(reboot(gpuHost, "k8s-gpu-1").values["triggers"]).toEqual(["cpu=host cores=16 memory=65536 hostpci0=mapping:rtx-4090"]);
    for (const n of NODES.filter((x) => x !== "k8s-gpu-1")) {
      expect(vm(gpuHost, n).values).toEqual(vm(plan, n).values);
      expect(reboot(gpuHost, n).values["triggers"]).toEqual(reboot(plan, n).values["triggers"]);
    }
  });

  it("passes the client configs and the Proxmox credential only as secret environment values", () => {
    const r = reboot(plan, "k8s-worker-1");
    for (const key of ["HOMELAB_TALOSCONFIG", "HOMELAB_KUBECONFIG", "HOMELAB_PROXMOX_SECRET"]) expect(plan.isSecretInput(r, `environment.${key}`), key).toBe(true);
    expect(env(plan, "upgrades-reboot-k8s-worker-1")["HOMELAB_PROXMOX_SECRET"]).toBe("pulumi@pve!homelab=placeholder-proxmox-api-token");
    for (const c of nonEmpty(plan.ofType(COMMAND))) expect(JSON.stringify(c.inputs), c.name).not.toContain("placeholder-proxmox-api-token");
  });
});

describe("per-node CPU type in config", () => {
  it("refuses a CPU type that is not a Proxmox CPU model name, with its path", async () => {
    const error = await renderConfigError("talos", { config: (c) => void (c["nodes"][5].cpuType = "host; rm -rf /") });
    expect(error.message).toContain("homelab:nodes[5].cpuType");
    expect(error.message).toContain("expected a Proxmox CPU type like host or x86-64-v3");
  });
});

describe("images once per shared datastore", () => {
  const FILE = "proxmoxve:download/file:File";
  let shared: PlanView;
  beforeAll(async () => {
    shared = await render("talos", {
      config: (c) => {
        // pve1 and pve2 keep images on one CephFS; pve3 on its own local storage.
        c["proxmox"].hosts = [{ name: "pve1", imageDatastore: "cephfs" }, { name: "pve2", imageDatastore: "cephfs" }, { name: "pve3", imageDatastore: "local" }];
        c["proxmox"].sharedDatastores = ["cephfs"];
      },
    });
  });

  it("downloads each image once to a shared datastore and once per host elsewhere", () => {
    expect(nonEmpty(shared.ofType(FILE)).map((f) => `${f.name} ${f.values["nodeName"]} ${f.values["datastoreId"]}`).sort()).toEqual([
      "homelab-image-base-pve3 pve3 local",
      "homelab-image-base-shared-cephfs pve1 cephfs",
      "homelab-image-gpu-pve3 pve3 local",
    ]);
    // Without the setting, the same hosts get one download each.
    expect(plan.ofType(FILE).filter((f) => f.name.startsWith("homelab-image-base-"))).toHaveLength(3);
  });

  it("VMs on every host sharing the datastore import the one file; which host downloaded it is ignored later", () => {
    const file = shared.one("homelab-image-base-shared-cephfs", FILE);
    expect(file.ignoreChanges).toEqual(["nodeName"]);
    for (const n of ["k8s-cp-1", "k8s-cp-2", "k8s-worker-2"]) {
      const disks = shared.one(`${n}-vm`, VM).values["disks"] as { fileId: string }[];
      expect(disks[0]!.fileId, n).toBe("cephfs:iso/talos-v1.13.9-base-nocloud-amd64.img");
    }
    expect((shared.one("k8s-cp-3-vm", VM).values["disks"] as { fileId: string }[])[0]!.fileId).toBe("local:iso/talos-v1.13.9-base-nocloud-amd64.img");
  });
});

describe("storage prerequisites", () => {
  const APPLY_T = "talos:machine/configurationApply:ConfigurationApply";
  const GET_CONFIG = "talos:machine/getConfiguration:getConfiguration";
  let storage: PlanView;
  beforeAll(async () => {
    storage = await render("talos", {
      config: (c) => {
        c["nodes"][3].dataDisk = { size: 500, datastore: "nvme" };
        c["talos"].workers.longhornV2 = true;
      },
    });
  });
  const patches = (p: PlanView, node: string) => (p.one(`${node}-config`, APPLY_T).values["configPatches"] as string[]).map((x) => YAML.parse(x));

  it("gives a node's data disk to its VM as a second disk with a serial Talos selects it by", () => {
    const disks = storage.one("k8s-worker-1-vm", VM).values["disks"] as Record<string, unknown>[];
    expect(disks).toHaveLength(2);
    expect(disks[1]).toMatchObject({ interface: "scsi1", datastoreId: "nvme", size: 500, serial: "data1201", iothread: true, discard: "on" });
    expect(storage.one("k8s-worker-2-vm", VM).values["disks"]).toHaveLength(1);
  });

  it("mounts it with a UserVolumeConfig (whole disk, by serial) and shares /var/mnt/<volume> with the kubelet, rshared", () => {
    const docs = patches(storage, "k8s-worker-1");
    expect(docs).toContainEqual({
      apiVersion: "v1alpha1",
      kind: "UserVolumeConfig",
      name: "data",
      volumeType: "disk",
      provisioning: { diskSelector: { match: 'disk.serial == "data1201"' } },
      filesystem: { type: "xfs" },
    });
    expect(docs).toContainEqual({
      machine: { kubelet: { extraMounts: [{ destination: "/var/mnt/data", type: "bind", source: "/var/mnt/data", options: ["bind", "rshared", "rw"] }] } },
    });
    expect(patches(storage, "k8s-worker-2").some((d) => d.kind === "UserVolumeConfig" || d.machine?.kubelet?.extraMounts)).toBe(false);
  });

  it("loads Longhorn v1's iscsi_tcp on workers by default, and v2's modules and huge pages only when asked", () => {
    const workerPatches = (p: PlanView) =>
      p.invokes(GET_CONFIG)
        .filter((i) => i.values["machineType"] === "worker")
        .map((i) => (i.values["configPatches"] as string[]).map((x) => YAML.parse(x)));
    const modules = (docs: any[]) => docs.flatMap((d) => d.machine?.kernel?.modules?.map((m: { name: string }) => m.name) ?? []);
    for (const docs of nonEmpty(workerPatches(plan))) {
      expect(modules(docs)).toContain("iscsi_tcp");
      expect(modules(docs)).not.toContain("nvme_tcp");
    }
    for (const docs of nonEmpty(workerPatches(storage))) {
      expect(modules(docs)).toEqual(expect.arrayContaining(["iscsi_tcp", "nvme_tcp", "vfio_pci", "uio_pci_generic"]));
      expect(docs.some((d) => d.machine?.sysctls?.["vm.nr_hugepages"] === "1024")).toBe(true);
    }
  });

  it("refuses a volume name Talos would reject", async () => {
    const error = await renderConfigError("talos", { config: (c) => void (c["nodes"][3].dataDisk = { size: 10, volume: "no/slash" }) });
    expect(error.message).toContain("homelab:nodes[3].dataDisk.volume");
  });
});

describe("storage documents against the Talos 1.13 schema", () => {
  // Facts from the Talos v1.13.9 config schema (block.UserVolumeConfigV1Alpha1,
  // block.ProvisioningSpec, block.DiskSelector, block.FilesystemSpec, v1alpha1.ExtraMount;
  // additionalProperties false on each), embedded so the test needs nothing outside the project.
  const USER_VOLUME = ["apiVersion", "kind", "name", "volumeType", "provisioning", "filesystem", "encryption", "mount"];
  const PROVISIONING = ["diskSelector", "grow", "minSize", "maxSize"];
  const EXTRA_MOUNT = ["destination", "type", "source", "options", "uidMappings", "gidMappings"];

  it("writes only fields Talos 1.13 accepts, with values from its enums and the name rule", () => {
    const [volume, mounts] = dataDiskDocuments({ vmId: 1201, dataDisk: { size: 100, datastore: "local-lvm", volume: "longhorn", filesystem: "ext4" } }) as [
      Record<string, any>,
      Record<string, any>,
    ];
    for (const key of Object.keys(volume)) expect(USER_VOLUME, key).toContain(key);
    for (const key of Object.keys(volume["provisioning"])) expect(PROVISIONING, key).toContain(key);
    expect(Object.keys(volume["provisioning"]["diskSelector"])).toEqual(["match"]);
    expect(["directory", "disk", "partition"]).toContain(volume["volumeType"]);
    expect(["ext4", "xfs"]).toContain(volume["filesystem"]["type"]);
    expect(volume["name"]).toMatch(/^[A-Za-z0-9-]{1,34}$/);
    // A whole disk takes no sizes (Talos validates volumeType disk without min/max size).
    expect(volume["provisioning"]).not.toHaveProperty("minSize");
    for (const m of mounts["machine"]["kubelet"]["extraMounts"]) for (const key of Object.keys(m)) expect(EXTRA_MOUNT, key).toContain(key);
    expect(mounts["machine"]["kubelet"]["extraMounts"][0].destination).toBe("/var/mnt/longhorn");
    expect(dataDiskSerial(999_999_999).length).toBeLessThanOrEqual(20);
    for (const v of Object.values(longhornV2Patch().machine.sysctls!)) expect(typeof v).toBe("string");
  });
});
