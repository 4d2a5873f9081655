/**
 * What every stack module provides: its config schema (stack keys on top of
 * the project-level ones), cross-field rules, the secrets its config asks for,
 * and the program itself. `core/main.ts` validates config and secrets with
 * these before `run` registers a single resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConfigIssue } from "./config/errors";
import { projectShape } from "./config/project";
import type { SecretName, StackSecrets } from "./secrets";
import type { StackName } from "./stacks";

export type StackOutputs = Record<string, pulumi.Input<unknown>>;

type ProjectShape = typeof projectShape;

/** The full config schema of a stack: project keys plus its own, unknown keys rejected. */
export function stackSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...projectShape, ...shape } as ProjectShape & Shape).strict();
}

export type StackConfig<Shape extends z.ZodRawShape> = z.output<ReturnType<typeof stackSchema<Shape>>>;

export interface StackDefinition<C = unknown> {
  readonly name: StackName;
  readonly schema: z.ZodType<C>;
  /** Cross-field rules beyond the schema (project rules run for every stack anyway). */
  readonly rules: (config: C) => ConfigIssue[];
  /** Secrets that this config needs on top of the table's required ones. */
  readonly requiredSecrets: (config: C) => SecretName[];
  readonly run: (config: C, secrets: StackSecrets) => StackOutputs | Promise<StackOutputs>;
}

export function defineStack<Shape extends z.ZodRawShape>(def: {
  name: StackName;
  shape: Shape;
  rules?: (config: StackConfig<Shape>) => ConfigIssue[];
  requiredSecrets?: (config: StackConfig<Shape>) => SecretName[];
  run: (config: StackConfig<Shape>, secrets: StackSecrets) => StackOutputs | Promise<StackOutputs>;
}): StackDefinition<StackConfig<Shape>> {
  return {
    name: def.name,
    schema: stackSchema(def.shape) as unknown as z.ZodType<StackConfig<Shape>>,
    rules: def.rules ?? (() => []),
    requiredSecrets: def.requiredSecrets ?? (() => []),
    run: def.run,
  };
}
