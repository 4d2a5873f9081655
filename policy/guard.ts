/**
 * What a guard rail is, independent of where it runs. One definition serves
 * two callers:
 *
 *  - the policy pack (policy/index.ts), which Pulumi runs on every real
 *    `pulumi preview`/`up` with `--policy-pack policy` (policy/pack.ts turns
 *    the engine's view of a resource into a Subject);
 *  - the tests, which apply every guard to every offline render of every stack
 *    (test/safety/plans.test.ts) and to fixtures that must be reported
 *    (test/safety/policy-pack.test.ts).
 *
 * Guards are pure functions of resource inputs and options: no I/O, no Pulumi
 * runtime, so they run the same under both callers.
 */
import type { Json } from "../core/render/wire";

/** One resource as a guard sees it: the same fields in a real preview and in a render. */
export interface Subject {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /**
   * Inputs with secret values revealed (the engine hands policy packs secrets
   * unwrapped). A value the engine does not know yet during a preview is the
   * string UNKNOWN_VALUE.
   */
  readonly props: Readonly<Record<string, Json>>;
  readonly protect: boolean;
  /**
   * undefined when not known: the engine does not tell policy packs about
   * retainOnDelete (AnalyzerResourceOptions in pulumi/pulumi
   * proto/pulumi/analyzer.proto has no such field).
   */
  readonly retainOnDelete?: boolean;
  readonly ignoreChanges: readonly string[];
  /**
   * Paths (`a.b[0].c`) of the inputs that are Pulumi secrets; undefined when
   * not known: @pulumi/policy 1.21.0 unwraps secrets before a policy sees them
   * (sdk/nodejs/policy/server.ts calls deserializeProperties(…, false)), so a
   * real pack cannot tell a secret input from a plain one.
   */
  readonly secretPaths?: readonly string[];
  /** Input name → URNs of the resources that input's value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** URNs of every resource it depends on: explicit dependsOn and through Output inputs. */
  readonly dependsOn: readonly string[];
}

/** How the offline render writes a value that is not known until the resource exists. */
export const UNKNOWN_VALUE = "[unknown]";

export interface Violation {
  /** Resource name (or label) and input path. */
  readonly where: string;
  /** What is wrong, in terms of this resource's values. */
  readonly problem: string;
  /** The URN of the resource at fault, when the guard looks at a whole stack. */
  readonly urn?: string;
  /**
   * Reported as a warning even under a mandatory guard: the user chose this
   * through config (e.g. homelab:proxmox.protectVms: false).
   */
  readonly advisory?: boolean;
}

/** What a check found, and how much it looked at (so a test can prove it was not vacuous). */
export interface Outcome {
  readonly violations: Violation[];
  readonly examined: number;
}

/**
 * `enforced`: the behaviour is in the program; the pack blocks a preview/up
 * that breaks it (mandatory) and the tests require every render to pass.
 * `pending`: the guard is written and tested on fixtures, but the program does
 * not do it yet; the pack only warns (advisory) and the whole-render test is
 * skipped until the behaviour lands.
 */
export type GuardStatus = "enforced" | "pending";

interface GuardCommon {
  /** The policy name Pulumi prints: lowercase words joined by hyphens. */
  readonly name: string;
  /** One line: what must hold. */
  readonly description: string;
  /** Why it matters to the homelab. */
  readonly why: string;
  /** How to fix a violation. */
  readonly fix: string;
  readonly status: GuardStatus;
  /**
   * `advisory` for guards a user may break on purpose through config (the
   * pack warns, the preview still runs); `mandatory` otherwise.
   */
  readonly level: "mandatory" | "advisory";
}

export interface ResourceGuard extends GuardCommon {
  readonly kind: "resource";
  check(resource: Subject): Outcome;
}

/** What a stack guard may know besides the resources. */
export interface StackContext {
  /**
   * The stack's config as Pulumi hands it to programs (`homelab:domain` →
   * text); undefined when not known. A real pack gets it from the nodejs
   * language host (PULUMI_CONFIG, pulumi/pulumi
   * sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin for analyzers).
   */
  readonly config?: Readonly<Record<string, string>>;
}

export interface StackGuard extends GuardCommon {
  readonly kind: "stack";
  check(resources: readonly Subject[], context?: StackContext): Outcome;
}

export type Guard = ResourceGuard | StackGuard;

/** The message a user reads for one violation: what, why, and how to fix it. */
export function message(guard: Guard, v: Violation): string {
  return `${v.where}: ${v.problem}. Why: ${guard.why} Fix: ${guard.fix}`;
}

export const clean = (examined: number): Outcome => ({ violations: [], examined });

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value);
}

/** Dotted-path lookup into inputs (`connection.hostKey`); undefined when absent. */
export function get(value: Json | undefined, path: string): Json | undefined {
  let current: Json | undefined = value;
  for (const part of path.split(".")) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}
