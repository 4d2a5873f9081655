/**
 * The catalogue rules as pure functions (no Pulumi, no provider SDK), so the
 * policy pack can run the same checks on a rendered plan that the hetzner
 * stack runs at preview (core/hetzner/catalogue.ts reads the catalogue
 * through the hcloud provider and calls these). Field names are the
 * provider's (terraform-provider-hcloud v1.66.1, internal/servertype and
 * internal/image data sources).
 */
import { compareText } from "../compare";

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

