// `just doctor` on a machine we control: PATH holds only stand-ins for the
// tools we say are installed, so what it reports as missing is exactly what
// we left out.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const bash = spawnSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).stdout.trim();

// What each real tool prints for its version command (first lines only).
const VERSIONS: Record<string, string> = {
  node: "v22.12.0",
  npm: "10.8.2",
  pulumi: "v3.215.0",
  sops: "sops 3.10.2",
  age: "v1.2.1",
  talosctl: "Client:\nTalos v1.13.9",
  kubectl: "Client Version: v1.35.4\nKustomize Version: v5.7.1",
  jq: "jq-1.7.1",
  shellcheck: "ShellCheck - shell script analysis tool\nversion: 0.10.0",
};
const REQUIRED = ["node", "npm", "pulumi", "sops", "age", "talosctl", "kubectl", "jq"];

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** Runs scripts/doctor.sh (or a copy of it elsewhere) with PATH = a dir holding only the named tools. */
function doctor(tools: string[], script = path.join(root, "scripts", "doctor.sh"), versions: Record<string, string> = {}) {
  dir = mkdtempSync(path.join(tmpdir(), "doctor-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  for (const tool of tools) {
    const file = path.join(bin, tool);
    writeFileSync(file, `#!${bash}\nprintf '%b\\n' ${JSON.stringify(versions[tool] ?? VERSIONS[tool])}\n`);
    chmodSync(file, 0o755);
  }
  const r = spawnSync(bash, [script], { encoding: "utf8", env: { PATH: bin, HOME: dir } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe("just doctor", () => {
  it("with everything installed lists each tool with its version and exits 0", () => {
    const r = doctor(Object.keys(VERSIONS));
    expect(r.status, r.err).toBe(0);
    const line = (tool: string) => r.out.split("\n").find((l) => l.trim().split(/\s+/)[1] === tool);
    expect(line("pulumi")).toMatch(/^\s+ok\s+pulumi\s+v3\.215\.0$/);
    expect(line("sops")).toMatch(/ok\s+sops\s+3\.10\.2$/);
    expect(line("talosctl")).toMatch(/ok\s+talosctl\s+v1\.13\.9$/);
    expect(line("kubectl")).toMatch(/ok\s+kubectl\s+v1\.35\.4$/);
    expect(line("jq")).toMatch(/ok\s+jq\s+1\.7\.1$/);
    expect(r.out).toContain("All required tools found.");
  });

  it("names each missing required tool with how to install it, on one line, and exits 1", () => {
    const r = doctor(Object.keys(VERSIONS).filter((t) => t !== "talosctl" && t !== "sops"));
    expect(r.status).toBe(1);
    const missing = r.out.split("\n").filter((l) => l.trim().startsWith("missing"));
    expect(missing.map((l) => l.trim().split(/\s+/)[1])).toEqual(["sops", "talosctl"]);
    expect(missing.find((l) => l.includes("talosctl"))).toContain("install: curl -sL https://talos.dev/install | sh");
    expect(missing.find((l) => l.includes("sops"))).toContain("https://github.com/getsops/sops/releases");
    expect(r.err).toContain("2 required tool(s) missing");
  });

  it("checks every tool the stacks need, and does not fail for a missing optional one", () => {
    const bare = doctor([]);
    expect(bare.status).toBe(1);
    const missing = bare.out.split("\n").filter((l) => l.trim().startsWith("missing")).map((l) => l.trim().split(/\s+/)[1]);
    expect(missing).toEqual(REQUIRED);
    const r = doctor(REQUIRED);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/absent\s+shellcheck .*\(optional\)/);
  });

  it("checks the policy pack's packages in the repository's node_modules", () => {
    const installed = doctor(Object.keys(VERSIONS));
    for (const pkg of ["@pulumi/policy", "ts-node", "typescript"]) expect(installed.out).toMatch(new RegExp(`^\\s+ok\\s+${pkg.replace("/", "\\/")}$`, "m"));
    // A clone without npm install: the same script in a folder with no node_modules.
    const clone = mkdtempSync(path.join(tmpdir(), "doctor-clone-"));
    try {
      mkdirSync(path.join(clone, "scripts"));
      copyFileSync(path.join(root, "scripts", "doctor.sh"), path.join(clone, "scripts", "doctor.sh"));
      const r = doctor(Object.keys(VERSIONS), path.join(clone, "scripts", "doctor.sh"));
      expect(r.status).toBe(1);
      const missing = r.out.split("\n").filter((l) => l.trim().startsWith("missing"));
      expect(missing.map((l) => l.trim().split(/\s+/)[1])).toEqual(["@pulumi/policy", "ts-node", "typescript"]);
      expect(missing[0]).toContain("install: npm install");
      expect(r.err).toContain("3 required tool(s) missing");
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("is wired as the doctor recipe", () => {
    const r = spawnSync(path.join(root, "node_modules", ".bin", "just"), ["--dry-run", "doctor"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr.trim()).toBe("bash scripts/doctor.sh");
  });

  it("refuses tools older than a real run needs: Pulumi 3.214 (packages with pluginDownloadURL), Node 22 LTS, sops 3.9", () => {
    const r = doctor(Object.keys(VERSIONS), undefined, { pulumi: "v3.213.0", node: "v20.19.0", sops: "sops 3.8.1" });
    expect(r.status).toBe(1);
    const old = r.out.split("\n").filter((l) => l.trim().startsWith("old")).map((l) => l.trim().split(/\s+/).slice(0, 3).join(" "));
    expect(old).toEqual(["old node v20.19.0,", "old pulumi v3.213.0,", "old sops 3.8.1,"]);
    expect(r.out).toMatch(/old\s+pulumi\s+v3\.213\.0, need 3\.214\.0 or newer/);
    expect(r.err).toContain("3 required tool(s) missing or too old");
  });

  it("says what the secrets setup still needs: the age key, the recipient in .sops.yaml, the encrypted file", () => {
    const r = doctor(Object.keys(VERSIONS));
    const todo = r.out.split("\n").filter((l) => l.trim().startsWith("todo"));
    // HOME is an empty temp dir: no key; the repository's .sops.yaml holds the example recipient.
    expect(todo.some((l) => /age key\s+none at .*\.config\/sops\/age\/keys\.txt; run: just init/.test(l))).toBe(true);
    expect(todo.some((l) => /recipient\s+\.sops\.yaml still encrypts for the example key/.test(l))).toBe(true);
  });
});
