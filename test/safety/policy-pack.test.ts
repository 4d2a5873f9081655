/**
 * The policy pack (policy/): every guard has fixtures that break it and must
 * be reported, and fixtures that keep it and must not be. The fixtures go
 * through the pack's own @pulumi/policy policies (policy/pack.ts) with
 * resources shaped as the engine sends them (inputs behind @pulumi/policy's
 * unknown-checking proxy), so what is tested here is what a real
 * `pulumi preview --policy-pack policy` reports. `npm run policy:smoke`
 * starts the real pack over gRPC.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  unknownCheckingProxy,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../core/render/project-files";
import type { Json } from "../../core/render/wire";
import { UNKNOWN_VALUE, type Guard } from "../../policy/guard";
import { GUARDS } from "../../policy/guards";
import { levelOf, POLICIES } from "../../policy/pack";
import { loadSchemas } from "../../policy/rules/kubernetes";

/** A resource as a fixture writes it; the engine's shape is made from it. */
interface Fixture {
  readonly type: string;
  readonly name?: string;
  readonly props: Record<string, Json>;
  readonly protect?: boolean;
  /** Input → names of the fixture resources it depends on (stack guards). */
  readonly dependsOn?: Record<string, string[]>;
}

const urnOf = (f: Fixture) => `urn:pulumi:test::homelab::${f.type}::${f.name ?? "subject"}`;

interface Reported {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel: string;
}

/** The stack config a fixture set runs under, as the language host hands it to the pack (PULUMI_CONFIG). */
const STACK_CONFIG = { "homelab:domain": "lab.example.com" };

/** Runs the pack's policy for `guard` on fixtures the way @pulumi/policy's server calls it. */
async function reported(guard: Guard, fixtures: readonly Fixture[]): Promise<Reported[]> {
  const saved = process.env["PULUMI_CONFIG"];
  process.env["PULUMI_CONFIG"] = JSON.stringify(STACK_CONFIG);
  try {
    return await reportedUnderConfig(guard, fixtures);
  } finally {
    if (saved === undefined) delete process.env["PULUMI_CONFIG"];
    else process.env["PULUMI_CONFIG"] = saved;
  }
}

async function reportedUnderConfig(guard: Guard, fixtures: readonly Fixture[]): Promise<Reported[]> {
  const policy = POLICIES.find((p) => p.name === guard.name)!;
  const out: Reported[] = [];
  const reportViolation = ((r: Reported) => out.push(r)) as unknown as ReportViolation;
  const engine = fixtures.map((f) => ({
    type: f.type,
    name: f.name ?? "subject",
    urn: urnOf(f),
    props: unknownCheckingProxy(structuredClone(f.props)) as Record<string, unknown>,
    opts: { protect: f.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
    stackTags: new Map<string, string>(),
  }));
  if (guard.kind === "resource") {
    const validate = (policy as ResourceValidationPolicy).validateResource as ResourceValidation;
    for (const args of engine) await validate(args as unknown as ResourceValidationArgs, reportViolation);
  } else {
    const byName = new Map(engine.map((e) => [e.name, e]));
    const resources = engine.map((e, i) => ({
      ...e,
      dependencies: [...new Set(Object.values(fixtures[i]!.dependsOn ?? {}).flat())].map((n) => byName.get(n)!),
      propertyDependencies: Object.fromEntries(Object.entries(fixtures[i]!.dependsOn ?? {}).map(([k, names]) => [k, names.map((n) => byName.get(n)!)])),
    }));
    await (policy as StackValidationPolicy).validateStack({ resources, stackTags: new Map() } as unknown as StackValidationArgs, reportViolation);
  }
  return out;
}

const firewall = (sourceIps: Json, port: Json = "22", protocol = "tcp"): Fixture => ({
  type: "hcloud:index/firewall:Firewall",
  props: { name: "edge", rules: [{ direction: "in", protocol, port, sourceIps }] },
});
const remoteCommand = (connection: Json, type = "command:remote:Command"): Fixture => ({ type, props: { connection, create: "true" } });
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmX3cVb6F3n9VZ6Q0yXvW0m8i1b0mYl1xEw3aQ7tq9s";
const release = (chart: string, version: Json, values: Json = {}): Fixture => ({ type: "kubernetes:helm.sh/v3:Release", props: { chart, version, values } });
/** A Talos config apply whose patch enables KubePrism on `port` (machine.features.kubePrism). */
const machineConfig = (port: number): Fixture => ({
  type: "talos:machine/configurationApply:ConfigurationApply",
  name: "cp-1",
  props: { configPatches: [`machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: ${port}\n`] },
});
const vm = (memory: Json, hostpcis?: Json): Fixture => ({
  type: "proxmoxve:index/vmLegacy:VmLegacy",
  props: { name: "gpu", memory, ...(hostpcis ? { hostpcis } : {}) },
  protect: true,
});
const certificate = (spec: Json): Fixture => ({
  type: "kubernetes:cert-manager.io/v1:Certificate",
  props: { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "wildcard", namespace: "gateway" }, spec },
});
const APP: Fixture = { type: "authentik:index/application:Application", name: "grafana", props: { name: "Grafana", slug: "grafana" } };
const binding = (app: string, props: Record<string, Json> = { group: "g" }): Fixture => ({
  type: "authentik:index/policyBinding:PolicyBinding",
  name: `${app}-admins`,
  props: { target: "uuid", order: 0, ...props },
  dependsOn: { target: [app] },
});
const flow = (policyEngineMode: string, designation = "enrollment"): Fixture => ({
  type: "authentik:index/flow:Flow",
  name: designation,
  props: { slug: `homelab-github-${designation}`, designation, policyEngineMode },
});
const github = (enrollmentFlow?: string, authenticationFlow?: string): Fixture => ({
  type: "authentik:index/sourceOauth:SourceOauth",
  name: "github",
  props: { slug: "github", providerType: "github", ...(enrollmentFlow ? { enrollmentFlow: "flow-uuid" } : {}), ...(authenticationFlow ? { authenticationFlow: "flow-uuid-2" } : {}) },
  dependsOn: { ...(enrollmentFlow ? { enrollmentFlow: [enrollmentFlow] } : {}), ...(authenticationFlow ? { authenticationFlow: [authenticationFlow] } : {}) },
});
/** Both of the source's flows behind the allow-list policy. */
const guardedGithub = (): Fixture[] => [
  flow("all"),
  binding("enrollment", { policy: "p" }),
  flow("all", "authentication"),
  binding("authentication", { policy: "p" }),
  github("enrollment", "authentication"),
];
const oidc = (allowedRedirectUris: Json): Fixture[] => [
  { type: "authentik:index/providerOauth2:ProviderOauth2", name: "grafana-provider", props: { name: "grafana", clientId: "grafana", allowedRedirectUris } },
  { type: "authentik:index/application:Application", name: "grafana", props: { slug: "grafana", metaLaunchUrl: "https://grafana.lab.example.com" }, dependsOn: { protocolProvider: ["grafana-provider"] } },
];
const server = (serverType: string): Fixture => ({ type: "hcloud:index/server:Server", name: "bifrost", props: { name: "bifrost", serverType, location: "fsn1" } });

/**
 * Per guard: fixture sets that break it (each must be reported) and sets
 * that keep it (none may be). A resource guard's set is one resource.
 */
const FIXTURES: Record<string, { readonly bad: readonly Fixture[][]; readonly good: readonly Fixture[][] }> = {
  "ssh-admin-sources-only": {
    bad: [
      [firewall(["0.0.0.0/0"])],
      [firewall(["::/0"])],
      [firewall(["0:0::0/0"])],
      [firewall(["198.51.100.23/32", "0.0.0.0/1", "128.0.0.0/1"])],
      [firewall(["::/1", "8000::/1"], "1-1024")],
      [firewall(["any"], "any")],
      [firewall(["not-an-address"])],
      [firewall(["0.0.0.0/0"], null)],
      [firewall(["0.0.0.0/1"])],
      [firewall(["10.0.0.0/8", "11.0.0.0/8"])],
      [firewall(["::ffff:0.0.0.0/96"])],
      [firewall([UNKNOWN_VALUE, "0.0.0.0/0"])],
    ],
    good: [
      [firewall(["198.51.100.23/32", "2001:db8:77::/48"])],
      [firewall(["10.0.0.0/8", "2001:db8::/32"])],
      [firewall(["0.0.0.0/0"], "443")],
      [firewall(["0.0.0.0/0"], "22", "udp")],
      [firewall([UNKNOWN_VALUE])],
    ],
  },
  "ssh-host-key-pinned": {
    bad: [[remoteCommand({ host: "203.0.113.7", user: "root" })], [remoteCommand({ host: "h", hostKey: "" }, "command:remote:CopyToRemote")], [remoteCommand({ host: "h", hostKey: HOST_KEY, proxy: { host: "bastion" } })]],
    good: [[remoteCommand({ host: "203.0.113.7", hostKey: HOST_KEY })], [remoteCommand({ host: "h", hostKey: UNKNOWN_VALUE }, "command:remote:CopyToRemote")]],
  },
  "no-plain-secrets": {
    // A real pack cannot tell secret inputs from plain ones (see Subject.secretPaths):
    // its fixtures run through the render's view in the test below, not through the pack.
    bad: [],
    good: [[{ type: "authentik:index/user:User", props: { username: "ci", password: "hunter2" } }]],
  },
  "stateful-protected": {
    bad: [[{ type: "talos:machine/secrets:Secrets", props: { talosVersion: "v1.13.0" } }], [{ type: "hcloud:index/primaryIp:PrimaryIp", props: { type: "ipv4" } }], [{ ...vm({ dedicated: 8192 }), protect: false }]],
    good: [[{ type: "talos:machine/secrets:Secrets", props: {}, protect: true }], [{ type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "x" } } }]],
  },
  "helm-chart-pinned": {
    bad: [[release("cilium", "^1.18.0")], [release("cilium", null)], [release("argo-cd", "latest")]],
    good: [[release("cilium", "1.18.12")], [release("argo-cd", "v9.3.4")]],
  },
  "container-image-pinned": {
    bad: [
      [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "web", image: "nginx" }] } } } } }],
      [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "web", image: "ghcr.io/x/web:latest" }] } } } } }],
      [release("cilium", "1.18.12", { image: { repository: "quay.io/cilium/cilium", tag: "latest" } })],
      [{ type: "command:remote:CopyToRemote", props: { source: { $asset: "text", text: "services:\n  db:\n    image: postgres\n" } } }],
    ],
    good: [
      [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.29.1" }] } } } } }],
      [{ type: "command:remote:CopyToRemote", props: { source: { $asset: "text", text: `services:\n  db:\n    image: postgres@sha256:${"a".repeat(64)}\n` } } }],
      [{ type: "hcloud:index/server:Server", props: { image: "debian-13" } }],
    ],
  },
  "custom-objects-match-schema": {
    bad: [[certificate({ secretName: "wildcard-tls", issuerRef: { name: "le" }, dnsNames: "*.lab.example.com" })], [{ ...certificate({}), props: { ...certificate({}).props, kind: "Issuer" } }]],
    good: [[certificate({ secretName: "wildcard-tls", issuerRef: { name: "le", kind: "ClusterIssuer" }, dnsNames: ["*.lab.example.com"] })]],
  },
  "cilium-through-kubeprism": {
    bad: [
      [release("cilium", "1.18.12", { k8sServiceHost: "10.10.0.10", k8sServicePort: 6443 })],
      [release("cilium", "1.18.12", { k8sServiceHost: "localhost", k8sServicePort: 6443 }), machineConfig(7445)],
      [release("cilium", "1.18.12", {})],
    ],
    good: [
      [release("cilium", "1.18.12", { k8sServiceHost: "localhost", k8sServicePort: 7445 }), machineConfig(7445)],
      [release("cilium", "1.18.12", { k8sServiceHost: "localhost", k8sServicePort: 7446 }), machineConfig(7446)],
      [release("argo-cd", "9.3.4", { k8sServiceHost: "10.0.0.1" })],
    ],
  },
  "no-ballooning-on-passthrough": {
    bad: [[vm({ dedicated: 65536, floating: 32768 }, [{ device: "hostpci0", mapping: "rtx-4090" }])]],
    good: [
      [vm({ dedicated: 65536 }, [{ device: "hostpci0", mapping: "rtx-4090" }])],
      [vm({ dedicated: 65536, floating: 0 }, [{ device: "hostpci0", mapping: "rtx-4090" }])],
      [vm({ dedicated: 65536, floating: 65536 }, [{ device: "hostpci0", mapping: "rtx-4090" }])],
      [vm({ dedicated: 16384, floating: 8192 })],
    ],
  },
  "sso-deny-by-default": {
    bad: [[APP], [APP, { ...APP, name: "argocd", props: { slug: "argocd" } }, binding("argocd")], [APP, binding("grafana", { group: "g", enabled: false })], [APP, binding("grafana", { group: "g", negate: true })]],
    good: [[APP, binding("grafana")], [APP, binding("grafana", { policy: "p" })], []],
  },
  "sso-enrollment-allow-list": {
    bad: [
      [github()],
      [flow("any"), binding("enrollment", { policy: "p" }), github("enrollment")],
      [flow("all"), github("enrollment")],
      // Enrollment guarded, but a linked user's sign-in is not checked again.
      [flow("all"), binding("enrollment", { policy: "p" }), github("enrollment")],
    ],
    good: [guardedGithub(), [APP, binding("grafana")]],
  },
  "sso-redirect-uris-scoped": {
    bad: [
      oidc([{ matching_mode: "regex", url: ".*" }]),
      oidc([{ matching_mode: "regex", url: "^https://.*$" }]),
      oidc([{ matching_mode: "strict", url: "https://*.lab.example.com/cb" }]),
    ],
    good: [
      oidc([{ matching_mode: "strict", url: "https://grafana.lab.example.com/login/generic_oauth" }]),
      oidc([{ matching_mode: "regex", url: "^http://localhost:[0-9]{1,5}/auth/callback$" }]),
    ],
  },
  "no-retired-server-type": {
    bad: [[server("cx22")], [server("CPX11")]],
    good: [[server("cx23")], [server("cax11")], [server(UNKNOWN_VALUE)]],
  },
};

beforeAll(async () => {
  await loadSchemas();
});

describe("the pack holds every guard", () => {
  it("registers each guard once as a policy, at its level (pending guards only warn)", () => {
    expect(POLICIES.map((p) => p.name)).toEqual(GUARDS.map((g) => g.name));
    expect(new Set(GUARDS.map((g) => g.name)).size).toBe(GUARDS.length);
    for (const g of GUARDS) {
      const policy = POLICIES.find((p) => p.name === g.name)!;
      expect(policy.enforcementLevel, g.name).toBe(g.status === "pending" ? "advisory" : g.level);
      expect(policy.description, g.name).toBe(g.description);
      expect(g.name, "Pulumi policy names: lowercase words and hyphens").toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(levelOf({ ...GUARDS[0]!, status: "pending" })).toBe("advisory");
  });

  it("every guard has fixtures on both sides", () => {
    for (const g of GUARDS) {
      const f = FIXTURES[g.name];
      expect(f, `no fixtures for ${g.name}`).toBeDefined();
      expect(f!.good.length, `${g.name}: no compliant fixture`).toBeGreaterThan(0);
      if (g.name !== "no-plain-secrets") expect(f!.bad.length, `${g.name}: no violating fixture`).toBeGreaterThan(0);
    }
  });

  it("Pulumi can load it: PulumiPolicy.yaml names the nodejs runtime and package.json gives the version", () => {
    const project = parse(readFileSync(join(REPO_ROOT, "policy/PulumiPolicy.yaml"), "utf8")) as { runtime: unknown };
    expect(project.runtime).toBe("nodejs");
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "policy/package.json"), "utf8")) as { version: string; main: string };
    // @pulumi/policy's PolicyPack reads the version from package.json in the pack's folder.
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.main).toBe("index.ts");
  });
});

describe.each(GUARDS.map((g) => [g.name, g] as const))("%s", (_name, guard) => {
  const fixtures = FIXTURES[guard.name] ?? { bad: [], good: [] };

  it.each(fixtures.bad.map((set, i) => [i, set] as const))("reports violating fixture %i, saying why and how to fix", async (_i, set) => {
    const got = await reported(guard, set);
    expect(got.length, JSON.stringify(set)).toBeGreaterThan(0);
    for (const r of got) {
      expect(r.message).toContain(`Why: ${guard.why}`);
      expect(r.message).toContain(`Fix: ${guard.fix}`);
      expect(r.urn, "the violation names the resource").toMatch(/^urn:pulumi:/);
    }
  });

  it.each(fixtures.good.map((set, i) => [i, set] as const))("accepts compliant fixture %i", async (_i, set) => {
    expect(await reported(guard, set)).toEqual([]);
  });
});

describe("sso-enrollment-allow-list under the config's explicit opt-out", () => {
  const guard = GUARDS.find((g) => g.name === "sso-enrollment-allow-list")!;
  async function levels(githubSource: Json): Promise<string[]> {
    const saved = process.env["PULUMI_CONFIG"];
    process.env["PULUMI_CONFIG"] = JSON.stringify({ ...STACK_CONFIG, "homelab:githubSource": JSON.stringify(githubSource) });
    try {
      return (await reportedUnderConfig(guard, [github()])).map((r) => r.enforcementLevel);
    } finally {
      if (saved === undefined) delete process.env["PULUMI_CONFIG"];
      else process.env["PULUMI_CONFIG"] = saved;
    }
  }
  it("warns instead of blocking when homelab:githubSource.allowAnyGitHubAccount is true", async () => {
    const got = await levels({ allowAnyGitHubAccount: true });
    expect(got.length).toBeGreaterThan(0);
    expect(new Set(got)).toEqual(new Set(["advisory"]));
  });
  it("blocks when the allow-list is configured or the switch is false", async () => {
    for (const source of [{ allowedOrganizations: ["acme"] }, { allowAnyGitHubAccount: false }] as Json[]) {
      const got = await levels(source);
      expect(got.length).toBeGreaterThan(0);
      expect(new Set(got)).toEqual(new Set(["mandatory"]));
    }
  });
});

describe("sso-redirect-uris-scoped without the stack config", () => {
  const guard = GUARDS.find((g) => g.name === "sso-redirect-uris-scoped")!;
  const subjects = (uris: Json) =>
    oidc(uris).map((f) => ({
      type: f.type,
      name: f.name ?? "subject",
      urn: urnOf(f),
      props: f.props,
      protect: false,
      ignoreChanges: [],
      propertyDependencies: {},
      dependsOn: Object.values(f.dependsOn ?? {}).flat().map((n) => `urn:pulumi:test::homelab::authentik:index/providerOauth2:ProviderOauth2::${n}`),
    }));
  it("reads the allowed domains from the plan: a loose pattern is still reported", () => {
    if (guard.kind !== "stack") expect.fail("stack guard");
    expect(guard.check(subjects([{ matching_mode: "regex", url: ".*" }])).violations).toHaveLength(1);
    expect(guard.check(subjects([{ matching_mode: "strict", url: "https://grafana.lab.example.com/login/generic_oauth" }])).violations).toEqual([]);
  });
});

describe("no-plain-secrets over the render's view (the only place secretness is known)", () => {
  const subject = (props: Record<string, Json>, secretPaths: string[], type = "authentik:index/user:User") => ({
    type,
    name: "ci",
    urn: "urn:pulumi:test::homelab::x::ci",
    props,
    protect: false,
    ignoreChanges: [],
    secretPaths,
    propertyDependencies: {},
    dependsOn: [],
  });
  const guard = GUARDS.find((g) => g.name === "no-plain-secrets")!;
  const check = (s: ReturnType<typeof subject>) => (guard.kind === "resource" ? guard.check(s) : expect.fail("resource guard"));

  it("reports a plain password and a plain Kubernetes Secret entry", () => {
    expect(check(subject({ username: "ci", password: "hunter2" }, [])).violations.map((v) => v.where)).toEqual(["ci password"]);
    expect(check(subject({ stringData: { "api.key": "x", other: "y" } }, ["stringData.api.key"], "kubernetes:core/v1:Secret")).violations.map((v) => v.where)).toEqual(["ci stringData.other"]);
  });

  it("accepts secrets, public keys and flags", () => {
    expect(check(subject({ password: "hunter2", publicKey: "ssh-ed25519 AAAA", retrieveKey: true }, ["password"])).violations).toEqual([]);
  });
});
