/**
 * Example values a real run must not use (docs/config.md#npm-run-check). The
 * committed config is a working example so the render and the tests run
 * anywhere; these values in it would point a real `up` at someone else's
 * stacks, GitHub organisation or Authentik objects, at a domain nobody can
 * get a certificate for (example.com/.net/.org are reserved, RFC 2606), or
 * open SSH to documentation address ranges (RFC 5737, RFC 3849) instead of
 * the user's own. The render keeps working with them; a real run refuses.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseAnyCidr } from "../net/cidr";
import { formatConfigPath, type ConfigPath } from "./errors";

/** One placeholder: where it is, what it is, what to put instead. */
export interface Placeholder {
  readonly where: string;
  readonly value: string;
  readonly replaceWith: string;
}

/** The example Authentik object ids of Pulumi.authentik.yaml. */
export const EXAMPLE_UUIDS = ["8c4b6f0e-2d1a-4f3b-9a7e-5b6c7d8e9f01", "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6"];

/** The example age recipient of .sops.yaml (its private key is not anyone's). */
export const EXAMPLE_AGE_RECIPIENT = "age1qkr3nuy92z3z078dvugm22dnkjsh0d255s4leclpxl7a8ns3nsasfn8mc8";

/** Documentation address blocks: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737), 2001:db8::/32 (RFC 3849). */
const DOCUMENTATION_BLOCKS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"].map((c) => parseAnyCidr(c)!);

const RESERVED_DOMAIN = /(^|[.@/])example\.(com|net|org)(?=$|[/:])/i;

function inDocumentationRange(text: string): boolean {
  const c = parseAnyCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  if (!c) return false;
  return DOCUMENTATION_BLOCKS.some((b) => b.family === c.family && c.first >= b.first && c.last <= b.last);
}

function classify(value: string): string | undefined {
  if (value.includes("example-org")) return "your own GitHub organisation or Pulumi organisation (example-org is the example's)";
  if (EXAMPLE_UUIDS.includes(value)) return "your Authentik instance's id (see the comment above it in Pulumi.authentik.yaml)";
  if (RESERVED_DOMAIN.test(value)) return "a domain or address you own (example.com/.net/.org are reserved, RFC 2606)";
  if (/Example(Key|Client)/.test(value)) return "your own value (this one is the example's)";
  if (inDocumentationRange(value)) return "your own address (documentation ranges, RFC 5737/3849, reach nobody)";
  return undefined;
}

/** Every example value in the decoded config (keys without namespace), one per config path. */
export function findPlaceholders(values: Record<string, unknown>): Placeholder[] {
  const found: Placeholder[] = [];
  const walk = (v: unknown, path: ConfigPath) => {
    if (typeof v === "string") {
      const replaceWith = classify(v);
      if (replaceWith) found.push({ where: formatConfigPath(path), value: v, replaceWith });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  for (const key of Object.keys(values).sort()) walk(values[key], [key]);
  return found;
}

/** The example age recipient in the text of .sops.yaml, if it is still there. */
export function sopsPlaceholders(sopsYaml: string): Placeholder[] {
  return sopsYaml.includes(EXAMPLE_AGE_RECIPIENT)
    ? [{ where: ".sops.yaml creation_rules[].age", value: EXAMPLE_AGE_RECIPIENT, replaceWith: "your age public key (`just init` puts it there)" }]
    : [];
}

/** A real run with example values left in the config. One message, no stack trace. */
export class PlaceholderError extends pulumi.RunError {
  override readonly name = "PlaceholderError";

  constructor(
    readonly stackName: string,
    readonly placeholders: readonly Placeholder[],
  ) {
    super(
      [
        `Stack "${stackName}" still has ${placeholders.length === 1 ? "an example value" : `${placeholders.length} example values`}; replace ${placeholders.length === 1 ? "it" : "them"} before a real run (the offline render accepts them):`,
        ...placeholders.map((p) => `  - ${p.where}: ${JSON.stringify(p.value.length > 80 ? `${p.value.slice(0, 60)}…` : p.value)} → ${p.replaceWith}`),
        "See docs/config.md#npm-run-check; `npm run check` lists them all.",
      ].join("\n"),
    );
  }

  static override isInstance(err: unknown): err is PlaceholderError {
    return err instanceof Error && err.name === "PlaceholderError" && "placeholders" in err;
  }
}
