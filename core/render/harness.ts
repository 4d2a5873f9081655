/**
 * Runs a stack program under Pulumi mocks and captures what the engine would
 * receive: every resource registration (with its options and dependencies),
 * every invoke, and the stack outputs. The offline render and the tests use
 * this one harness.
 */
// First: before anything loads @pulumi/pulumi (see defer-modules.ts).
import "./defer-modules";
import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../config/load";
import { compareText } from "../compare";
import { runProgram } from "../main";
import { placeholderSecrets, type Environment } from "../secrets";
import { CONFIG_NAMESPACE } from "../config/errors";
import { mocks } from "./mocks";
import { loadRawConfig } from "./project-files";
import { decodeWire, stableStringify, UNKNOWN, type Json } from "./wire";

// Internal runtime pieces: the mock monitor and the RPC queue.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  getMonitor(): unknown;
  waitForRPCs(): Promise<void>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as { unwrapSecretValues(v: unknown): [unknown, boolean] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};

export interface CapturedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly provider: string | null;
  /** Every dependency the engine sees: explicit `dependsOn` and those implied by Output inputs. */
  readonly dependsOn: string[];
  readonly propertyDependencies: Record<string, string[]>;
  readonly custom: boolean;
  readonly remote: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: string[];
  readonly replaceOnChanges: string[];
  readonly additionalSecretOutputs: string[];
  /** Earlier identities of the resource, as URNs. */
  readonly aliases: string[];
  readonly importId: string;
  /** Set for resources read rather than managed (stack references, `.get`): the id read. */
  readonly readId: string;
  readonly version: string;
  readonly pluginDownloadURL: string;
  readonly packageRef: string;
  /** Inputs as printed: secrets redacted. */
  readonly inputs: Json;
  /** Inputs with secret values revealed, for assertions. */
  readonly values: Record<string, Json>;
  /** Paths of inputs that are secret. */
  readonly secretPaths: string[];
}

export interface CapturedInvoke {
  readonly token: string;
  readonly provider: string | null;
  readonly args: Json;
  readonly values: Record<string, Json>;
  readonly secretPaths: string[];
  readonly version: string;
  readonly pluginDownloadURL: string;
  readonly packageRef: string;
}

export interface Plan {
  readonly stack: string;
  /** Rendered as `pulumi preview` runs (`RenderOptions.dryRun`). */
  readonly dryRun: boolean;
  readonly resources: CapturedResource[];
  readonly invokes: CapturedInvoke[];
  /** Stack outputs, secrets redacted. */
  readonly outputs: Record<string, Json>;
  /** Stack outputs revealed, for assertions. */
  readonly outputValues: Record<string, Json>;
  /** Names of outputs that are secret. */
  readonly secretOutputs: string[];
}

export interface RenderOptions {
  /** Config as Pulumi passes it; default: Pulumi.yaml + Pulumi.<stack>.yaml of `configDir`. */
  readonly config?: RawConfig;
  /** Directory holding the Pulumi*.yaml files read when `config` is not given; default: the repository root (or HOMELAB_CONFIG_DIR). */
  readonly configDir?: string;
  /** Secret environment; default: placeholders for every secret in the table. */
  readonly env?: Environment;
  /**
   * Run this function instead of the stack's program (same mocks, same capture).
   * The benchmark floor and the harness's own tests use it.
   */
  readonly program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * Keep the runtime's debug stack traces, on every promise and on every
   * resource registration, as a real `pulumi preview` pays for them; the
   * render skips both by default (see below). The benchmark uses it to
   * measure what a real run costs.
   */
  readonly promiseStacks?: boolean;
  /**
   * Run as `pulumi preview` does: `pulumi.runtime.isDryRun()` is true, and, as
   * in the preview of a stack with no state yet (every resource a create),
   * what a provider computes is unknown: a created resource's id and every
   * output it does not take as an input. Apply callbacks on unknown values do
   * not run, and invokes whose arguments are unknown are not made, exactly as
   * the SDK behaves under a real preview. Reads (stack references, `.get`)
   * and imports still return their state, as the engine reads those at preview.
   */
  readonly dryRun?: boolean;
}

/** Outcome of a run: the plan, or the error and how many resources got registered before it. */
export interface Capture {
  readonly plan?: Plan;
  readonly error?: unknown;
  readonly registered: number;
}

type Req = Record<string, (...args: unknown[]) => unknown>;
type Callback = (err: unknown, resp?: unknown) => void;

let queue: Promise<unknown> = Promise.resolve();

/** Runs one stack under mocks; renders in one process run one at a time. */
export function captureStack(stack: string, options: RenderOptions = {}): Promise<Capture> {
  const run = queue.then(() => captureOnce(stack, options));
  queue = run.catch(() => undefined);
  return run;
}

export async function renderStack(stack: string, options: RenderOptions = {}): Promise<Plan> {
  const capture = await captureStack(stack, options);
  if (capture.error !== undefined) throw capture.error;
  return capture.plan!;
}

export function placeholderEnv(): Environment {
  return placeholderSecrets();
}

async function captureOnce(stack: string, options: RenderOptions): Promise<Capture> {
  let config: RawConfig | undefined;
  try {
    config = options.config ?? (options.program ? {} : safeLoadConfig(stack, options.configDir));
  } catch (error) {
    // A config file that cannot be read (ConfigFileError) is the render's error, like any other.
    return { error, registered: 0 };
  }
  const env = options.env ?? placeholderEnv();
  const resources: CapturedResource[] = [];
  const invokes: CapturedInvoke[] = [];
  const failures: unknown[] = [];
  const restore: (() => void)[] = [];

  await pulumi.runtime.setMocks(options.dryRun ? previewMocks : mocks, CONFIG_NAMESPACE, stack, options.dryRun === true);
  const monitor = settings.getMonitor() as Record<string, (req: Req, cb: Callback) => unknown>;
  (monitor as unknown as { newUrn: (parent: string, type: string, name: string) => string }).newUrn = (parent, type, name) =>
    urnFor(stack, parent, type, name);
  const register = monitor["registerResource"]!.bind(monitor);
  const invoke = monitor["invoke"]!.bind(monitor);
  const record = (cb: Callback): Callback => (err, resp) => {
    if (err) {
      // The runtime shows `err.details` (the engine's message); mocks throw plain Errors.
      const e = err as { details?: string; message?: string };
      if (!e.details && e.message) e.details = e.message;
      failures.push(err);
    }
    cb(err, resp);
  };
  // A failed registration or invoke surfaces as a rejected Output nobody awaits;
  // report it as the render's error instead of crashing the process.
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  monitor["registerResource"] = (req, cb) => {
    resources.push(captureRegistration(req));
    return register(req, record(cb));
  };
  // Reads (stack references, `Resource.get`) go through readResource, not registration.
  const read = monitor["readResource"]!.bind(monitor);
  monitor["readResource"] = (req, cb) => {
    resources.push(captureRegistration(req));
    return read(req, record(cb));
  };
  // The runtime strips secret markers from invoke arguments before the request
  // (the engine never stores them). Remember the marked form so the plan can
  // still print those arguments as "[secret]".
  const markedArgs = new Map<string, unknown[]>();
  const unwrap = rpc.unwrapSecretValues;
  rpc.unwrapSecretValues = (value: unknown) => {
    const result = unwrap(value);
    if (result[1]) {
      const key = stableStringify(decodeWire(result[0]).revealed);
      markedArgs.set(key, [...(markedArgs.get(key) ?? []), value]);
    }
    return result;
  };
  restore.push(() => (rpc.unwrapSecretValues = unwrap));
  // The runtime formats a stack trace for every promise it creates (four per
  // input property of every resource), only to print it if the promise leaks at
  // exit. Under mocks nothing is reported at exit, and that formatting was 70% of
  // a 300-node talos render (7.0 s of render → 2.2 s without; bench/results.md).
  // Skip it; the promises and the plan are unchanged.
  const track = debuggable.debuggablePromise;
  if (!options.promiseStacks) {
    debuggable.debuggablePromise = <T>(p: Promise<T>, ctx: unknown): Promise<T> => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return track(p, ctx);
      } finally {
        Error.stackTraceLimit = limit;
      }
    };
    restore.push(() => (debuggable.debuggablePromise = track));
    // Every resource constructor also formats the whole call stack (no depth
    // limit, mapped through the source maps tsx installs) to tell the engine
    // where in the program it was created. The plan records no source
    // positions, so skip that too: 7% of the CPU of a 300-node talos render
    // (5.3 s → 5.0 s), the same document byte for byte.
    const resource = pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] };
    const stackTrace = resource.stackTrace;
    resource.stackTrace = () => [];
    restore.push(() => (resource.stackTrace = stackTrace));
  }
  monitor["invoke"] = (req, cb) => {
    invokes.push(captureInvoke(req, markedArgs));
    return invoke(req, record(cb));
  };
  pulumi.runtime.setAllConfig({ ...(config ?? {}) });

  try {
    const outputs = options.program
      ? await options.program()
      : await runProgram(stack, { config: config ?? {}, env, allowPlaceholders: true });
    const resolved = await resolveOutputs(outputs);
    await settings.waitForRPCs();
    // Rejections of failed registrations are reported on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    if (failures.length > 0) throw failures[0];
    const urnOf = new Map(resources.map((r) => [r.urn, r]));
    return {
      registered: resources.length,
      plan: {
        stack,
        dryRun: options.dryRun === true,
        resources: [...urnOf.values()].sort((a, b) => compareText(a.urn, b.urn)),
        invokes: invokes.sort(
          (a, b) => compareText(a.token, b.token) || compareText(stableStringify(a.args), stableStringify(b.args)),
        ),
        ...resolved,
      },
    };
  } catch (error) {
    await settings.waitForRPCs().catch(() => undefined);
    return { error: failures[0] ?? error, registered: resources.length };
  } finally {
    // Let rejections already queued reach the handler before removing it.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
    for (const undo of restore) undo();
  }
}

/**
 * The mocks as a preview sees a create: the provider has not run, so the
 * engine hands back the inputs and nothing else (missing outputs resolve as
 * unknown at preview, `@pulumi/pulumi` runtime/rpc.js resolveProperties), and
 * an empty id (unknown, runtime/resource.js). A read or import (the mock
 * monitor passes its id) answers with the state it reads.
 */
const previewMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    if (!args.custom || args.id) return mocks.newResource(args);
    return { id: "", state: { ...args.inputs } };
  },
  call: (args) => mocks.call(args),
};

function safeLoadConfig(stack: string, dir?: string): RawConfig | undefined {
  try {
    return dir === undefined ? loadRawConfig(stack) : loadRawConfig(stack, dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** URN of a resource from its registration request, the way the engine forms it. */
/**
 * URN of a resource the way the engine forms it: a child's type is qualified
 * with its parent's whole type chain (`A$B$proxmoxve:…`). Pulumi's mock
 * monitor keeps only the parent's last type; the harness makes it use this
 * instead, so the plan's URNs (and parents and dependencies) are the real ones.
 */
function urnFor(stack: string, parent: string, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2]!}$${type}` : type;
  return `urn:pulumi:${stack}::${CONFIG_NAMESPACE}::${qualified}::${name}`;
}

function strip(providerRef: string): string | null {
  if (!providerRef) return null;
  const at = providerRef.lastIndexOf("::");
  return at > 0 ? providerRef.slice(0, at) : providerRef;
}

/** Reads a field of a gRPC request by getter name, with a fallback for getters this SDK version lacks. */
function reader(req: Req) {
  return <T>(name: string, fallback: T): T => (typeof req[name] === "function" ? (req[name]!() as T) : fallback);
}

function captureRegistration(req: Req): CapturedResource {
  const call = reader(req);
  const type = call("getType", "");
  const name = call("getName", "");
  const parent = call("getParent", "");
  const isRead = typeof req["getProperties"] === "function" && typeof req["getObject"] !== "function";
  const object = call<{ toJavaScript(): unknown } | undefined>(isRead ? "getProperties" : "getObject", undefined);
  const decoded = decodeWire(object?.toJavaScript() ?? {});
  const propDeps: Record<string, string[]> = {};
  const map = call<{ forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void } | undefined>(
    "getPropertydependenciesMap",
    undefined,
  );
  map?.forEach((v, k) => {
    propDeps[k] = [...v.getUrnsList()].sort();
  });
  const aliasSpecs = call<unknown[]>("getAliasesList", []);
  return {
    urn: urnFor(pulumi.getStack(), parent, type, name),
    type,
    name,
    parent: parent || null,
    provider: strip(call("getProvider", "")),
    dependsOn: [...new Set(call<string[]>("getDependenciesList", []))].sort(),
    propertyDependencies: propDeps,
    custom: isRead ? true : call("getCustom", false),
    remote: call("getRemote", false),
    protect: call("getProtect", false),
    retainOnDelete: call("getRetainondelete", false),
    deleteBeforeReplace: call("getDeletebeforereplace", false),
    ignoreChanges: [...call<string[]>("getIgnorechangesList", [])],
    replaceOnChanges: [...call<string[]>("getReplaceonchangesList", [])],
    additionalSecretOutputs: [...call<string[]>("getAdditionalsecretoutputsList", [])],
    aliases: aliasSpecs.map((a) => aliasUrn(a, { stack: pulumi.getStack(), type, name, parent })),
    importId: call("getImportid", ""),
    readId: isRead ? call("getId", "") : "",
    version: call("getVersion", ""),
    pluginDownloadURL: call("getPlugindownloadurl", ""),
    packageRef: call("getPackageref", ""),
    inputs: decoded.redacted,
    values: (decoded.revealed ?? {}) as Record<string, Json>,
    secretPaths: decoded.secretPaths,
  };
}

/**
 * An alias as the URN it names, formed as the engine does: what the spec
 * leaves out is the resource's own name, type, stack, project and parent
 * (none with `noParent`).
 */
function aliasUrn(alias: unknown, own: { stack: string; type: string; name: string; parent: string }): string {
  const a = alias as Record<string, () => unknown>;
  if (typeof a["getUrn"] === "function" && a["getUrn"]()) return String(a["getUrn"]());
  const spec = typeof a["getSpec"] === "function" ? (a["getSpec"]() as Record<string, () => unknown> | undefined) : undefined;
  if (!spec) return String(alias);
  const get = (k: string): string => (typeof spec[k] === "function" ? String(spec[k]!.call(spec) ?? "") : "");
  const parent = get("getNoparent") === "true" ? "" : get("getParenturn") || own.parent;
  const stack = get("getStack") || own.stack;
  const project = get("getProject") || CONFIG_NAMESPACE;
  const type = get("getType") || own.type;
  const qualified = parent ? `${parent.split("::")[2]!}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${get("getName") || own.name}`;
}

function captureInvoke(req: Req, markedArgs: Map<string, unknown[]>): CapturedInvoke {
  const call = reader(req);
  const args = call<{ toJavaScript(): unknown } | undefined>("getArgs", undefined);
  const plain = args?.toJavaScript() ?? {};
  const key = stableStringify(decodeWire(plain).revealed);
  const marked = markedArgs.get(key)?.shift();
  const decoded = decodeWire(marked ?? plain);
  return {
    token: call("getTok", ""),
    provider: strip(call("getProvider", "")),
    args: decoded.redacted,
    values: (decoded.revealed ?? {}) as Record<string, Json>,
    secretPaths: decoded.secretPaths,
    version: call("getVersion", ""),
    pluginDownloadURL: call("getPlugindownloadurl", ""),
    packageRef: call("getPackageref", ""),
  };
}

async function resolveOutputs(outputs: Record<string, unknown>): Promise<Pick<Plan, "outputs" | "outputValues" | "secretOutputs">> {
  const redacted: Record<string, Json> = {};
  const revealed: Record<string, Json> = {};
  const secret: string[] = [];
  for (const key of Object.keys(outputs).sort()) {
    const out = pulumi.output(outputs[key]) as unknown as {
      promise(): Promise<unknown>;
      isKnown: Promise<boolean>;
      isSecret: Promise<boolean>;
    };
    const [value, isKnown, isSecret] = await Promise.all([out.promise(), out.isKnown, out.isSecret]);
    // At a dry run an output computed by a provider is unknown, as the preview shows it.
    const decoded = decodeWire(isKnown ? toJson(value) : UNKNOWN);
    revealed[key] = decoded.revealed;
    if (isSecret) {
      secret.push(key);
      redacted[key] = "[secret]";
    } else {
      redacted[key] = decoded.redacted;
    }
  }
  return { outputs: redacted, outputValues: revealed, secretOutputs: secret };
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (pulumi.Resource.isInstance(v) ? `[resource]` : v)) ?? "null");
}
