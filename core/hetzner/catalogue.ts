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
 * The rules themselves are pure and live in server-type.ts, for the policy
 * pack to call on a rendered plan.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { formatConfigPath } from "../config/errors";
import { checkImage, checkServerType } from "./server-type";

export { checkImage, checkServerType, suggestReplacement, type CatalogueImage, type CatalogueServerType, type ServerTypeVerdict } from "./server-type";

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
