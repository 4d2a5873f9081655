// The talos stack's lifecycle on Proxmox, read from the plan: the readiness
// waits that never run at preview, and what depends on them.
import { beforeAll, describe, expect, it } from "vitest";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { loadRawConfig } from "../../core/render/project-files";
import { WAIT_CLUSTER_SCRIPT } from "../../core/talos/cluster";
import { render, type PlanView, nonEmpty } from "../helpers/plan";

const COMMAND = "command:local:Command";
const APPLY = "talos:machine/configurationApply:ConfigurationApply";
const CPS = ["10.10.0.11", "10.10.0.12", "10.10.0.13"];
const WORKERS = ["10.10.0.21", "10.10.0.22", "10.10.0.31"];

let plan: PlanView;
let relabelled: PlanView;
beforeAll(async () => {
  [plan, relabelled] = await Promise.all([
    render("talos"),
    render("talos", { config: (c) => void (c["nodes"][4].labels = { "homelab/disk": "fast" }) }),
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
