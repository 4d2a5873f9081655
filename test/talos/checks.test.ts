// The pure checks the policy pack shares with the stack: on the rendered plan
// they pass, and on the inputs they exist to catch they say why.
import { beforeAll, describe, expect, it } from "vitest";
import { ballooningOnPassthrough, ciliumApiThroughKubePrism } from "../../core/talos/checks";
import { render, type PlanView, nonEmpty } from "../helpers/plan";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const RELEASE = "kubernetes:helm.sh/v3:Release";

let plan: PlanView;
let overcommitted: PlanView;
beforeAll(async () => {
  [plan, overcommitted] = await Promise.all([
    render("talos"),
    render("talos", { config: (c) => void (c["nodes"][3].memoryFloor = 4096) }),
  ]);
});

describe("no ballooning on passthrough", () => {
  it("passes every VM of the rendered plan, the GPU VM holding all its memory", () => {
    for (const vm of nonEmpty(plan.ofType(VM))) expect(ballooningOnPassthrough(vm.values as never), vm.name).toBeUndefined();
    expect(plan.one("k8s-gpu-1-vm", VM).values["memory"]).toEqual({ dedicated: 65536, floating: 65536 });
  });

  it("lets a VM without passthrough balloon when config asks for it", () => {
    const worker = overcommitted.one("k8s-worker-1-vm", VM).values;
    expect(worker["memory"]).toEqual({ dedicated: 16384, floating: 4096 });
    expect(ballooningOnPassthrough(worker as never)).toBeUndefined();
  });

  it("flags a passthrough VM whose balloon floor is below its memory", () => {
    const gpu = { memory: { dedicated: 65536, floating: 32768 }, hostpcis: [{ device: "hostpci0", mapping: "rtx-4090" }] };
    expect(ballooningOnPassthrough(gpu)).toMatch(/^VM with PCI passthrough balloons \(memory\.floating 32768 MiB below memory\.dedicated 65536 MiB\)/);
    expect(ballooningOnPassthrough({ ...gpu, memory: { dedicated: 65536, floating: 0 } })).toBeUndefined();
    expect(ballooningOnPassthrough({ ...gpu, memory: { dedicated: 65536, floating: 65536 } })).toBeUndefined();
    expect(ballooningOnPassthrough({ ...gpu, memory: { dedicated: 65536, floating: "lots" } })).toMatch(/not a number/);
  });
});

describe("Cilium through KubePrism", () => {
  it("passes the rendered Cilium release, on the configured port", () => {
    const values = plan.one("cilium-release", RELEASE).values["values"] as Record<string, unknown>;
    expect(ciliumApiThroughKubePrism(values, 7445)).toBeUndefined();
    expect(ciliumApiThroughKubePrism(values)).toBeUndefined();
  });

  it("follows a changed KubePrism port in both the machine configs and Cilium", async () => {
    const moved = await render("talos", { config: (c) => void (c["talos"].kubePrismPort = 7500) });
    const values = moved.one("cilium-release", RELEASE).values["values"] as Record<string, unknown>;
    expect(ciliumApiThroughKubePrism(values, 7500)).toBeUndefined();
    const patches = moved.invokes("talos:machine/getConfiguration:getConfiguration").flatMap((i) => i.values["configPatches"] as string[]);
    expect(patches.filter((p) => p.includes("kubePrism"))).toHaveLength(3);
    for (const p of patches.filter((p) => p.includes("kubePrism"))) expect(p).toMatch(/kubePrism:\n\s+enabled: true\n\s+port: 7500/);
  });

  it("flags values that reach the API through the VIP or on another port", () => {
    expect(ciliumApiThroughKubePrism({ k8sServiceHost: "10.10.0.10", k8sServicePort: 6443 })).toMatch(/k8sServiceHost is "10\.10\.0\.10": it must be localhost \(KubePrism\)/);
    expect(ciliumApiThroughKubePrism({ k8sServiceHost: "localhost", k8sServicePort: 6443 }, 7445)).toMatch(/k8sServicePort is 6443: it must be KubePrism's port 7445/);
    expect(ciliumApiThroughKubePrism({ k8sServiceHost: "localhost" })).toMatch(/k8sServicePort is undefined/);
  });
});
