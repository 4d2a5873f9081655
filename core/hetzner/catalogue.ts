/**
 * Hetzner's own catalogue, checked before anything is created: the server
 * type must exist, be offered in the configured location and not be
 * deprecated there; the image must exist for the type's architecture.
 *
 * The facts come from the hcloud provider's data sources (no HTTP call of
 * our own): `hcloud.getServerTypes` lists every type with a per-location
 * entry `{ name, available, recommended, isDeprecated, deprecationAnnounced,
 * unavailableAfter }` (terraform-provider-hcloud v1.66.1,
 * internal/servertype/data_source.go; the type-level `isDeprecated` is being
 * phased out since 2025-09-24 in favour of the per-location one), and
 * `hcloud.getImages` lists the images of an architecture, deprecated ones
 * included on request, with `deprecated` null for a current image
 * (internal/image/data_source_list.go, model.go). Hetzner removed the CX Gen 2 and CPX
 * Gen 1 types (cx22, cpx11, …) from the API at the end of 2025, so a removed
 * type is simply absent from the list.
 *
 * `checkServerType` is pure, so the policy pack can run the same rule on a
 * rendered plan.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { compareText } from "../compare";
import { formatConfigPath } from "../config/errors";

/** The fields of `GetServerTypesServerType` the check reads (names as the provider returns them). */
export interface CatalogueServerType {
  readonly name: string;
  readonly architecture: string;
  readonly category?: string;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
  readonly locations: ReadonlyArray<{
    readonly name: string;
    readonly available: boolean;
    readonly isDeprecated: boolean;
    readonly unavailableAfter?: string;
  }>;
}

export type ServerTypeVerdict =
  | { readonly ok: true; readonly architecture: string; readonly warning?: string }
  | { readonly ok: false; readonly reason: "unknown" | "not-offered" | "deprecated"; readonly message: string; readonly replacement?: string };

/** Letters before the first digit: the family (cx, cpx, cax, ccx). */
const family = (name: string) => /^[a-z]+/.exec(name)?.[0] ?? name;

function currentIn(t: CatalogueServerType, location: string): boolean {
  const at = t.locations.find((l) => l.name === location);
  return at !== undefined && !at.isDeprecated;
}

/**
 * A current type in `location` to name instead of `wanted`: the same family
 * when it still has one (cx22 → cx23), else the same architecture; at least
 * the old cores and memory when those are known; the smallest such.
 */
export function suggestReplacement(
  catalogue: readonly CatalogueServerType[],
  wanted: string,
  location: string,
): string | undefined {
  const old = catalogue.find((t) => t.name === wanted);
  const candidates = catalogue
    .filter((t) => t.name !== wanted && currentIn(t, location))
    .filter((t) => !old || (t.architecture === old.architecture && t.cores >= old.cores && t.memory >= old.memory))
    .sort((a, b) => a.memory - b.memory || a.cores - b.cores || a.disk - b.disk || compareText(a.name, b.name));
  const sameFamily = candidates.filter((t) => family(t.name) === family(wanted));
  return (sameFamily[0] ?? candidates.filter((t) => !old || t.category === old.category)[0] ?? candidates[0])?.name;
}

/** Pure rule: can a server of type `name` be created in `location` today? */
export function checkServerType(
  catalogue: readonly CatalogueServerType[],
  name: string,
  location: string,
): ServerTypeVerdict {
  const replacement = suggestReplacement(catalogue, name, location);
  const instead = replacement ? `; use ${replacement} instead` : "";
  const type = catalogue.find((t) => t.name === name);
  if (!type)
    return {
      ok: false,
      reason: "unknown",
      message: `Hetzner has no server type "${name}" (removed or misspelled)${instead}`,
      ...(replacement ? { replacement } : {}),
    };
  const at = type.locations.find((l) => l.name === location);
  if (!at) {
    const where = type.locations.filter((l) => !l.isDeprecated).map((l) => l.name);
    return {
      ok: false,
      reason: "not-offered",
      message: `server type "${name}" is not offered in ${location}${where.length ? ` (only in ${where.join(", ")})` : ""}${instead}`,
      ...(replacement ? { replacement } : {}),
    };
  }
  if (at.isDeprecated)
    return {
      ok: false,
      reason: "deprecated",
      message: `server type "${name}" is deprecated in ${location}${at.unavailableAfter ? ` and cannot be ordered after ${at.unavailableAfter}` : ""}${instead}`,
      ...(replacement ? { replacement } : {}),
    };
  return {
    ok: true,
    architecture: type.architecture,
    ...(at.available ? {} : { warning: `server type "${name}" is temporarily out of stock in ${location}: creating or replacing the server fails until Hetzner restocks it` }),
  };
}

/** The fields of `GetImagesImage` the image check reads. */
export interface CatalogueImage {
  readonly name: string;
  readonly architecture: string;
  /** RFC 3339 time of deprecation; absent (null) or empty for a current image. */
  readonly deprecated?: string | null;
}

/** Pure rule: is `name` a current system image for `architecture`? The problem, or undefined. */
export function checkImage(images: readonly CatalogueImage[], name: string, architecture: string): string | undefined {
  const image = images.find((i) => i.name === name && i.architecture === architecture);
  if (!image) return `Hetzner has no image "${name}" for ${architecture}; pick a current Ubuntu LTS image such as ubuntu-24.04`;
  if (image.deprecated) return `image "${name}" is deprecated since ${image.deprecated}; pick a current Ubuntu LTS image`;
  return undefined;
}

/** The catalogue said no. A RunError: the CLI prints the message alone, no stack trace. */
export class CatalogueError extends pulumi.RunError {
  override readonly name = "CatalogueError";
}

export interface CatalogueArgs {
  readonly serverType: string;
  readonly location: string;
  readonly image: string;
  readonly provider: hcloud.Provider;
}

/**
 * Reads the catalogue through the provider and checks type and image. Runs
 * before the server is registered, at preview as at `up`.
 */
export async function checkCatalogue(args: CatalogueArgs): Promise<{ architecture: string }> {
  const opts: pulumi.InvokeOptions = { provider: args.provider };
  const typePath = formatConfigPath(["hcloud", "serverType"]);
  const { serverTypes } = await hcloud.getServerTypes(opts);
  const verdict = checkServerType(serverTypes, args.serverType, args.location);
  if (!verdict.ok) throw new CatalogueError(`${typePath}: ${verdict.message}. Set it in Pulumi.hetzner.yaml; changing the type of a running server resizes it in place (one reboot).`);
  if (verdict.warning) void pulumi.log.warn(`${typePath}: ${verdict.warning}`);

  const imagePath = formatConfigPath(["hcloud", "image"]);
  const { images } = await hcloud.getImages({ withArchitectures: [verdict.architecture], includeDeprecated: true }, opts);
  const problem = checkImage(images, args.image, verdict.architecture);
  if (problem) throw new CatalogueError(`${imagePath}: ${problem}`);
  return { architecture: verdict.architecture };
}
