/**
 * Test helpers: render a stack under the project's mocks and ask questions of
 * the captured plan, so each test reads as a statement about the plan.
 */
import { expect } from "vitest";
import { ConfigError, MissingSecretsError } from "../../core/config/errors";
import type { PlanDocument, PlanInvoke, PlanResource } from "../../core/render/format";
import { captureStack, placeholderEnv, type CapturedInvoke, type CapturedResource, type Plan } from "../../core/render/harness";
import { loadConfigValues, toRawConfig } from "../../core/render/project-files";
import type { Environment } from "../../core/secrets";
import type { Json } from "../../core/render/wire";
import { FIXTURE_CONFIG_DIR } from "./fixtures";

export type ConfigValues = Record<string, any>;

/**
 * The list, after asserting it is not empty: a loop of assertions over an
 * empty list passes without checking anything, so every loop over plan
 * resources goes through this.
 */
export function nonEmpty<T>(list: readonly T[], what = "the list looped over"): readonly T[] {
  expect(list.length, `${what} is empty, so the assertions in the loop would check nothing`).toBeGreaterThan(0);
  return list;
}

/** The example config of a stack (fixture Pulumi.yaml + Pulumi.<stack>.yaml), keys without the namespace. */
export function exampleConfig(stack: string): ConfigValues {
  const values = loadConfigValues(stack, FIXTURE_CONFIG_DIR);
  return structuredClone(Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/^homelab:/, ""), v])));
}

export interface RenderArgs {
  /** Change the example config before rendering (mutate in place or return a new object). */
  readonly config?: (values: ConfigValues) => ConfigValues | void;
  /** Secrets environment; default placeholders for every secret. */
  readonly env?: Environment;
}

function rawConfigFor(stack: string, args: RenderArgs) {
  let values = exampleConfig(stack);
  if (args.config) values = args.config(values) ?? values;
  return toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
}

/** Renders a stack and returns a queryable plan; fails the test on any error. */
export async function render(stack: string, args: RenderArgs = {}): Promise<PlanView> {
  const capture = await captureStack(stack, { config: rawConfigFor(stack, args), env: args.env ?? placeholderEnv() });
  if (capture.error !== undefined) throw capture.error;
  return new PlanView(capture.plan!);
}

/** Renders a stack expecting a config error; asserts nothing was registered first. */
export async function renderConfigError(stack: string, args: RenderArgs): Promise<ConfigError> {
  const capture = await captureStack(stack, { config: rawConfigFor(stack, args), env: args.env ?? placeholderEnv() });
  expect(capture.error, "expected a config error").toBeInstanceOf(ConfigError);
  expect(capture.registered, "no resource may be registered before a config error").toBe(0);
  return capture.error as ConfigError;
}

/** Renders a stack expecting missing secrets. */
export async function renderMissingSecrets(stack: string, env: Environment): Promise<MissingSecretsError> {
  const capture = await captureStack(stack, { config: rawConfigFor(stack, {}), env });
  expect(capture.error, "expected a missing-secrets error").toBeInstanceOf(MissingSecretsError);
  expect(capture.registered).toBe(0);
  return capture.error as MissingSecretsError;
}

export class PlanView {
  constructor(readonly plan: Plan) {}

  get resources(): CapturedResource[] {
    return this.plan.resources;
  }

  /** All resources of a type token, e.g. "proxmoxve:index/vmLegacy:VmLegacy". */
  ofType(type: string): CapturedResource[] {
    return this.plan.resources.filter((r) => r.type === type);
  }

  /** The one resource with this logical name (and type, when given); fails otherwise. */
  one(name: string, type?: string): CapturedResource {
    const found = this.plan.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1)
      throw new Error(
        `expected exactly one resource named ${name}${type ? ` of type ${type}` : ""}, found ${found.length}: ${found.map((r) => r.urn).join(", ") || "(none)"}`,
      );
    return found[0]!;
  }

  find(name: string, type?: string): CapturedResource | undefined {
    return this.plan.resources.find((r) => r.name === name && (type === undefined || r.type === type));
  }

  byUrn(urn: string): CapturedResource {
    const r = this.plan.resources.find((x) => x.urn === urn);
    if (!r) throw new Error(`no resource ${urn}`);
    return r;
  }

  /** Children of a component (direct). */
  childrenOf(parent: CapturedResource): CapturedResource[] {
    return this.plan.resources.filter((r) => r.parent === parent.urn);
  }

  /** True when `a` depends on `b` directly or through other resources (dependsOn and Output inputs, parents excluded). */
  dependsOn(a: CapturedResource, b: CapturedResource): boolean {
    const seen = new Set<string>();
    const stack = [a.urn];
    const byUrn = new Map(this.plan.resources.map((r) => [r.urn, r]));
    while (stack.length) {
      const urn = stack.pop()!;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const r = byUrn.get(urn);
      if (!r) continue;
      for (const d of r.dependsOn) {
        if (d === b.urn) return true;
        stack.push(d);
        // A dependency on a component means a dependency on all its children.
        for (const child of this.plan.resources) if (child.parent === d) stack.push(child.urn);
      }
    }
    return false;
  }

  invokes(token: string): CapturedInvoke[] {
    return this.plan.invokes.filter((i) => i.token === token);
  }

  output(key: string): Json {
    return this.plan.outputValues[key]!;
  }

  isSecretOutput(key: string): boolean {
    return this.plan.secretOutputs.includes(key);
  }

  /** True when the input at `path` (like "apiToken" or "initialization.userAccount.password") is secret. */
  isSecretInput(resource: CapturedResource, path: string): boolean {
    return resource.secretPaths.some((p) => p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  }
}

// ---------------------------------------------------------------- plan documents by hand

/** The URN prefix of the talos stack: `${TALOS_URN}::<type>::<name>`. */
export const TALOS_URN = "urn:pulumi:talos::homelab";

/**
 * One resource of a render document (docs/render.md) of the talos stack, as
 * `render --json` prints it: every option at its default unless `extra` sets
 * it; a Proxmox VM unless `extra.type` says otherwise.
 */
export function planResource(name: string, inputs: Json | Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
  const type = extra.type ?? "proxmoxve:index/vmLegacy:VmLegacy";
  return {
    urn: `${TALOS_URN}::${type}::${name}`,
    type,
    name,
    parent: null,
    provider: null,
    dependsOn: [],
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    retainOnDelete: false,
    import: null,
    aliases: [],
    inputs: inputs as Json,
    ...extra,
  };
}

/** A render document of the talos stack holding these resources, outputs and invokes. */
export function planDocument(resources: PlanResource[], outputs: Record<string, Json> = {}, invokes: PlanInvoke[] = []): PlanDocument {
  return { stack: "talos", resources, invokes, outputs };
}
