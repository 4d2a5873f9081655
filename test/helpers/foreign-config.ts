/**
 * A user's config that shares nothing incidental with the example: its own
 * domain, one more worker, stack references under another organisation and
 * with other stack names. Written as files (a root the render reads), made
 * from the fixtures by the edits a user would make in an editor.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FIXTURE_CONFIG_DIR } from "./fixtures";

export const FOREIGN = {
  domain: "castle.example.net",
  stackRefs: { talos: "jo/castle/talos-prod", hetzner: "jo/castle/edge-prod" },
  extraWorker: "k8s-worker-3",
} as const;

/** File name → text of the foreign config. */
export function foreignConfigFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of fs.readdirSync(FIXTURE_CONFIG_DIR).filter((f) => /^Pulumi(\.\w+)?\.yaml$/.test(f))) {
    let text = fs.readFileSync(path.join(FIXTURE_CONFIG_DIR, file), "utf8");
    text = text.split("lab.example.com").join(FOREIGN.domain);
    if (file === "Pulumi.yaml") {
      text = edit(text, "talos: example-org/homelab/talos", `talos: ${FOREIGN.stackRefs.talos}`);
      text = edit(text, "hetzner: example-org/homelab/hetzner", `hetzner: ${FOREIGN.stackRefs.hetzner}`);
      const worker2 = text.split("\n").find((l) => l.includes("name: k8s-worker-2"))!;
      const worker3 = worker2
        .replace("name: k8s-worker-2", `name: ${FOREIGN.extraWorker}`)
        .replace("host: pve2", "host: pve3")
        .replace("vmId: 1202", "vmId: 1203")
        .replace("ip: 10.10.0.22", "ip: 10.10.0.23")
        .replace("zone: pve2", "zone: pve3");
      text = edit(text, worker2, `${worker2}\n${worker3}`);
    }
    out[file] = text;
  }
  return out;
}

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`foreign config: the fixtures no longer contain "${from}"; update test/helpers/foreign-config.ts`);
  return text.split(from).join(to);
}

/** Writes the foreign config into a new temporary directory and returns it. */
export function writeForeignConfig(dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-foreign-"))): string {
  for (const [file, text] of Object.entries(foreignConfigFiles())) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}
