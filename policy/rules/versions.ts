/**
 * Pinned versions: Helm charts and container images.
 */
import type { Json } from "../../core/render/wire";
import { clean, isObject, type ResourceGuard, type Violation } from "../guard";
import { walkDeep } from "../walk";

export const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"];
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmChartPinned: ResourceGuard = {
  kind: "resource",
  name: "helm-chart-pinned",
  description: "Every Helm release pins an exact chart version.",
  why: "a range or no version installs whatever the chart repository serves on the day of the run, so two previews of the same commit can deploy different software.",
  fix: "set the release's version to an exact chart version (like 1.18.12) in the code that creates it; Renovate proposes updates.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    if (!HELM_TYPES.includes(r.type)) return clean(0);
    const version = r.props["version"];
    if (typeof version === "string" && EXACT_VERSION.test(version)) return clean(1);
    return {
      examined: 1,
      violations: [{ where: `${r.name} version`, problem: `chart ${JSON.stringify(r.props["chart"] ?? null)} has version ${JSON.stringify(version ?? null)}, not an exact version` }],
    };
  },
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(ref: string): string | undefined {
  if (ref.includes("${") || ref.includes("{{")) return "is templated, so the pinned version cannot be checked";
  if (DIGEST.test(ref)) return undefined;
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag (means latest)";
  const tag = lastSegment.slice(colon + 1);
  if (!TAG.test(tag)) return `has an invalid tag ${JSON.stringify(tag)}`;
  if (tag.toLowerCase() === "latest") return "uses the floating tag latest";
  return undefined;
}

const isImageKey = (key: string) => key === "image" || /[a-z]Image$/.test(key);

/**
 * Images in Kubernetes objects and Helm values (resources of kubernetes:*
 * types) and in every structured document carried in a string (compose files,
 * Talos machine configs, …). Other `image` inputs (a cloud server's OS image)
 * are not container images.
 */
export const containerImagePinned: ResourceGuard = {
  kind: "resource",
  name: "container-image-pinned",
  description: "Every container image pins a tag (not latest) or a digest.",
  why: "an untagged or latest image changes under a running system on the next pull, and a rollback cannot name what ran before.",
  fix: "write the image as repository:version (like ghcr.io/goauthentik/server:2026.5.0) or repository@sha256:<digest>.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    const violations: Violation[] = [];
    let examined = 0;
    const kubernetes = r.type.startsWith("kubernetes:");
    for (const { path, key, value, embedded } of walkDeep(r.props as Json)) {
      if (!(kubernetes || embedded) || !isImageKey(key)) continue;
      if (typeof value === "string") {
        examined++;
        const reason = unpinnedReason(value);
        if (reason) violations.push({ where: `${r.name} ${path}`, problem: `image ${JSON.stringify(value)} ${reason}` });
      } else if (isObject(value) && ("repository" in value || "tag" in value)) {
        // Helm convention { repository, tag, digest }; without a tag the chart's pinned default applies.
        examined++;
        const tag = value["tag"];
        const digest = value["digest"];
        if (typeof digest === "string" && digest !== "") continue;
        if (tag !== undefined && (typeof tag !== "string" || !TAG.test(tag) || tag.toLowerCase() === "latest"))
          violations.push({ where: `${r.name} ${path}`, problem: `image tag ${JSON.stringify(tag)} is not a pinned version` });
      }
    }
    return { violations, examined };
  },
};
