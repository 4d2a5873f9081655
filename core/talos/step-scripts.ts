/**
 * The commands the talos stack's local steps run: a script from ./scripts
 * preceded by the helpers they share (scripts/lib.sh: the private work dir,
 * the polling loop, the etcd gate). The whole text is the Command's `create`,
 * so what Pulumi stores and later runs on the laptop reads no file from the
 * repo.
 *
 * That text is an input of the step: any change to it (to lib.sh too) makes
 * the next `up` update the step, which runs it again. The upgrade, reboot and
 * readiness scripts first read what the cluster runs and do nothing on an
 * unchanged one; the Kubernetes step's `update` always runs upgrade-k8s, so
 * its script stays on its own (core/talos/upgrades.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const scriptText = (file: string) => readFileSync(path.join(__dirname, "scripts", file), "utf8");

/** The shared helpers: definitions only, nothing runs until a script calls one. */
export const STEP_LIBRARY = scriptText("lib.sh");

/** A script from ./scripts as a self-contained command: the helpers, then the script. */
export function stepScript(file: string): string {
  return `${STEP_LIBRARY}\n${scriptText(file)}`;
}
