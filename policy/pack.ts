/**
 * The guards (policy/guards.ts) as @pulumi/policy policies: what the engine
 * hands a policy (ResourceValidationArgs, PolicyResource) becomes the same
 * Subject the offline render gives the tests, so one definition is checked
 * in both places.
 */
import { asset } from "@pulumi/pulumi";
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Json } from "../core/render/wire";
import { message, UNKNOWN_VALUE, type Guard, type StackContext, type Subject, type Violation } from "./guard";
import { GUARDS } from "./guards";

/**
 * The engine's marker for a value not known during a preview
 * (@pulumi/pulumi runtime/rpc.ts unknownValue; @pulumi/policy proxy.ts isUnknown).
 */
const ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * @pulumi/policy hands policies the inputs behind a proxy that throws on the
 * first unknown value it meets (sdk/nodejs/policy/proxy.ts, key
 * "__getSpecialProxyTarget" returns the plain object). The guards decide for
 * themselves what an unknown means, so they read the plain object.
 */
function unproxied(value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    const target = (value as Record<string, unknown>)["__getSpecialProxyTarget"];
    if (target !== undefined) return target;
  }
  return value;
}

/** Engine values as the render writes them: unknowns as UNKNOWN_VALUE, assets as { $asset, text }. */
async function toJson(raw: unknown): Promise<Json> {
  const value = unproxied(raw);
  if (value === undefined || value === null) return null;
  if (value === ENGINE_UNKNOWN) return UNKNOWN_VALUE;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Promise) return toJson(await value);
  if (Array.isArray(value)) return Promise.all(value.map(toJson));
  // deserialize.ts builds assets with @pulumi/pulumi's classes; their fields are promises.
  if (value instanceof asset.StringAsset) return { $asset: "text", text: await toJson(await value.text) };
  if (value instanceof asset.FileAsset) return { $asset: await toJson(await value.path) };
  if (value instanceof asset.RemoteAsset) return { $asset: await toJson(await value.uri) };
  if (value instanceof asset.Archive) return { $archive: "archive" };
  if (typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = await toJson(v);
    return out;
  }
  return String(value);
}

type EngineResource = Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props" | "opts"> & {
  readonly propertyDependencies?: PolicyResource["propertyDependencies"];
  readonly dependencies?: PolicyResource["dependencies"];
};

/** The engine's view of a resource as a guard's Subject (secretness and retainOnDelete unknown: see Subject). */
export async function subjectOf(r: EngineResource): Promise<Subject> {
  const props = await toJson(r.props);
  const dependencies: Record<string, string[]> = {};
  for (const [key, resources] of Object.entries(r.propertyDependencies ?? {})) dependencies[key] = resources.map((d) => d.urn);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: props !== null && typeof props === "object" && !Array.isArray(props) ? props : {},
    protect: r.opts.protect,
    ignoreChanges: r.opts.ignoreChanges,
    propertyDependencies: dependencies,
    // The engine gives a stack policy every resource's dependencies; a resource policy sees none.
    dependsOn: (r.dependencies ?? []).map((d) => d.urn),
  };
}

/** The stack's config, as the nodejs language host hands it to a policy pack (JSON in PULUMI_CONFIG). */
export function stackContext(env: NodeJS.ProcessEnv = process.env): StackContext {
  try {
    const config = JSON.parse(env["PULUMI_CONFIG"] ?? "") as unknown;
    if (config !== null && typeof config === "object" && !Array.isArray(config)) return { config: config as Record<string, string> };
  } catch {
    // No config known: guards that need it examine nothing.
  }
  return {};
}

/** A pending guard only warns: the program does not do it yet. */
export function levelOf(guard: Guard): EnforcementLevel {
  return guard.status === "pending" ? "advisory" : guard.level;
}

/**
 * What @pulumi/policy 1.21.0's reportViolation accepts besides (message, urn):
 * an object with its own enforcement level (server.js makeReportViolationFun;
 * the published type lists only the string form).
 */
interface ViolationReport {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel: EnforcementLevel;
}

function report(guard: Guard, reportViolation: ReportViolation, violations: readonly Violation[], urn?: string): void {
  const reportOne = reportViolation as unknown as (report: ViolationReport) => void;
  for (const v of violations) {
    const at = v.urn ?? urn;
    reportOne({ message: message(guard, v), ...(at ? { urn: at } : {}), enforcementLevel: v.advisory ? "advisory" : levelOf(guard) });
  }
}

export function toPolicy(guard: Guard): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: guard.name,
    description: guard.description,
    enforcementLevel: levelOf(guard),
    remediationSteps: guard.fix,
  };
  if (guard.kind === "resource")
    return {
      ...common,
      validateResource: async (args, reportViolation) => report(guard, reportViolation, guard.check(await subjectOf(args)).violations, args.urn),
    };
  return {
    ...common,
    validateStack: async (args, reportViolation) => {
      const subjects = await Promise.all(args.resources.map(subjectOf));
      report(guard, reportViolation, guard.check(subjects, stackContext()).violations);
    },
  };
}

export const POLICIES: Policies = GUARDS.map(toPolicy);
