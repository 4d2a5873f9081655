/**
 * Generates the config reference in docs/config.md from the zod schemas, so
 * the documentation is the validation: every key, its type, whether it is
 * required, its default and its description (zod `.describe()`), and a JSON
 * Schema per stack file for editors (docs/schema/). `npm run docs:config`
 * rewrites them; a test fails when they are stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { projectShape } from "../core/config/project";
import { loadStack } from "../core/main";
import { STACK_NAMES } from "../core/stacks";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  description?: string;
};

export const START = "<!-- config-reference:start -->";
export const END = "<!-- config-reference:end -->";

function describeType(s: Schema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(describeType).join(" or ");
  const type = Array.isArray(s.type) ? s.type.join("/") : (s.type ?? "any");
  if (type === "array") return `list of ${s.items ? describeType(s.items) : "any"}${s.minItems ? ` (≥ ${s.minItems})` : ""}`;
  if (type === "object" && !s.properties && s.additionalProperties && typeof s.additionalProperties === "object")
    return `map of ${describeType(s.additionalProperties)}`;
  if (type === "integer" || type === "number") {
    const range = s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? ""}–${s.maximum ?? ""}` : "";
    return `${type}${range}`;
  }
  return type;
}

function rows(key: string, s: Schema, required: boolean, out: string[][]): void {
  const fmtDefault = s.default === undefined ? "" : `\`${JSON.stringify(s.default)}\``;
  const about = (s.description ?? "").replace(/\s+/g, " ").trim();
  const alts = s.anyOf ?? s.oneOf;
  const objectAlt = alts?.find((a) => a.properties);
  if (s.properties || objectAlt) {
    const obj = s.properties ? s : objectAlt!;
    // Parents show no default: their children's rows carry them.
    out.push([`\`${key}\``, alts ? describeType(s) : "object", required ? "yes" : "", "", about]);
    for (const [k, v] of Object.entries(obj.properties!)) rows(`${key}.${k}`, v, (obj.required ?? []).includes(k), out);
    return;
  }
  if (s.type === "array" && s.items?.properties) {
    out.push([`\`${key}\``, `list${s.minItems ? ` (≥ ${s.minItems})` : ""}`, required ? "yes" : "", fmtDefault, about]);
    for (const [k, v] of Object.entries(s.items.properties)) rows(`${key}[].${k}`, v, (s.items.required ?? []).includes(k), out);
    return;
  }
  out.push([`\`${key}\``, describeType(s), required ? "yes" : "", fmtDefault, about]);
}

function table(schema: Schema, keys: string[]): string {
  const out: string[][] = [];
  for (const key of keys) rows(`homelab:${key}`, schema.properties![key]!, (schema.required ?? []).includes(key), out);
  return [
    "| key | type | required | default | description |",
    "|---|---|---|---|---|",
    ...out.map((r) => `| ${r.map((c) => c.replace(/\|(?!\|)/g, "\\|").replace(/\\\\\|/g, "\\|")).join(" | ")} |`),
  ].join("\n");
}

export async function configReference(): Promise<string> {
  const projectKeys = Object.keys(projectShape);
  const parts: string[] = [
    "Generated from the schemas by `npm run docs:config`. Paths use `[]` for list items.",
    "",
    "**Project level** (`Pulumi.yaml`, every stack):",
    "",
  ];
  let first = true;
  for (const stack of STACK_NAMES) {
    const def = await loadStack(stack);
    const schema = z.toJSONSchema(def.schema, { unrepresentable: "any", io: "input" }) as Schema;
    if (first) {
      parts.push(table(schema, projectKeys), "");
      first = false;
    }
    const own = Object.keys(schema.properties ?? {}).filter((k) => !projectKeys.includes(k));
    parts.push(`**\`${stack}\`** (\`Pulumi.${stack}.yaml\`):`, "", own.length ? table(schema, own) : "_no stack keys_", "");
  }
  return parts.join("\n").trimEnd();
}

export function withReference(readme: string, reference: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/config.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${reference}\n${readme.slice(end)}`;
}

export const DOCS_FILE = path.resolve(__dirname, "..", "docs", "config.md");
export const SCHEMA_DIR = path.resolve(__dirname, "..", "docs", "schema");

/**
 * JSON Schema (draft 2020-12) of one stack file: its `config:` block with the
 * stack's own `homelab:` keys; other namespaces (provider config) allowed.
 */
export async function stackFileSchema(stack: string): Promise<string> {
  const projectKeys = Object.keys(projectShape);
  const def = await loadStack(stack);
  const schema = z.toJSONSchema(def.schema, { unrepresentable: "any", io: "input" }) as Schema & { $schema?: string };
  const own = Object.keys(schema.properties ?? {}).filter((k) => !projectKeys.includes(k));
  const doc = {
    $schema: schema.$schema ?? "https://json-schema.org/draft/2020-12/schema",
    title: `Pulumi.${stack}.yaml`,
    description: `Stack file of the ${stack} stack (generated by npm run docs:config; see docs/config.md).`,
    type: "object",
    properties: {
      config: {
        type: "object",
        properties: Object.fromEntries(own.map((k) => [`homelab:${k}`, schema.properties![k]])),
        required: own.filter((k) => (schema.required ?? []).includes(k)).map((k) => `homelab:${k}`),
        propertyNames: { pattern: "^[^:]+:[^:]+$" },
      },
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
      environment: {},
    },
    additionalProperties: false,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (require.main === module) {
  void (async () => {
    writeFileSync(DOCS_FILE, withReference(readFileSync(DOCS_FILE, "utf8"), await configReference()));
    mkdirSync(SCHEMA_DIR, { recursive: true });
    for (const stack of STACK_NAMES) writeFileSync(path.join(SCHEMA_DIR, `Pulumi.${stack}.schema.json`), await stackFileSchema(stack));
    process.stdout.write("updated the config reference in docs/config.md and the schemas in docs/schema/\n");
  })();
}
