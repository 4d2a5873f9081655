/**
 * A lockdown for the duration of a render: every way out of the process that
 * the program must not use (docs/architecture.md#authentik, docs/render.md and the rules of the road) is
 * replaced by a function that records the attempt and throws.
 *
 *  - network: net sockets, TLS, DNS, http/https requests, fetch
 *  - side effects: child processes, file writes
 *
 * Node's ESM view of the built-ins is re-synced after patching, so code that
 * imported `{ request } from "node:https"` sees the patched function too.
 */
import { syncBuiltinESMExports } from "node:module";

// The CommonJS module objects: mutable, unlike ESM namespace objects, and the
// source that syncBuiltinESMExports copies into the ESM view.
/* eslint-disable @typescript-eslint/no-require-imports */
const childProcess = require("node:child_process") as typeof import("node:child_process");
const dns = require("node:dns") as typeof import("node:dns");
const fs = require("node:fs") as typeof import("node:fs");
const http = require("node:http") as typeof import("node:http");
const https = require("node:https") as typeof import("node:https");
const net = require("node:net") as typeof import("node:net");
const tls = require("node:tls") as typeof import("node:tls");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Attempt {
  readonly kind: "network" | "process" | "file";
  readonly what: string;
  /** The first stack frames outside node internals and this file: who tried. */
  readonly where: string;
}

export interface Lockdown {
  readonly attempts: Attempt[];
  restore(): void;
}

type AnyFn = (...args: any[]) => any;

function describeArgs(args: unknown[]): string {
  return args
    .slice(0, 2)
    .map((a) => {
      if (typeof a === "string") return JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…` : a);
      if (a instanceof URL) return a.href;
      if (a && typeof a === "object") {
        const o = a as Record<string, unknown>;
        const target = o["href"] ?? o["host"] ?? o["hostname"] ?? o["path"] ?? o["port"] ?? o["url"];
        return target !== undefined ? JSON.stringify(String(target)) : "{…}";
      }
      return typeof a === "function" ? "<callback>" : String(a);
    })
    .join(", ");
}

function caller(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  return frames
    .map((f) => f.trim().replace(/^at /, ""))
    .filter((f) => !f.includes("node:") && !f.includes("/lib/lockdown.ts"))
    .slice(0, 3)
    .join(" ← ");
}

/**
 * Patches the listed functions until `restore()`. While locked down, each
 * call is recorded in `attempts` and throws, so a program that tries to reach
 * out fails loudly instead of hanging or succeeding by accident.
 */
export function lockDown(): Lockdown {
  const attempts: Attempt[] = [];
  const restores: Array<() => void> = [];

  const patch = (kind: Attempt["kind"], owner: object, name: string, label: string) => {
    const target = owner as Record<string, unknown>;
    const original = target[name];
    if (typeof original !== "function") return;
    const replacement: AnyFn = function (this: unknown, ...args: unknown[]) {
      const attempt = { kind, what: `${label}(${describeArgs(args)})`, where: caller() };
      attempts.push(attempt);
      throw new Error(`${kind} access denied while rendering: ${attempt.what}`);
    };
    target[name] = replacement;
    restores.push(() => {
      target[name] = original;
    });
  };

  // Network.
  patch("network", net.Socket.prototype, "connect", "net.Socket#connect");
  patch("network", net, "connect", "net.connect");
  patch("network", net, "createConnection", "net.createConnection");
  patch("network", tls, "connect", "tls.connect");
  for (const fn of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny", "resolveSrv", "resolveTxt"]) {
    patch("network", dns, fn, `dns.${fn}`);
    patch("network", dns.promises, fn, `dns.promises.${fn}`);
  }
  for (const [mod, label] of [[http, "http"], [https, "https"]] as const) {
    patch("network", mod, "request", `${label}.request`);
    patch("network", mod, "get", `${label}.get`);
  }
  patch("network", globalThis, "fetch", "fetch");

  // Child processes.
  for (const fn of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"])
    patch("process", childProcess, fn, `child_process.${fn}`);

  // Files written (reading committed files next to the code is fine).
  for (const fn of ["writeFile", "writeFileSync", "appendFile", "appendFileSync", "createWriteStream", "mkdir", "mkdirSync", "rm", "rmSync", "unlink", "unlinkSync", "rename", "renameSync", "copyFile", "copyFileSync"])
    patch("file", fs, fn, `fs.${fn}`);
  for (const fn of ["writeFile", "appendFile", "mkdir", "rm", "unlink", "rename", "copyFile"])
    patch("file", fs.promises, fn, `fs.promises.${fn}`);

  syncBuiltinESMExports();
  return {
    attempts,
    restore() {
      for (const undo of restores.reverse()) undo();
      restores.length = 0;
      syncBuiltinESMExports();
    },
  };
}
