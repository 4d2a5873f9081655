/**
 * The bifrost bundle: every file that goes to the VPS, rendered from typed
 * config in memory. Pure and deterministic (same config → same bytes), so its
 * hash can drive the bootstrap trigger and tests can read every file.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { compareText } from "../../compare";
import { buildCompose, mountedConfigFiles, NETBIRD_CONFIG_PATH, startStages } from "./compose";
import { buildGatusConfig } from "./gatus";
import { STATE_DIRS, STATE_MOUNT, type BundleConfig } from "./model";
import { buildNetbirdConfig, NETBIRD_TEMPLATE_PATH, NETBIRD_TEMPLATE_VARS } from "./netbird";
import { buildLanPath, LAN_PATH_FILE, LAN_RECONCILER_FILE } from "./netbird-lan";
import { formatEnvFile, LOCAL_SECRET_FILES, secretEnvFiles, type SecretEnvFile } from "./secret-env";
import { buildTraefikDynamic, buildTraefikStatic } from "./traefik";

export { secretEnvFiles, formatEnvFile, LOCAL_SECRET_FILES, GENERATED_SECRETS, isGeneratedSecret, type BundleSecret, type GeneratedSecret, type SecretEnvFile } from "./secret-env";
export { edgeHosts, publicRoutes, servedHostnames, SERVICE, STATE_DIRS, STATE_MOUNT, statePath, type BundleConfig } from "./model";

export interface BundleFile {
  /** Path relative to the bundle directory. */
  readonly path: string;
  readonly content: string;
}

export interface Bundle {
  readonly files: BundleFile[];
  /** Secret env files the VPS needs next to the bundle (written separately, never rendered here). */
  readonly secretFiles: SecretEnvFile[];
  /** sha256 over every file's path and content. */
  readonly hash: string;
}

/** bootstrap.sh and netbird-lan.py ship as the real files next to this module. */
export const BOOTSTRAP_SCRIPT = readFileSync(path.join(__dirname, "bootstrap.sh"), "utf8");
export const NETBIRD_LAN_SCRIPT = readFileSync(path.join(__dirname, "netbird-lan.py"), "utf8");

// No anchors/aliases: every consumer (compose, Traefik, Gatus) gets plain,
// diff-friendly YAML even where the builders share an object.
const yaml = (doc: unknown) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });

export function renderBundle(c: BundleConfig): Bundle {
  const secretFiles = secretEnvFiles();
  const compose = buildCompose(c);
  const files: BundleFile[] = [
    { path: "compose.yaml", content: yaml(compose) },
    { path: "traefik/traefik.yaml", content: yaml(buildTraefikStatic(c)) },
    { path: "traefik/dynamic/bifrost.yaml", content: yaml(buildTraefikDynamic(c)) },
    {
      path: NETBIRD_TEMPLATE_PATH,
      // Double-quoted strings, so the secrets bootstrap.sh substitutes for the
      // placeholders stay strings whatever characters they hold.
      content: stringify(buildNetbirdConfig(c), { lineWidth: 0, aliasDuplicateObjects: false, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
    },
    { path: "gatus/config.yaml", content: yaml(buildGatusConfig(c)) },
    // What netbird-lan.py makes NetBird hold: no secrets, only names and addresses.
    { path: LAN_PATH_FILE, content: `${JSON.stringify(buildLanPath(c), null, 2)}\n` },
    { path: LAN_RECONCILER_FILE, content: NETBIRD_LAN_SCRIPT },
    {
      // Settings for bootstrap.sh, sourced by bash: no secrets, only names.
      path: "bootstrap.env",
      content: formatEnvFile({
        BIFROST_STAGES: startStages(c).map((stage) => stage.join(" ")).join(";"),
        BIFROST_SECRET_FILES: secretFiles.map((f) => f.file).join(" "),
        BIFROST_LOCAL_SECRET_FILES: Object.values(LOCAL_SECRET_FILES).join(" "),
        BIFROST_NETBIRD_LAN: LAN_PATH_FILE,
        BIFROST_NETBIRD_RECONCILER: LAN_RECONCILER_FILE,
        BIFROST_NETBIRD_API_DIR: STATE_DIRS.netbirdApi.path,
        BIFROST_NETBIRD_AGENT_ENV: c.netbird.agent ? LOCAL_SECRET_FILES.netbirdAgent : "",
        BIFROST_HEALTH_TIMEOUT: String(c.bifrost.healthTimeoutSeconds),
        BIFROST_NETBIRD_TEMPLATE: NETBIRD_TEMPLATE_PATH,
        BIFROST_NETBIRD_CONFIG: NETBIRD_CONFIG_PATH,
        BIFROST_NETBIRD_VARS: NETBIRD_TEMPLATE_VARS.join(" "),
        BIFROST_RESTART_ON: mountedConfigFiles(compose).map((m) => `${m.service}=${m.file}`).join(";"),
        BIFROST_STATE_MOUNT: STATE_MOUNT,
        BIFROST_STATE_DIRS: Object.values(STATE_DIRS).map((d) => `${d.path}:${d.owner}:${d.mode}`).join(" "),
        BIFROST_DUMP_CALENDAR: c.bifrost.databaseDumps.onCalendar,
        BIFROST_DUMP_KEEP: String(c.bifrost.databaseDumps.keep),
      }),
    },
    { path: "bootstrap.sh", content: BOOTSTRAP_SCRIPT },
  ];
  return { files, secretFiles, hash: hashFiles(files) };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function hashFiles(files: readonly BundleFile[]): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => compareText(a.path, b.path))) h.update(`${f.path}\0${f.content}\0`);
  return h.digest("hex");
}
