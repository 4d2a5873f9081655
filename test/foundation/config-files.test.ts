/**
 * Mistakes in the Pulumi*.yaml files themselves: each is a clean error naming
 * the file and line (or the key), what was expected, and what to do; never a
 * stack trace or a silently ignored key.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, ConfigFileError } from "../../core/config/errors";
import { loadConfigValues } from "../../core/render/project-files";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";
import { renderConfigError } from "../helpers/plan";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A config directory: the fixtures with one file's text changed. */
function withEdit(file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-files-"));
  dirs.push(dir);
  for (const f of fs.readdirSync(FIXTURE_CONFIG_DIR)) fs.copyFileSync(path.join(FIXTURE_CONFIG_DIR, f), path.join(dir, f));
  const target = path.join(dir, file);
  const before = fs.readFileSync(target, "utf8");
  const after = edit(before);
  expect(after, "the edit changed nothing").not.toBe(before);
  fs.writeFileSync(target, after);
  return dir;
}

function fileError(stack: string, dir: string): ConfigFileError {
  try {
    loadConfigValues(stack, dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return err as ConfigFileError;
  }
  throw new Error("expected a config file error");
}

/** The line number of the first line containing `needle` in a fixture file, after the edit. */
function lineOf(dir: string, file: string, needle: string): number {
  return fs.readFileSync(path.join(dir, file), "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("YAML mistakes", () => {
  it("a missing bracket names the file and line", () => {
    const dir = withEdit("Pulumi.platform.yaml", (t) => t.replace("blocks: [10.10.0.200/29]", "blocks: [10.10.0.200/29"));
    const err = fileError("platform", dir);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.file).toBe("Pulumi.platform.yaml");
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(lineOf(dir, "Pulumi.platform.yaml", "blocks: [10.10.0.200/29"));
    expect(err.message).toMatch(/^Invalid config file \(1 problem\):\n {2}- Pulumi\.platform\.yaml:\d+:\d+: YAML syntax: /);
  });

  it("a number JSON cannot carry (1e309, .inf, .nan) is named with its line, not turned into null", () => {
    for (const [text, reads] of [["1e309", "Infinity"], [".inf", "Infinity"], ["-.inf", "-Infinity"], [".nan", "NaN"]] as const) {
      const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("    insecure: false\n", `    insecure: false\n    retries: [1, ${text}]\n`));
      const err = fileError("talos", dir);
      expect(err.problems, text).toHaveLength(1);
      expect(err.problems[0]).toMatchObject({ file: "Pulumi.talos.yaml", line: lineOf(dir, "Pulumi.talos.yaml", `retries: [1, ${text}]`) });
      expect(err.problems[0]!.message).toContain(`homelab:proxmox: ${text} is not a finite number (YAML reads it as ${reads})`);
      expect(err.message).not.toContain("null");
    }
  });

  it("a tab in the indentation says so, with its line", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("    insecure: false\n", "\tinsecure: false\n"));
    const err = fileError("talos", dir);
    expect(err.problems[0]).toMatchObject({ file: "Pulumi.talos.yaml", line: lineOf(dir, "Pulumi.talos.yaml", "\tinsecure"), column: 1 });
    expect(err.problems[0]!.message).toMatch(/tab/);
  });

  it("a duplicate key is refused (Pulumi refuses the file too), at the second occurrence", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("    insecure: false\n", "    insecure: false\n    insecure: true\n"));
    const err = fileError("talos", dir);
    expect(err.problems).toEqual([
      { file: "Pulumi.talos.yaml", line: lineOf(dir, "Pulumi.talos.yaml", "insecure: true"), column: 5, message: expect.stringMatching(/^duplicate key/) },
    ]);
  });

  it("an alias bomb is refused quickly, not expanded", () => {
    const bomb = ["  homelab:bomb:", '    a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`    ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(",")}]`);
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("config:\n", `config:\n${bomb.join("\n")}\n`));
    const err = fileError("talos", dir);
    expect(err.problems[0]!.message).toMatch(/alias/i);
    expect(err.message.length).toBeLessThan(2000);
  });
});

describe("keys Pulumi or this program would misread", () => {
  it("a project-level key repeated in a stack file is refused, not a silent override", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("config:\n", "config:\n  homelab:domain: other.example.com\n"));
    const err = fileError("talos", dir);
    expect(err.problems).toEqual([
      { file: "Pulumi.talos.yaml", line: lineOf(dir, "Pulumi.talos.yaml", "homelab:domain"), column: 3, message: expect.stringContaining("homelab:domain is project-level config") },
    ]);
  });

  it("a stack key without a namespace is refused as Pulumi refuses it", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("  homelab:proxmox:\n", "  proxmox:\n"));
    expect(fileError("talos", dir).message).toContain('"proxmox" has no namespace; write homelab:proxmox');
  });

  it("an object in Pulumi.yaml outside `value:` is refused (Pulumi would read a type declaration)", () => {
    const dir = withEdit("Pulumi.yaml", (t) => t.replace("  homelab:edge:\n    value:\n      auth: auth\n", "  homelab:edge:\n      auth: auth\n"));
    expect(fileError("talos", dir).message).toContain("homelab:edge: an object in Pulumi.yaml goes under `value:`");
  });

  it("an unknown top-level key of a stack file is named, with the likely one", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("config:\n", "confg:\n"));
    expect(fileError("talos", dir).message).toContain('unknown top-level key "confg" (did you mean "config"?)');
  });

  it("accepts the old <namespace>:config:<name> spelling Pulumi still reads", () => {
    const dir = withEdit("Pulumi.talos.yaml", (t) => t.replace("  homelab:proxmox:\n", "  homelab:config:proxmox:\n"));
    expect(loadConfigValues("talos", dir)["homelab:proxmox"]).toMatchObject({ tokenId: "pulumi@pve!homelab" });
  });

  it("a misspelt namespace, a dotted key and a near-miss key are listed in one config error with what to do", async () => {
    const err = await renderConfigError("talos", {
      config: (c) => {
        c["talos.version"] = "v1.13.9";
        c.proxmox.insecur = true;
        c.nodes[4].memroy = 4096;
        return c;
      },
    });
    expect(err.message).toContain("homelab:talos.version: a key with a dot in its name");
    expect(err.message).toContain("pulumi config set --path 'homelab:talos.version' <value>");
    expect(err.message).toContain('homelab:proxmox.insecur: unknown key (did you mean "insecure"?)');
    expect(err.message).toContain('homelab:nodes[4].memroy: unknown key (did you mean "memory"?)');
    // The list item is named, not only counted.
    expect(err.message).toMatch(/homelab:nodes\[4\]\.memroy: .* \(in "k8s-worker-2"\)/);
  });

  it("a misspelt namespace is named with the key it probably meant", async () => {
    const { loadStack, validateConfig } = await import("../../core/main");
    const { loadRawConfig } = await import("../../core/render/project-files");
    const raw = { ...loadRawConfig("hetzner", FIXTURE_CONFIG_DIR), "homleab:domain": "x.example.com", "proxmoxve:endpoint": "https://pve:8006" };
    const def = await loadStack("hetzner");
    let err: unknown;
    try {
      validateConfig(def, raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('homleab:domain: unknown namespace "homleab" (did you mean "homelab:domain"?)');
    expect((err as ConfigError).message).not.toContain("proxmoxve");
  });

  it("a megabyte value is shortened in the message", async () => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.domain = "x".repeat(1_000_000)) });
    expect(err.message.length).toBeLessThan(2000);
    expect(err.message).toMatch(/characters\)/);
  });
});

describe("npm run render on a broken file", () => {
  it("exits 1 with the file and line, no stack trace", () => {
    const dir = withEdit("Pulumi.yaml", (t) => t.replace("homelab:domain: lab.example.com", "homelab:domain: [lab.example.com"));
    // node with tsx's loader: what `npm run render` runs, without the tsx CLI's relay process.
    const r = spawnSync(process.execPath, ["--import", "tsx", "core/render/cli.ts", "cloudflare"], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
      env: { ...process.env, HOMELAB_CONFIG_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Invalid config file \(1 problem\):\n {2}- Pulumi\.yaml:\d+:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at |a bug/);
  });
});
