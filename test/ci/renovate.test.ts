/**
 * renovate.json keeps npm packages and the versions pinned in stack config up
 * to date. Renovate itself is not installed here, so these tests run its
 * regex managers the way it does (each matchString with the "g" flag over the
 * whole file) against the annotation convention and the committed files.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";

const root = path.resolve(__dirname, "..", "..");

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate?: string;
}

const config = JSON.parse(readFileSync(path.join(root, "renovate.json"), "utf8")) as {
  rangeStrategy?: string;
  customManagers: CustomManager[];
  packageRules: Record<string, unknown>[];
};
const managers = config.customManagers;
const [versions, images] = managers as [CustomManager, CustomManager];

type Extracted = Record<string, string | undefined>;

/** Renovate's regex extraction: every match of every matchString, its named groups plus templates. */
function extract(manager: CustomManager, content: string): Extracted[] {
  return manager.matchStrings.flatMap((source) =>
    [...content.matchAll(new RegExp(source, "g"))].map((m) => {
      const groups: Extracted = Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined));
      if (manager.datasourceTemplate) groups["datasource"] ??= manager.datasourceTemplate;
      return groups;
    }),
  );
}

/** `/regex/` entries of managerFilePatterns (globs are not used here). */
function filePatterns(manager: CustomManager): RegExp[] {
  return manager.managerFilePatterns.map((p) => {
    expect(p, "managerFilePatterns entries are /regex/").toMatch(/^\/.*\/$/);
    return new RegExp(p.slice(1, -1));
  });
}

function appliesTo(manager: CustomManager, file: string): boolean {
  return filePatterns(manager).some((re) => re.test(file));
}

// The convention the stack config files follow, with the indentation they use.
const SAMPLE = `config:
  homelab:talos:
    # Newest Talos 1.13; upgraded in place.
    # renovate: datasource=github-releases depName=siderolabs/talos
    version: v1.13.9
    # renovate: datasource=github-releases depName=kubernetes/kubernetes
    kubernetesVersion: v1.35.4
  homelab:cilium:
    # renovate: datasource=helm depName=cilium registryUrl=https://helm.cilium.io
    chartVersion: 1.18.12
  homelab:argocd:
    # renovate: datasource=helm depName=argo-cd registryUrl=https://argoproj.github.io/argo-helm
    chartVersion: "9.3.4"
  homelab:certManager:
    # renovate: datasource=helm depName=cert-manager registryUrl=https://charts.jetstack.io
    chartVersion: v1.19.1
  homelab:gatewayApi:
    # renovate: datasource=github-releases depName=kubernetes-sigs/gateway-api
    version: v1.3.0  # Cilium 1.18 implements this
  homelab:bifrost:
    images:
      # renovate: datasource=docker
      traefik: traefik:v3.6.9
      # renovate: datasource=docker
      authentik: ghcr.io/goauthentik/server:2026.5.7
      # renovate: datasource=docker
      postgres: docker.io/library/postgres:17.6-alpine@sha256:${"a".repeat(64)}
      # renovate: datasource=docker
      registry: "registry.example.com:5000/team/app:1.2.3"
      unannotated: traefik:v3.0.0
`;

describe("renovate.json", () => {
  it("pins npm dependencies exactly", () => {
    expect(config.rangeStrategy).toBe("pin");
  });

  it("uses only regex syntax RE2 accepts (no lookaround, no backreferences)", () => {
    for (const m of managers) {
      expect(m.customType).toBe("regex");
      for (const s of m.matchStrings) {
        expect(() => new RegExp(s, "g")).not.toThrow();
        expect(s).not.toMatch(/\(\?<?[=!]|\\[1-9]|\\k</);
        expect(s, "named groups are (?<name>…)").toMatch(/\(\?<currentValue>/);
      }
    }
  });

  it("reads stack config files and, for tool versions, workflow files", () => {
    for (const file of ["Pulumi.yaml", "Pulumi.talos.yaml", "Pulumi.platform.yaml", "Pulumi.hetzner.yaml"]) {
      expect(appliesTo(versions, file), file).toBe(true);
      expect(appliesTo(images, file), file).toBe(true);
    }
    expect(appliesTo(versions, ".github/workflows/preview.yml")).toBe(true);
    for (const file of ["package.json", "core/talos/index.ts", "Pulumi.talos.yaml.bak", "secrets/bootstrap.sops.yaml"]) {
      expect(appliesTo(versions, file) || appliesTo(images, file), file).toBe(false);
    }
  });

  it("extracts every annotated version with its datasource, name and registry", () => {
    expect(extract(versions, SAMPLE)).toEqual([
      { datasource: "github-releases", depName: "siderolabs/talos", currentValue: "v1.13.9" },
      { datasource: "github-releases", depName: "kubernetes/kubernetes", currentValue: "v1.35.4" },
      { datasource: "helm", depName: "cilium", registryUrl: "https://helm.cilium.io", currentValue: "1.18.12" },
      { datasource: "helm", depName: "argo-cd", registryUrl: "https://argoproj.github.io/argo-helm", currentValue: "9.3.4" },
      { datasource: "helm", depName: "cert-manager", registryUrl: "https://charts.jetstack.io", currentValue: "v1.19.1" },
      { datasource: "github-releases", depName: "kubernetes-sigs/gateway-api", currentValue: "v1.3.0" },
    ]);
  });

  it("extracts annotated container images: name, tag and digest from the value", () => {
    expect(extract(images, SAMPLE)).toEqual([
      { datasource: "docker", depName: "traefik", currentValue: "v3.6.9" },
      { datasource: "docker", depName: "ghcr.io/goauthentik/server", currentValue: "2026.5.7" },
      { datasource: "docker", depName: "docker.io/library/postgres", currentValue: "17.6-alpine", currentDigest: `sha256:${"a".repeat(64)}` },
      { datasource: "docker", depName: "registry.example.com:5000/team/app", currentValue: "1.2.3" },
    ]);
  });

  it("leaves values without an annotation alone", () => {
    const all = [...extract(versions, SAMPLE), ...extract(images, SAMPLE)];
    expect(all.map((e) => e["currentValue"])).not.toContain("v3.0.0");
  });

  it("understands every '# renovate:' annotation committed in config and workflows, each exactly once", () => {
    const files = [
      ...readdirSync(FIXTURE_CONFIG_DIR).filter((f) => /^Pulumi(\.[^/]+)?\.ya?ml$/.test(f)),
      ...readdirSync(path.join(root, ".github", "workflows")).map((f) => `.github/workflows/${f}`),
    ];
    let annotations = 0;
    for (const file of files) {
      const content = readFileSync(path.join(file.startsWith(".github") ? root : FIXTURE_CONFIG_DIR, file), "utf8");
      const expected = content.split("\n").flatMap((line, i, lines) =>
        /^\s*#\s*renovate:/.test(line) ? [(lines[i + 1] ?? "").replace(/^\s*(- )?[\w.-]+:\s*/, "").replace(/\s+#.*$/, "").replace(/^["']|["']$/g, "")] : [],
      );
      annotations += expected.length;
      const found = managers
        .filter((m) => appliesTo(m, file))
        .flatMap((m) => extract(m, content))
        .map((e) => (e["datasource"] === "docker" ? `${e["depName"]}:${e["currentValue"]}${e["currentDigest"] ? `@${e["currentDigest"]}` : ""}` : e["currentValue"]));
      expect(found.sort(), file).toEqual(expected.sort());
    }
    // At least the sops version in preview.yml is annotated.
    expect(annotations).toBeGreaterThan(0);
  });

  it("annotates every pinned version and container image in the stack config, so none is silently left behind", () => {
    const pinned = /^\s*(?:- )?(?:version|chartVersion|kubernetesVersion|[\w]+): ["']?(v?\d+\.\d+\.\d+[\w.-]*|[\w./-]+:[\w][\w.-]*(?:@sha256:[a-f0-9]{64})?)["']?\s*(#.*)?$/;
    const unannotated: string[] = [];
    for (const file of readdirSync(FIXTURE_CONFIG_DIR).filter((f) => /^Pulumi\.[^/]+\.ya?ml$/.test(f))) {
      const lines = readFileSync(path.join(FIXTURE_CONFIG_DIR, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        const m = pinned.exec(line);
        // Version-like values, and image references (name:tag) under an images: map.
        const isVersion = m && /(version|Version):/.test(line);
        const isImage = m && /^\s+\w+: [\w./-]+\/?[\w.-]*:[\w]/.test(line) && lines.slice(0, i).reverse().find((l) => /^\s*\w+:\s*$/.test(l))?.trim() === "images:";
        if ((isVersion || isImage) && !/^\s*#\s*renovate:/.test(lines[i - 1] ?? "")) unannotated.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(unannotated).toEqual([]);
  });

  it("keeps @pulumi/command on 1.x (docs/development.md#dependencies)", () => {
    const rule = config.packageRules.find((r) => (r["matchPackageNames"] as string[] | undefined)?.includes("@pulumi/command"));
    expect(rule?.["allowedVersions"]).toBe("<2");
  });

  it("groups related updates into one pull request each", () => {
    // Renovate matches names as globs ("@pulumi/**"); exact names match themselves.
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\0").replace(/\*/g, "[^/]*").replace(/\0/g, ".*")}$`);
    const groupOf = (name: string) =>
      config.packageRules.find(
        (r) => r["groupName"] && [...((r["matchPackageNames"] as string[]) ?? []), ...((r["matchDepNames"] as string[]) ?? [])].some((p) => glob(p).test(name)),
      )?.["groupName"];
    expect(groupOf("@pulumi/pulumi")).toBe(groupOf("@muhlba91/pulumi-proxmoxve"));
    expect(groupOf("vitest")).toBe(groupOf("fast-check"));
    expect(groupOf("siderolabs/talos")).toBe(groupOf("kubernetes/kubernetes"));
    expect(groupOf("cilium")).toBe(groupOf("kubernetes-sigs/gateway-api"));
    expect(new Set([groupOf("@pulumi/pulumi"), groupOf("vitest"), groupOf("siderolabs/talos"), groupOf("cilium")]).size).toBe(4);
  });
});
