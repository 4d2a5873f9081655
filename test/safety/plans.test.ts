/**
 * The reliability and safety suite over the rendered plans of all five stacks
 * (docs/config.md, docs/development.md#tests). Every stack is rendered ONCE, with the example config
 * (test/fixtures/config), every secret set to a unique canary, and the network, child
 * processes and file writes locked down; the sections below question those
 * renders:
 *
 *  - no network (or other side effect) during a run
 *  - secret canaries: no secret outside secret inputs, renders or output
 *  - stable identities: URNs match the committed snapshot
 *  - protection: the protected/retained resources keep their protection
 *  - the policy pack's enforced guards (policy/guards.ts), the same functions a
 *    real `pulumi preview --policy-pack policy` runs
 */
import { execFile } from "node:child_process";
import * as net from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStack, validateConfig } from "../../core/main";
import { planToJson, planToText } from "../../core/render/format";
import { captureStack, type Plan } from "../../core/render/harness";
import { REPO_ROOT, loadRawConfig } from "../../core/render/project-files";
import { FIXTURE_CONFIG_DIR, fixtureEnv } from "../helpers/fixtures";
import { secretsFor, type SecretName } from "../../core/secrets";
import { STACK_NAMES, type StackName } from "../../core/stacks";
import { canariesIn, canaryHits, makeCanaries } from "./lib/canaries";
import { lockDown, type Attempt } from "./lib/lockdown";
import { GUARDS } from "../../policy/guards";
import { loadSchemas } from "../../policy/rules/kubernetes";
import { applyGuard, formatViolations } from "./lib/policies";
import { aliasUrns, compareUrns, describeUrnChange, engineUrns, readSnapshot, UPDATE_COMMAND } from "./lib/urns";
import { PROTECTED } from "./protected-resources";

const canaries = makeCanaries();

interface Rendered {
  readonly plan?: Plan;
  readonly error?: unknown;
  /** Everything written to stdout/stderr/console while this stack rendered. */
  readonly printed: string;
}

const rendered = new Map<StackName, Rendered>();
let attempts: Attempt[] = [];
const originals = { connect: net.Socket.prototype.connect, fetch: globalThis.fetch };

/** Records what the process prints (still printing it) until the returned undo runs. */
function capturePrinted(sink: string[]): () => void {
  const undo: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    undo.push(() => (stream.write = write));
  }
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      sink.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a) ?? String(a))).join(" "));
      original.apply(console, args);
    };
    undo.push(() => (console[level] = original));
  }
  return () => undo.reverse().forEach((u) => u());
}

beforeAll(async () => {
  await loadSchemas();
  const printed: string[] = [];
  const stopCapture = capturePrinted(printed);
  const lock = lockDown();
  try {
    for (const stack of STACK_NAMES) {
      const from = printed.length;
      const capture = await captureStack(stack, { env: canaries, configDir: FIXTURE_CONFIG_DIR });
      rendered.set(stack, { plan: capture.plan, error: capture.error, printed: printed.slice(from).join("\n") });
    }
  } finally {
    lock.restore();
    stopCapture();
  }
  attempts = lock.attempts;
}, 120_000);

/** The plan of a stack; fails the test with the render's error if it did not render. */
function planOf(stack: StackName): Plan {
  const r = rendered.get(stack);
  if (!r?.plan) throw new Error(`stack ${stack} did not render: ${r?.error instanceof Error ? r.error.message : String(r?.error)}`);
  return r.plan;
}

const plans = () => STACK_NAMES.map(planOf);

// ---------------------------------------------------------------------------

describe("no network during a run", () => {
  it.each(STACK_NAMES)("%s renders with sockets, DNS, HTTP, fetch, child processes and file writes denied", (stack) => {
    const r = rendered.get(stack)!;
    expect(r.error, `render failed under the lockdown: ${r.error instanceof Error ? r.error.stack : String(r.error)}`).toBeUndefined();
    expect(r.plan!.resources.length).toBeGreaterThan(0);
  });

  it("no stack attempted a connection, a DNS query, a child process or a file write", () => {
    const report = attempts.map((a) => `  - ${a.kind}: ${a.what}\n      at ${a.where}`).join("\n");
    expect(attempts, `the program reached outside the process while rendering:\n${report}`).toEqual([]);
  });

  it("the lockdown denies and records every way out, and is undone afterwards", async () => {
    const lock = lockDown();
    const tries: Array<() => unknown> = [
      () => fetch("http://192.0.2.1/"),
      () => new net.Socket().connect(80, "192.0.2.1"),
      () => require("node:https").get("https://192.0.2.1/"),
      () => require("node:dns").lookup("example.com", () => undefined),
      () => require("node:child_process").execFileSync("true"),
      () => require("node:fs").writeFileSync("/tmp/homelab-lockdown-probe", "x"),
    ];
    try {
      for (const attempt of tries) expect(attempt).toThrow(/access denied while rendering/);
    } finally {
      lock.restore();
    }
    expect(lock.attempts.map((a) => a.kind)).toEqual(["network", "network", "network", "network", "process", "file"]);
    expect(net.Socket.prototype.connect).toBe(originals.connect);
    expect(globalThis.fetch).toBe(originals.fetch);
  });
});

// ---------------------------------------------------------------------------

describe("secret canaries", () => {
  it.each(STACK_NAMES)("%s: every secret the stack reads reaches its plan (the canaries are live)", async (stack) => {
    const plan = planOf(stack);
    const def = await loadStack(stack);
    const { required } = secretsFor(stack, def.requiredSecrets(validateConfig(def, loadRawConfig(stack, FIXTURE_CONFIG_DIR))));
    const seen = new Set<SecretName>();
    for (const r of plan.resources) for (const h of canaryHits(r.values, canaries)) seen.add(h.secret);
    for (const i of plan.invokes) for (const h of canaryHits(i.values, canaries)) seen.add(h.secret);
    for (const v of Object.values(plan.outputValues)) for (const h of canaryHits(v, canaries)) seen.add(h.secret);
    expect(required.filter((n) => !seen.has(n)), "required secrets whose canary never reached an input").toEqual([]);
  });

  it.each(STACK_NAMES)("%s: a canary appears only in secret inputs, secret invoke arguments and secret outputs", (stack) => {
    const plan = planOf(stack);
    const leaks: string[] = [];
    const under = (paths: readonly string[], p: string) =>
      paths.some((s) => s === "<root>" || s === p || p.startsWith(`${s}.`) || p.startsWith(`${s}[`));
    for (const r of plan.resources)
      for (const h of canaryHits(r.values, canaries))
        if (!under(r.secretPaths, h.path)) leaks.push(`${r.type} ${r.name} input ${h.path} carries ${h.secret}`);
    for (const i of plan.invokes)
      for (const h of canaryHits(i.values, canaries))
        if (!under(i.secretPaths, h.path)) leaks.push(`invoke ${i.token} argument ${h.path} carries ${h.secret}`);
    for (const [key, v] of Object.entries(plan.outputValues))
      if (!plan.secretOutputs.includes(key)) for (const h of canaryHits(v, canaries)) leaks.push(`output ${key} ${h.path} carries ${h.secret}`);
    expect(leaks, `secret values outside Pulumi secrets:\n${leaks.join("\n")}`).toEqual([]);
  });

  it.each(STACK_NAMES)("%s: the JSON and text renders show [secret], never a canary", (stack) => {
    const plan = planOf(stack);
    const json = planToJson(plan);
    expect(canariesIn(json, canaries), "canaries in the JSON render").toEqual([]);
    expect(canariesIn(planToText(plan), canaries), "canaries in the text render").toEqual([]);
  });

  it.each(STACK_NAMES)("%s: nothing printed while rendering carries a canary", (stack) => {
    expect(canariesIn(rendered.get(stack)!.printed, canaries), "canaries in what the render printed (stdout, stderr, console)").toEqual([]);
  });

  it("the CLI with --secrets-from-env prints no canary", async () => {
    // One child process (the in-process checks above cover every stack and
    // both formats): hetzner reads the most secrets and ships them in files.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "core/render/cli.ts", "hetzner", "--json", "--secrets-from-env"],
      { cwd: REPO_ROOT, env: fixtureEnv({ ...process.env, ...canaries }), maxBuffer: 64 * 1024 * 1024, timeout: 90_000 },
    );
    expect(canariesIn(stdout + stderr, canaries)).toEqual([]);
    expect(JSON.parse(stdout).stack).toBe("hetzner");
    expect(stdout).toContain("[secret]");
  }, 120_000);
});

// ---------------------------------------------------------------------------

describe("stable identities", () => {
  it.each(STACK_NAMES)("%s: resource URNs match the committed snapshot, or are renamed with an alias (test/safety/urns)", (stack) => {
    const plan = planOf(stack);
    const expected = readSnapshot(stack);
    expect(expected, `no URN snapshot for ${stack}; create it with ${UPDATE_COMMAND}`).toBeDefined();
    const change = compareUrns(expected!, engineUrns(plan), aliasUrns(plan));
    if (!change.safe) expect.fail(describeUrnChange(stack, change));
  });
});

// ---------------------------------------------------------------------------

describe("protection", () => {
  it.each(PROTECTED.map((p) => [`${p.stack} ${p.name}`, p] as const))("%s keeps its protection", (_label, p) => {
    const found = planOf(p.stack).resources.filter((r) => r.type === p.type && r.name === p.name);
    expect(found.length, `${p.type} ${p.name} is gone from the ${p.stack} plan (${p.why})`).toBe(1);
    const r = found[0]!;
    if (p.protect) expect(r.protect, `${p.name} lost protect: true — ${p.why}`).toBe(true);
    if (p.retainOnDelete) expect(r.retainOnDelete, `${p.name} lost retainOnDelete: true — ${p.why}`).toBe(true);
    for (const [key, value] of Object.entries(p.inputs ?? {}))
      expect((r.values as Record<string, unknown>)[key], `${p.name} input ${key} — ${p.why}`).toEqual(value);
  });

  it("every protected or retained resource in the plans is on the expectation list, with that flag", () => {
    const listed = new Map(PROTECTED.map((p) => [`${p.stack} ${p.type} ${p.name}`, p]));
    const unlisted = plans().flatMap((plan) =>
      plan.resources.flatMap((r) => {
        const entry = listed.get(`${plan.stack} ${r.type} ${r.name}`);
        const missing = [r.protect && !entry?.protect ? "protect" : "", r.retainOnDelete && !entry?.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
        return missing.length ? [`${plan.stack} ${r.type} ${r.name} [${missing.join(", ")}]`] : [];
      }),
    );
    expect(unlisted, `add these to test/safety/protected-resources.ts, with why, so their protection is guarded:\n${unlisted.join("\n")}`).toEqual([]);
  });
});

// ---------------------------------------------------------------------------

describe("the policy pack's guards over every render", () => {
  const enforced = GUARDS.filter((g) => g.status === "enforced");
  it("some guards are enforced", () => expect(enforced.length).toBeGreaterThan(0));

  it.each(enforced.map((g) => [g.name, g] as const))("%s: every stack complies", (_name, guard) => {
    let examined = 0;
    const report: string[] = [];
    for (const plan of plans()) {
      const outcome = applyGuard(guard, plan, { config: loadRawConfig(plan.stack, FIXTURE_CONFIG_DIR) });
      examined += outcome.examined;
      if (outcome.violations.length > 0) report.push(formatViolations(guard, plan.stack, outcome));
    }
    expect(examined, `${guard.name} found nothing to examine in any render`).toBeGreaterThan(0);
    expect(report, `${guard.name}:\n${report.join("\n")}`).toEqual([]);
  });
});

afterAll(() => {
  rendered.clear();
});
