// The machine-config contract (the Talos provider's `talosVersion` input,
// "the Talos version contract used to generate the machine configuration.
// This does not control the installed Talos version": terraform-provider-talos
// v0.11.0, docs/data-sources/machine_configuration.md) stays where the cluster
// was created, apart from the installed `talos.version`.
import { afterEach, describe, expect, it } from "vitest";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { compareContracts, contractOf, newClusterContract } from "../../core/talos/config";
import { render, type PlanView } from "../helpers/plan";

const GET_CONFIG = "talos:machine/getConfiguration:getConfiguration";
const contracts = (plan: PlanView) => [...new Set(plan.invokes(GET_CONFIG).map((i) => i.values["talosVersion"]))];
const recorded = STACK_REFERENCE_OUTPUTS["talos"]!.outputs;
const original = { ...recorded };
afterEach(() => {
  for (const key of Object.keys(recorded)) delete recorded[key];
  Object.assign(recorded, original);
});

describe("config contract", () => {
  it("generates every class's config for the configured contract and records it as an output", async () => {
    const plan = await render("talos");
    expect(contracts(plan)).toEqual(["v1.13"]);
    expect(plan.output("configVersion")).toBe("v1.13");
  });

  it("keeps the contract when the installed Talos version moves on (a patch or a minor upgrade)", async () => {
    const patch = await render("talos", { config: (c) => void (c["talos"].version = "v1.13.10") });
    expect(contracts(patch)).toEqual(["v1.13"]);
    // The installer image does move: that is the upgrade.
    expect(patch.plan.resources.some((r) => JSON.stringify(r.inputs).includes(":v1.13.10"))).toBe(true);
  });

  it("unset, follows what the stack recorded on its last run, not talos.version", async () => {
    recorded["configVersion"] = "v1.12";
    const plan = await render("talos", { config: (c) => void delete c["talos"].configVersion });
    expect(contracts(plan)).toEqual(["v1.12"]);
    expect(plan.output("configVersion")).toBe("v1.12");
  });

  it("unset on a new cluster (nothing recorded), takes talos.version's minor", async () => {
    delete recorded["configVersion"];
    const plan = await render("talos", { config: (c) => void delete c["talos"].configVersion });
    expect(contracts(plan)).toEqual(["v1.13"]);
  });

  it("set in config, wins over the recorded contract: raising it is an explicit edit", async () => {
    recorded["configVersion"] = "v1.13";
    const plan = await render("talos", { config: (c) => void (c["talos"].configVersion = "v1.12") });
    expect(contracts(plan)).toEqual(["v1.12"]);
  });

  it("reads major.minor only, as Talos does (pkg/machinery/config/contract.go ParseContractFromVersion)", () => {
    expect(contractOf("v1.13.9")).toBe("v1.13");
    expect(compareContracts("v1.12.7", "v1.13")).toBeLessThan(0);
    expect(compareContracts("v1.13.0", "v1.13.9")).toBe(0);
    expect(compareContracts("v2.0", "v1.99")).toBeGreaterThan(0);
    // A new cluster on a Talos newer than the provider's machinery gets the newest contract it can generate.
    expect(newClusterContract("v1.14.2")).toBe("v1.13");
    expect(newClusterContract("v1.12.5")).toBe("v1.12");
  });
});
