/**
 * Hetzner server types that can no longer be ordered.
 */
import { clean, UNKNOWN_VALUE, type ResourceGuard } from "../guard";

export const SERVER_TYPE = "hcloud:index/server:Server";

/**
 * Types Hetzner has retired, with why. The hetzner stack checks the live
 * catalogue (hcloud.getServerTypes) at preview (core/hetzner/catalogue.ts);
 * a policy pack sees no invoke results, so it holds the generations known
 * to be gone: CX Gen 2 and CPX Gen 1, removed from the API at the end of 2025
 * (their successors are cx23…cx53 and cpx12…cpx52).
 */
export const RETIRED_SERVER_TYPES: Readonly<Record<string, string>> = Object.fromEntries([
  ...["cx22", "cx32", "cx42", "cx52"].map((t) => [t, "CX Gen 2, removed by Hetzner at the end of 2025"]),
  ...["cpx11", "cpx21", "cpx31", "cpx41", "cpx51"].map((t) => [t, "CPX Gen 1, removed by Hetzner at the end of 2025"]),
]);

export const noRetiredServerType: ResourceGuard = {
  kind: "resource",
  name: "no-retired-server-type",
  description: "The edge server does not use a Hetzner server type that can no longer be ordered.",
  why: "a retired type cannot be created again: the next rebuild or replacement of the server fails and leaves the edge down.",
  fix: "set homelab:hcloud.serverType to a current type (cx23, cpx22, cax11, …; the hetzner stack's preview names a replacement from Hetzner's catalogue).",
  status: "enforced",
  level: "mandatory",
  check(r) {
    if (r.type !== SERVER_TYPE) return clean(0);
    const type = r.props["serverType"];
    if (typeof type !== "string" || type === UNKNOWN_VALUE) return clean(1);
    const retired = RETIRED_SERVER_TYPES[type.toLowerCase()];
    return retired ? { examined: 1, violations: [{ where: `${r.name} serverType`, problem: `server type ${JSON.stringify(type)} is retired (${retired})` }] } : clean(1);
  },
};
