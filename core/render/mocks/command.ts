/**
 * @pulumi/command answers: a command "ran" with empty output, a copy
 * succeeded. Ids are stable per logical name.
 */
import { stableHex, type ProviderMocks } from "./types";

export const commandMocks: ProviderMocks = {
  resources: {
    "command:remote:Command": (args) => ({ id: `${args.name}-${stableHex(args.name, 8)}`, state: { stdout: "", stderr: "" } }),
    "command:remote:CopyToRemote": (args) => ({ id: `${args.name}-${stableHex(args.name, 8)}` }),
    // A local command (the talos stack's upgrade steps) ran and printed nothing.
    "command:local:Command": (args) => ({ id: `${args.name}-${stableHex(args.name, 8)}`, state: { stdout: "", stderr: "" } }),
  },
  invokes: {},
};
