/**
 * Starts the policy pack exactly as the Pulumi CLI does for
 * `pulumi preview --policy-pack policy` and questions it over the analyzer
 * gRPC protocol with engine-shaped resources (secrets wrapped, values unknown
 * at preview, text assets), so the pack is known to load, type-check and
 * report on this machine without a Pulumi CLI or any credentials.
 *
 * How the CLI starts a Node.js pack (pulumi/pulumi v3.2xx):
 *  - pkg/resource/plugin/analyzer_plugin.go reads policy/PulumiPolicy.yaml and
 *    asks the nodejs language host to run the pack as an analyzer plugin;
 *  - sdk/nodejs/cmd/pulumi-language-nodejs/main.go (RunPlugin) runs
 *    `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> <pack dir>`
 *    with the pack directory as working directory, resolving @pulumi/pulumi
 *    from there (Node looks in ../node_modules, the repository's);
 *  - run-policy-pack registers ts-node (type-checking, with
 *    policy/tsconfig.json) and requires the pack; @pulumi/policy's PolicyPack
 *    reads the version from policy/package.json, serves gRPC on 127.0.0.1 and
 *    prints the port on stdout.
 * This script does the last step itself (the language host adds only a proxy
 * that forwards the stack's config).
 *
 *   npm run policy:smoke
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "../core/render/project-files";
import { SECRET_SIG, SIG_KEY, type Json } from "../core/render/wire";
import { GUARDS } from "../policy/guards";
import { levelOf } from "../policy/pack";

// The gRPC and protobuf copies the pack itself runs with.
const fromPolicy = createRequire(require.resolve("@pulumi/policy"));
const grpc = fromPolicy("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const structPb = fromPolicy("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: unknown): unknown } };
const emptyPb = fromPolicy("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
/* eslint-disable @typescript-eslint/no-explicit-any */
const analyzerPb = fromPulumi("./proto/analyzer_pb") as any;
const analyzerGrpc = fromPulumi("./proto/analyzer_grpc_pb") as any;

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const secret = (value: Json) => ({ [SIG_KEY]: SECRET_SIG, value });
const textAsset = (text: string) => ({ [SIG_KEY]: ASSET_SIG, text });

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
  readonly dependencies?: Record<string, string[]>;
}

/** The stack config the language host would hand the pack (PULUMI_CONFIG). */
const STACK_CONFIG = { "homelab:domain": "lab.example.com" };

const urnOf = (r: Resource) => `urn:pulumi:smoke::homelab::${r.type}::${r.name}`;

function toAnalyzerResource(r: Resource, message: any): any {
  const options = new analyzerPb.AnalyzerResourceOptions();
  options.setProtect(r.protect ?? false);
  message.setType(r.type);
  message.setName(r.name);
  message.setUrn(urnOf(r));
  message.setProperties(structPb.Struct.fromJavaScript(r.props));
  message.setOptions(options);
  if (r.dependencies && message.getPropertydependenciesMap) {
    message.setDependenciesList([...new Set(Object.values(r.dependencies).flat())]);
    for (const [key, urns] of Object.entries(r.dependencies)) {
      const deps = new analyzerPb.AnalyzerPropertyDependencies();
      deps.setUrnsList(urns);
      message.getPropertydependenciesMap().set(key, deps);
    }
  }
  return message;
}

interface Diagnostic {
  readonly policy: string;
  readonly level: string;
  readonly message: string;
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

function diagnostics(response: any): Diagnostic[] {
  return response.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()] ?? String(d.getEnforcementlevel()), message: d.getMessage() }));
}

const firewall = (sources: Json): Resource => ({
  type: "hcloud:index/firewall:Firewall",
  name: "smoke-firewall",
  props: { name: "smoke", rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: sources }] },
});

/** The level the pack reports a policy at (pending guards only warn). */
const level = (name: string) => levelOf(GUARDS.find((g) => g.name === name)!);
const reports = (...names: string[]) => Object.fromEntries(names.map((n) => [n, level(n)]));

/** Resource → the policies that must (and only they) report it, at their level. */
const CASES: ReadonlyArray<{ readonly what: string; readonly resource: Resource; readonly expect: Record<string, string> }> = [
  { what: "SSH open to a union of CIDRs covering IPv4", resource: firewall(["0.0.0.0/1", "128.0.0.0/1"]), expect: reports("ssh-admin-sources-only") },
  { what: "SSH open to an admin /32 and a source unknown at preview", resource: firewall(["198.51.100.23/32", UNKNOWN]), expect: {} },
  {
    what: "a remote command whose secret connection pins no host key",
    resource: { type: "command:remote:Command", name: "smoke-command", props: { connection: secret({ host: "203.0.113.7", user: "root" }), create: "true" } },
    expect: reports("ssh-host-key-pinned"),
  },
  {
    what: "a file copied as a text asset holding a compose file with an untagged image",
    resource: {
      type: "command:remote:CopyToRemote",
      name: "smoke-copy",
      props: { connection: secret({ host: "203.0.113.7", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmX3cVb6F3n9VZ6Q0yXvW0m8i1b0mYl1xEw3aQ7tq9s" }), remotePath: "/opt/x/compose.yaml", source: textAsset("services:\n  web:\n    image: nginx\n") },
    },
    expect: reports("container-image-pinned"),
  },
  { what: "machine secrets without protect", resource: { type: "talos:machine/secrets:Secrets", name: "smoke-secrets", props: { talosVersion: "v1.13.0" } }, expect: reports("stateful-protected") },
  { what: "protected machine secrets", resource: { type: "talos:machine/secrets:Secrets", name: "smoke-secrets", props: { talosVersion: "v1.13.0" }, protect: true }, expect: {} },
  {
    what: "a cert-manager Certificate that fails its upstream schema (loaded with import())",
    resource: {
      type: "kubernetes:cert-manager.io/v1:Certificate",
      name: "smoke-certificate",
      props: { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "x" }, spec: { secretName: "x", issuerRef: { name: "x" }, dnsNames: "not-a-list" } },
    },
    expect: reports("custom-objects-match-schema"),
  },
];

const PROVIDER: Resource = {
  type: "authentik:index/providerOauth2:ProviderOauth2",
  name: "smoke-provider",
  props: { name: "app", clientId: "app", allowedRedirectUris: [{ matching_mode: "regex", url: ".*" }] },
};
const APP: Resource = {
  type: "authentik:index/application:Application",
  name: "smoke-app",
  props: { name: "App", slug: "app", protocolProvider: UNKNOWN, metaLaunchUrl: "https://app.lab.example.com" },
  dependencies: { protocolProvider: [urnOf(PROVIDER)] },
};

// Failing sets the exit status and lets stdout drain: process.exit() would cut
// the report lines still in a pipe (core/render/run-cli.ts).
function fail(message: string): never {
  throw new Error(message);
}

async function main(): Promise<void> {
  const started = Date.now();
  const pack = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
    cwd: join(REPO_ROOT, "policy"),
    env: { ...process.env, PULUMI_CONFIG: JSON.stringify(STACK_CONFIG) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  pack.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    pack.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /^(\d+)\s*$/m.exec(stdout);
      if (m) resolve(m[1]!);
    });
    pack.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
    setTimeout(() => reject(new Error(`the pack did not serve within 180 s:\n${stderr}`)), 180_000).unref();
  });
  console.log(`policy pack serving on port ${port} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) => client[method](request, (err: unknown, response: T) => (err ? reject(err) : resolve(response))));
  const problems: string[] = [];
  try {
    const info = await call<any>("getAnalyzerInfo", new emptyPb.Empty());
    const policies = info.getPoliciesList().map((p: any) => `${p.getName()} (${LEVELS[p.getEnforcementlevel()]})`);
    console.log(`${info.getName()}: ${policies.join(", ")}`);

    for (const c of CASES) {
      const got = diagnostics(await call("analyze", toAnalyzerResource(c.resource, new analyzerPb.AnalyzeRequest())));
      const gotByPolicy = Object.fromEntries(got.map((d) => [d.policy, d.level]));
      const ok = JSON.stringify(Object.entries(gotByPolicy).sort()) === JSON.stringify(Object.entries(c.expect).sort());
      console.log(`${ok ? "ok  " : "FAIL"} ${c.what}: ${got.length ? got.map((d) => `${d.policy} [${d.level}]`).join(", ") : "no violation"}`);
      if (!ok) problems.push(`${c.what}: expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(got, null, 1)}`);
    }

    const stack = new analyzerPb.AnalyzeStackRequest();
    stack.setResourcesList([PROVIDER, APP].map((r) => toAnalyzerResource(r, new analyzerPb.AnalyzerResource())));
    const got = diagnostics(await call("analyzeStack", stack));
    for (const [policy, what] of [
      ["sso-deny-by-default", "an Authentik application without a binding"],
      ["sso-redirect-uris-scoped", "a redirect pattern .* (needs the stack config the language host passes)"],
    ] as const) {
      const found = got.filter((d) => d.policy === policy);
      console.log(`${found.length === 1 ? "ok  " : "FAIL"} ${what}: ${found.map((d) => `${d.policy} [${d.level}]`).join(", ") || "no violation"}`);
      if (found.length !== 1) problems.push(`${what}: not reported by ${policy}`);
    }
    const sample = got.find((d) => d.policy === "sso-deny-by-default");
    if (sample) console.log(`     message: ${sample.message.split("\n").join("\n              ")}`);
  } finally {
    client.close();
    pack.kill();
  }
  if (problems.length) fail(problems.join("\n"));
  console.log(`policy smoke passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(`policy smoke: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
