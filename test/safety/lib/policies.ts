/**
 * The policy pack's guards (policy/guards.ts) applied to a captured plan: the
 * same functions a real `pulumi preview --policy-pack policy` runs, given the
 * render's view of each resource (and of each invoke, which a real pack never
 * sees but whose arguments carry images and secrets too).
 */
import type { Guard, Outcome, StackContext, Subject } from "../../../policy/guard";
import { message } from "../../../policy/guard";
import type { CapturedInvoke, CapturedResource, Plan } from "../../../core/render/harness";

export function subjectOfResource(r: CapturedResource): Subject {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.values,
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    ignoreChanges: r.ignoreChanges,
    secretPaths: r.secretPaths,
    propertyDependencies: r.propertyDependencies,
    dependsOn: r.dependsOn,
  };
}

export function subjectOfInvoke(i: CapturedInvoke): Subject {
  return {
    type: i.token,
    name: `invoke ${i.token}`,
    urn: "",
    props: i.values,
    protect: false,
    ignoreChanges: [],
    secretPaths: i.secretPaths,
    propertyDependencies: {},
    dependsOn: [],
  };
}

/** Runs one guard over a whole plan: resource guards per resource and invoke, stack guards once. */
export function applyGuard(guard: Guard, plan: Plan, context: StackContext = {}): Outcome {
  if (guard.kind === "stack") return guard.check(plan.resources.map(subjectOfResource), context);
  const outcomes = [...plan.resources.map(subjectOfResource), ...plan.invokes.map(subjectOfInvoke)].map((s) => guard.check(s));
  return { violations: outcomes.flatMap((o) => o.violations), examined: outcomes.reduce((n, o) => n + o.examined, 0) };
}

/** The violations as the user reads them in a preview, one per line, with the stack. */
export function formatViolations(guard: Guard, stack: string, outcome: Outcome): string {
  return outcome.violations.map((v) => `  - [${stack}] ${message(guard, v)}`).join("\n");
}
