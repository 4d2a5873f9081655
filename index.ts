/**
 * Pulumi entry point. The stack name selects the program: `talos`,
 * `platform`, `hetzner`, `authentik` or `cloudflare` (core/stacks.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./core/main";

export = async () => runProgram(pulumi.getStack());
