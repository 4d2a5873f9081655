/**
 * core/hetzner/bundle/netbird-lan.py against a fake NetBird management API.
 *
 * The fake keeps its objects in memory, checks auth the way NetBird does
 * (`Authorization: Token <pat>`, management/server/http/middleware/
 * auth_middleware.go; /api/instance and /api/setup are open), answers a
 * second setup with 412, and checks every request body against the required
 * fields and enums of netbirdio/netbird's OpenAPI spec
 * (shared/management/http/api/openapi.yml, schema named at each check) and
 * the handler rules the spec does not say. A body that breaks one is
 * refused with 400 and recorded; every run asserts there were none, and that
 * no password, token or setup key reached the script's output.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import hetzner from "../../core/hetzner";
import { renderBundle } from "../../core/hetzner/bundle";
import { LAN_PATH_FILE, SETUP_KEYS } from "../../core/hetzner/bundle/netbird-lan";
import { validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig } from "../helpers/plan";

const SCRIPT = path.resolve(__dirname, "../../core/hetzner/bundle/netbird-lan.py");
const hasPython = spawnSync("python3", ["--version"]).status === 0;

const OWNER_PASSWORD = "canaryOwnerPass-9d2c";
const OWNER = { email: "owner@example.org", name: "Homelab Owner" };
const DAY_MS = 86_400_000;

type Json = any;

interface Call {
  method: string;
  path: string;
  body: Json;
}

interface Token {
  id: string;
  name: string;
  plain: string;
  userId: string;
  expires: Date;
  createdAt: Date;
}

interface SetupKey {
  id: string;
  name: string;
  plain: string;
  type: string;
  expiresAt?: Date;
  autoGroups: string[];
  usageLimit: number;
  ephemeral: boolean;
  revoked: boolean;
}

interface PolicyRule {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  action: string;
  bidirectional: boolean;
  protocol: string;
  ports: string[];
  sources: string[];
  destinations: string[];
  destinationResource?: { id: string; type: string };
}

interface Policy {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  rules: PolicyRule[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The management API of netbirdio/netbird-server 0.79 as far as the script uses it. */
class FakeNetbird {
  setupRequired = true;
  /** The server runs with NB_SETUP_PAT_ENABLED=true (management/server/instance/setup_service.go). */
  patEnabled = true;
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  owner?: { id: string; email: string; name: string };
  /** The owner's password in the embedded IdP. */
  ownerPassword = OWNER_PASSWORD;
  tokens: Token[] = [];
  groups: { id: string; name: string }[] = [];
  setupKeys: SetupKey[] = [];
  networks: { id: string; name: string; description: string }[] = [];
  resources: { id: string; networkId: string; name: string; description: string; address: string; type: string; enabled: boolean; groups: string[] }[] = [];
  routers: { id: string; networkId: string; peer?: string; peerGroups: string[]; metric: number; masquerade: boolean; enabled: boolean }[] = [];
  policies: Policy[] = [];
  private counter = 0;
  private server?: Server;

  /** An instance whose owner exists already (set up earlier), with a token of the given lifetime. */
  seedOwner(tokenDays = 365): Token {
    this.createAccount(OWNER.email, OWNER.name);
    return this.issueToken("dashboard-token", tokenDays);
  }

  secrets(): string[] {
    return [...this.tokens.map((t) => t.plain), ...this.setupKeys.map((k) => k.plain)];
  }

  mutating(): Call[] {
    return this.calls.filter((c) => c.method !== "GET");
  }

  group(name: string) {
    const found = this.groups.filter((g) => g.name === name);
    expect(found, `one group ${name}`).toHaveLength(1);
    return found[0]!;
  }

  validKeys(name: string) {
    return this.setupKeys.filter((k) => k.name === name && !k.revoked);
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private id(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  private createAccount(email: string, name: string) {
    this.owner = { id: this.id("user"), email, name };
    this.setupRequired = false;
    // A new account has the "All" group and the "Default" policy (All <-> All).
    const all = { id: this.id("group"), name: "All" };
    this.groups.push(all);
    this.policies.push({
      id: this.id("policy"),
      name: "Default",
      description: "This is a default rule that allows connections between all the resources",
      enabled: true,
      rules: [
        { id: this.id("rule"), name: "Default", description: "", enabled: true, action: "accept", bidirectional: true, protocol: "all", ports: [], sources: [all.id], destinations: [all.id] },
      ],
    });
  }

  private issueToken(name: string, days: number): Token {
    const token = {
      id: this.id("token"),
      name,
      plain: `nbp_canaryToken${this.counter}${randomUUID().replace(/-/g, "")}`,
      userId: this.owner!.id,
      expires: new Date(Date.now() + days * DAY_MS),
      createdAt: new Date(),
    };
    this.tokens.push(token);
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const call: Call = { method: req.method ?? "GET", path: url.pathname, body: text ? JSON.parse(text) : undefined };
    this.calls.push(call);
    try {
      const open = call.path === "/api/instance" || call.path === "/api/setup";
      if (!open) this.authenticate(req.headers.authorization);
      const result = this.route(call);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(result ?? {}));
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      if (e.status === 400) this.violations.push(`${call.method} ${call.path}: ${e.message}`);
      res.writeHead(e.status, { "content-type": "application/json" });
      // util.WriteError's ErrorResponse: {message, code}.
      res.end(JSON.stringify({ message: e.message, code: e.status }));
    }
  }

  /** auth_middleware.go: "Token <pat>", a known token that has not expired. */
  private authenticate(header: string | undefined) {
    const match = /^Token (\S+)$/.exec(header ?? "");
    const token = match && this.tokens.find((t) => t.plain === match[1] && t.expires.getTime() > Date.now());
    if (!token) throw new HttpError(401, "token invalid");
  }

  private route(c: Call): Json {
    const p = c.path.split("/").slice(2); // ["networks", id, "resources", ...]
    const key = c.path === "/api/users/current" ? "GET /users/current" : `${c.method} /${p.map((s, i) => (i % 2 === 1 ? ":id" : s)).join("/")}`;
    switch (key) {
      case "GET /instance":
        return { setup_required: this.setupRequired }; // InstanceStatus
      case "POST /setup":
        return this.setup(c.body);
      case "GET /users/current":
        return this.user();
      case "PUT /users/:id/password":
        return this.changePassword(p[1]!, c.body);
      case "GET /users/:id/tokens":
        return this.tokens.filter((t) => t.userId === p[1]).map(tokenView);
      case "POST /users/:id/tokens":
        return this.createToken(c.body);
      case "DELETE /users/:id/tokens/:id":
        return this.remove(this.tokens, p[3]!, (t) => (this.tokens = t));
      case "GET /groups":
        return this.groups.map((g) => this.groupView(g.id));
      case "POST /groups":
        return this.createGroup(c.body);
      case "GET /setup-keys":
        return this.setupKeys.map((k) => setupKeyView(k));
      case "POST /setup-keys":
        return this.createSetupKey(c.body);
      case "PUT /setup-keys/:id":
        return this.updateSetupKey(p[1]!, c.body);
      case "GET /networks":
        return this.networks.map((n) => this.networkView(n.id));
      case "POST /networks":
        return this.saveNetwork(undefined, c.body);
      case "PUT /networks/:id":
        return this.saveNetwork(this.find(this.networks, p[1]!), c.body);
      case "DELETE /networks/:id":
        // Its resources and routers go with it (networks/manager.go DeleteNetwork).
        this.resources = this.resources.filter((r) => r.networkId !== p[1]);
        this.routers = this.routers.filter((r) => r.networkId !== p[1]);
        return this.remove(this.networks, p[1]!, (n) => (this.networks = n));
      case "GET /networks/:id/resources":
        this.find(this.networks, p[1]!);
        return this.resources.filter((r) => r.networkId === p[1]).map((r) => this.resourceView(r));
      case "POST /networks/:id/resources":
        return this.saveResource(p[1]!, undefined, c.body);
      case "PUT /networks/:id/resources/:id":
        return this.saveResource(p[1]!, p[3], c.body);
      case "DELETE /networks/:id/resources/:id":
        return this.remove(this.resources, p[3]!, (r) => (this.resources = r));
      case "GET /networks/:id/routers":
        this.find(this.networks, p[1]!);
        return this.routers.filter((r) => r.networkId === p[1]).map(routerView);
      case "POST /networks/:id/routers":
        return this.saveRouter(p[1]!, undefined, c.body);
      case "PUT /networks/:id/routers/:id":
        return this.saveRouter(p[1]!, p[3], c.body);
      case "DELETE /networks/:id/routers/:id":
        return this.remove(this.routers, p[3]!, (r) => (this.routers = r));
      case "GET /policies":
        return this.policies.map((x) => this.policyView(x));
      case "POST /policies":
        return this.savePolicy(undefined, c.body, "PolicyCreate");
      case "PUT /policies/:id":
        return this.savePolicy(this.find(this.policies, p[1]!).id, c.body, "PolicyUpdate");
      case "DELETE /policies/:id":
        return this.remove(this.policies, p[1]!, (x) => (this.policies = x));
      default:
        throw new HttpError(404, `no route ${key}`);
    }
  }

  private find<T extends { id: string }>(items: T[], id: string): T {
    const found = items.find((i) => i.id === id);
    if (!found) throw new HttpError(404, `object ${id} not found`);
    return found;
  }

  private remove<T extends { id: string }>(items: T[], id: string, set: (rest: T[]) => void) {
    this.find(items, id);
    set(items.filter((i) => i.id !== id));
    return {};
  }

  /** POST /api/setup: SetupRequest -> SetupResponse; 412 once set up (instance/manager.go). */
  private setup(body: Json) {
    if (!this.setupRequired) throw new HttpError(412, "setup already completed");
    required(body, "SetupRequest", ["email", "password", "name"]);
    if (typeof body.password !== "string" || body.password.length < 8) bad("SetupRequest.password: minLength 8");
    if (body.pat_expire_in !== undefined && !intIn(body.pat_expire_in, 1, 365)) bad("SetupRequest.pat_expire_in: 1..365");
    if (body.password !== OWNER_PASSWORD) bad("not the owner password of the test");
    this.createAccount(body.email, body.name);
    this.ownerPassword = body.password;
    const response: Json = { user_id: this.owner!.id, email: body.email };
    if (this.patEnabled && body.create_pat === true) {
      response.personal_access_token = this.issueToken("setup-token", body.pat_expire_in ?? 1).plain;
    }
    return response;
  }

  /**
   * PUT /api/users/{userId}/password: PasswordChangeRequest. The embedded IdP
   * lets users change only their own password, refuses an unchanged one and
   * checks the old one (management/server/idp/embedded.go UpdateUserPassword).
   */
  private changePassword(userId: string, body: Json) {
    required(body, "PasswordChangeRequest", ["old_password", "new_password"]);
    if (userId !== this.owner!.id) throw new HttpError(403, "users can only change their own password");
    if (body.old_password === body.new_password) throw new HttpError(500, "new password must be different from current password");
    if (body.old_password !== this.ownerPassword) throw new HttpError(500, "invalid password");
    this.ownerPassword = body.new_password;
    return {};
  }

  /** User (required: id, email, name, role, auto_groups, status, is_blocked, pending_approval). */
  private user() {
    const o = this.owner!;
    return { id: o.id, email: o.email, name: o.name, role: "owner", auto_groups: [], status: "active", is_blocked: false, pending_approval: false, is_current: true, is_service_user: false };
  }

  /** POST /api/users/{userId}/tokens: PersonalAccessTokenRequest -> PersonalAccessTokenGenerated. */
  private createToken(body: Json) {
    required(body, "PersonalAccessTokenRequest", ["name", "expires_in"]);
    if (!intIn(body.expires_in, 1, 365)) bad("PersonalAccessTokenRequest.expires_in: 1..365");
    const token = this.issueToken(body.name, body.expires_in);
    return { plain_token: token.plain, personal_access_token: tokenView(token) };
  }

  /** GroupMinimum + peers/resources (Group). */
  private groupView(id: string) {
    const g = this.find(this.groups, id);
    const resources = this.resources.filter((r) => r.groups.includes(id)).map((r) => ({ id: r.id, type: r.type }));
    return { id: g.id, name: g.name, peers_count: 0, resources_count: resources.length, issued: "api", peers: [], resources };
  }

  private groupMinimum(id: string) {
    const g = this.find(this.groups, id);
    return { id: g.id, name: g.name, peers_count: 0, resources_count: 0 };
  }

  /** POST /api/groups: GroupRequest. */
  private createGroup(body: Json) {
    required(body, "GroupRequest", ["name"]);
    const group = { id: this.id("group"), name: body.name };
    this.groups.push(group);
    return this.groupView(group.id);
  }

  private checkGroups(ids: Json, where: string) {
    if (!Array.isArray(ids)) bad(`${where}: an array of group ids`);
    for (const id of ids) if (!this.groups.some((g) => g.id === id)) bad(`${where}: no group with id ${id}`);
  }

  /**
   * POST /api/setup-keys: CreateSetupKeyRequest -> SetupKeyClear. Type and
   * expires_in as setupkeys_handler.go checks them (0 is allowed: the spec's
   * minimum 86400 is not enforced, and types/setupkey.go GenerateSetupKey
   * makes such a key never expire); auto groups must exist
   * (setupkey.go validateSetupKeyAutoGroups).
   */
  private createSetupKey(body: Json) {
    required(body, "CreateSetupKeyRequest", ["name", "type", "expires_in", "auto_groups", "usage_limit"]);
    if (!["reusable", "one-off"].includes(body.type)) bad(`unknown setup key type ${body.type}`);
    if (!Number.isInteger(body.expires_in) || body.expires_in < 0) bad("expiresIn can not be in the past");
    this.checkGroups(body.auto_groups, "CreateSetupKeyRequest.auto_groups");
    const key: SetupKey = {
      id: this.id("setupkey"),
      name: body.name,
      plain: `CANARYKEY${this.counter}-${randomUUID().toUpperCase()}`,
      type: body.type,
      ...(body.expires_in ? { expiresAt: new Date(Date.now() + body.expires_in * 1000) } : {}),
      autoGroups: [...body.auto_groups],
      usageLimit: body.type === "one-off" ? 1 : body.usage_limit,
      ephemeral: body.ephemeral === true,
      revoked: false,
    };
    this.setupKeys.push(key);
    return setupKeyView(key, true);
  }

  /** PUT /api/setup-keys/{keyId}: SetupKeyRequest; a revoked key stays revoked (setupkey.go SaveSetupKey). */
  private updateSetupKey(id: string, body: Json) {
    required(body, "SetupKeyRequest", ["revoked", "auto_groups"]);
    const key = this.find(this.setupKeys, id);
    if (key.revoked && body.revoked === false) bad("can't un-revoke a revoked setup key");
    this.checkGroups(body.auto_groups, "SetupKeyRequest.auto_groups");
    key.revoked = body.revoked;
    key.autoGroups = [...body.auto_groups];
    return setupKeyView(key);
  }

  /** Network (required: id, routers, resources, routing_peers_count, policies + NetworkRequest). */
  private networkView(id: string) {
    const n = this.find(this.networks, id);
    return {
      id: n.id,
      name: n.name,
      description: n.description,
      routers: this.routers.filter((r) => r.networkId === id).map((r) => r.id),
      resources: this.resources.filter((r) => r.networkId === id).map((r) => r.id),
      routing_peers_count: 0,
      policies: [],
    };
  }

  /** POST/PUT /api/networks: NetworkRequest. */
  private saveNetwork(existing: { id: string } | undefined, body: Json) {
    required(body, "NetworkRequest", ["name"]);
    const network = { id: existing?.id ?? this.id("network"), name: body.name, description: body.description ?? "" };
    this.networks = [...this.networks.filter((n) => n.id !== network.id), network];
    return this.networkView(network.id);
  }

  /** NetworkResource: groups as GroupMinimum, address as a prefix (types/resource.go ToAPIResponse). */
  private resourceView(r: FakeNetbird["resources"][number]) {
    return { id: r.id, name: r.name, description: r.description, address: r.address, type: r.type, enabled: r.enabled, groups: r.groups.map((g) => this.groupMinimum(g)) };
  }

  /** POST/PUT /api/networks/{networkId}/resources: NetworkResourceRequest (type from the address: types/resource.go GetResourceType). */
  private saveResource(networkId: string, id: string | undefined, body: Json) {
    this.find(this.networks, networkId);
    required(body, "NetworkResourceRequest", ["name", "address", "enabled", "groups"]);
    this.checkGroups(body.groups, "NetworkResourceRequest.groups");
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(body.address);
    if (!m) bad(`invalid address ${body.address}`);
    const bits = m![2] ?? "32";
    const resource = {
      id: id ? this.find(this.resources, id).id : this.id("resource"),
      networkId,
      name: body.name,
      description: body.description ?? "",
      address: `${m![1]}/${bits}`,
      type: bits === "32" ? "host" : "subnet",
      enabled: body.enabled,
      groups: [...body.groups],
    };
    this.resources = [...this.resources.filter((r) => r.id !== resource.id), resource];
    return this.resourceView(resource);
  }

  /** POST/PUT /api/networks/{networkId}/routers: NetworkRouterRequest; peer xor peer_groups (routers/types/router.go Validate). */
  private saveRouter(networkId: string, id: string | undefined, body: Json) {
    this.find(this.networks, networkId);
    required(body, "NetworkRouterRequest", ["metric", "masquerade", "enabled"]);
    if (!intIn(body.metric, 1, 9999)) bad("NetworkRouterRequest.metric: 1..9999");
    const groups = body.peer_groups ?? [];
    if (body.peer && groups.length > 0) bad("peer and peer_groups cannot be set at the same time");
    if (!body.peer && groups.length === 0) bad("either peer or peer_groups must be provided");
    this.checkGroups(groups, "NetworkRouterRequest.peer_groups");
    const router = {
      id: id ? this.find(this.routers, id).id : this.id("router"),
      networkId,
      ...(body.peer ? { peer: body.peer } : {}),
      peerGroups: [...groups],
      metric: body.metric,
      masquerade: body.masquerade,
      enabled: body.enabled,
    };
    this.routers = [...this.routers.filter((r) => r.id !== router.id), router];
    return routerView(router);
  }

  /** Policy: rule sources/destinations as GroupMinimum (policies_handler.go toPolicyResponse: destinations null when none). */
  private policyView(x: Policy) {
    return {
      id: x.id,
      name: x.name,
      description: x.description,
      enabled: x.enabled,
      source_posture_checks: [],
      rules: x.rules.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        enabled: r.enabled,
        action: r.action,
        bidirectional: r.bidirectional,
        protocol: r.protocol,
        ...(r.ports.length ? { ports: r.ports } : {}),
        sources: r.sources.map((g) => this.groupMinimum(g)),
        destinations: r.destinations.length ? r.destinations.map((g) => this.groupMinimum(g)) : null,
        ...(r.destinationResource ? { destinationResource: r.destinationResource } : {}),
      })),
    };
  }

  /**
   * POST /api/policies (PolicyCreate), PUT /api/policies/{policyId}
   * (PolicyUpdate); rules are PolicyRuleUpdate. policies_handler.go
   * savePolicy refuses a rule with both destinations (even an empty list)
   * and destinationResource.
   */
  savePolicy(id: string | undefined, body: Json, schema: string) {
    required(body, schema, ["name", "enabled", "rules"]);
    if (!Array.isArray(body.rules) || body.rules.length === 0) bad("policy rules shouldn't be empty");
    const rules = body.rules.map((r: Json): PolicyRule => {
      required(r, "PolicyRuleUpdate", ["name", "enabled", "bidirectional", "protocol", "action"]);
      if (!["accept", "drop"].includes(r.action)) bad(`PolicyRuleMinimum.action: ${r.action}`);
      if (!["all", "tcp", "udp", "icmp", "netbird-ssh"].includes(r.protocol)) bad(`PolicyRuleMinimum.protocol: ${r.protocol}`);
      if (r.destinations !== undefined && r.destinationResource !== undefined) bad("specify either destinations or  destination resources, not both");
      if (r.sources === undefined || (r.destinations === undefined && r.destinationResource === undefined)) bad("specify either sources or source resources and destinations or destination resources");
      this.checkGroups(r.sources, "PolicyRuleUpdate.sources");
      if (r.destinations !== undefined) this.checkGroups(r.destinations, "PolicyRuleUpdate.destinations");
      if (r.destinationResource !== undefined) {
        required(r.destinationResource, "Resource", ["id", "type"]);
        if (!["host", "subnet", "domain", "peer"].includes(r.destinationResource.type)) bad(`ResourceType: ${r.destinationResource.type}`);
        const target = this.find(this.resources, r.destinationResource.id);
        if (target.type !== r.destinationResource.type) bad(`destinationResource type ${r.destinationResource.type} is not the resource's ${target.type}`);
      }
      for (const port of r.ports ?? []) if (!/^\d+$/.test(port) || !intIn(Number(port), 1, 65535)) bad("valid port value is in 1..65535 range");
      return {
        id: (id && r.id) || this.id("rule"),
        name: r.name,
        description: r.description ?? "",
        enabled: r.enabled,
        action: r.action,
        bidirectional: r.bidirectional,
        protocol: r.protocol,
        ports: [...(r.ports ?? [])],
        sources: [...r.sources],
        destinations: [...(r.destinations ?? [])],
        ...(r.destinationResource ? { destinationResource: { id: r.destinationResource.id, type: r.destinationResource.type } } : {}),
      };
    });
    const policy: Policy = { id: id ?? this.id("policy"), name: body.name, description: body.description ?? "", enabled: body.enabled, rules };
    this.policies = [...this.policies.filter((x) => x.id !== policy.id), policy];
    return this.policyView(policy);
  }
}

function bad(message: string): never {
  throw new HttpError(400, message);
}

function required(body: Json, schema: string, fields: string[]) {
  if (typeof body !== "object" || body === null) bad(`${schema}: body must be an object`);
  for (const f of fields) if (body[f] === undefined || body[f] === null) bad(`${schema}: ${f} is required`);
}

function intIn(v: unknown, min: number, max: number): boolean {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

/** PersonalAccessToken. */
function tokenView(t: Token) {
  return { id: t.id, name: t.name, expiration_date: t.expires.toISOString(), created_by: t.userId, created_at: t.createdAt.toISOString() };
}

/** SetupKey (masked: types/setupkey.go HiddenKey, five characters and stars) or SetupKeyClear. */
function setupKeyView(k: SetupKey, clear = false) {
  const expired = k.expiresAt !== undefined && k.expiresAt.getTime() < Date.now();
  return {
    id: k.id,
    key: clear ? k.plain : `${k.plain.slice(0, 5)}****`,
    name: k.name,
    expires: (k.expiresAt ?? new Date(Date.UTC(1, 0, 1))).toISOString(),
    type: k.type,
    valid: !k.revoked && !expired,
    revoked: k.revoked,
    used_times: 0,
    last_used: new Date(Date.UTC(1, 0, 1)).toISOString(),
    state: expired ? "expired" : k.revoked ? "revoked" : "valid",
    auto_groups: k.autoGroups,
    updated_at: new Date().toISOString(),
    usage_limit: k.usageLimit,
    ephemeral: k.ephemeral,
    allow_extra_dns_labels: false,
  };
}

/** NetworkRouter. */
function routerView(r: FakeNetbird["routers"][number]) {
  return { id: r.id, ...(r.peer ? { peer: r.peer } : {}), peer_groups: r.peerGroups, metric: r.metric, masquerade: r.masquerade, enabled: r.enabled };
}

// ---------------------------------------------------------------------------

function desiredState() {
  return {
    owner: OWNER,
    groups: ["homelab-edge", "homelab-lan-routers"],
    setupKeys: [
      { name: "homelab-bifrost", file: "bifrost.setup-key", type: "reusable", autoGroups: ["homelab-edge"], ephemeral: false, usageLimit: 0 },
      { name: "homelab-lan-router", file: "lan-router.setup-key", type: "reusable", autoGroups: ["homelab-lan-routers"], ephemeral: true, usageLimit: 0 },
    ],
    agentSetupKey: "homelab-bifrost" as string | null,
    network: {
      name: "homelab-lan",
      description: "The home LAN as bifrost reaches it",
      router: { peerGroups: ["homelab-lan-routers"], masquerade: true, metric: 9999 },
      resources: [{ name: "homelab-gateway", description: "The LAN Gateway", address: "192.168.1.240/32" }],
    },
    policies: [
      { name: "homelab-edge-to-gateway", description: "bifrost to the Gateway", sources: ["homelab-edge"], destinationResource: "homelab-gateway", protocol: "tcp", ports: ["443"] },
    ],
  };
}

const root = mkdtempSync(path.join(tmpdir(), "netbird-lan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fakes: FakeNetbird[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function startFake(setup?: (f: FakeNetbird) => void): Promise<FakeNetbird> {
  const fake = new FakeNetbird();
  setup?.(fake);
  fakes.push(fake);
  await fake.listen();
  return fake;
}

/** A bundle directory on the VPS: desired state, owner env, agent env, state dir (not yet created). */
function workspace(desired: Json = desiredState()) {
  const dir = mkdtempSync(path.join(root, "run-"));
  mkdirSync(path.join(dir, "secrets"), { mode: 0o700 });
  writeFileSync(path.join(dir, "secrets", "netbird-api.env"), `NETBIRD_OWNER_PASSWORD='${OWNER_PASSWORD}'\n`, { mode: 0o600 });
  const ws = {
    dir,
    desired: path.join(dir, "lan-path.json"),
    ownerEnv: path.join(dir, "secrets", "netbird-api.env"),
    agentEnv: path.join(dir, "secrets", "netbird-agent.env"),
    state: path.join(dir, "state", "netbird-api"),
    setDesired(d: Json) {
      writeFileSync(this.desired, typeof d === "string" ? d : JSON.stringify(d, null, 2));
    },
    stateFile(name: string) {
      return path.join(this.state, name);
    },
  };
  ws.setDesired(desired);
  return ws;
}
type Workspace = ReturnType<typeof workspace>;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * One run of the script against the fake. Every run checks that the fake
 * refused no request body and that no secret (owner password, any token or
 * setup key the fake issued, extra canaries) is in stdout or stderr.
 */
async function run(fake: FakeNetbird, ws: Workspace, opts: { extraArgs?: string[]; api?: string; canaries?: string[] } = {}): Promise<RunResult> {
  const args = ["--api", opts.api ?? fake.url, "--desired", ws.desired, "--state-dir", ws.state, "--owner-env", ws.ownerEnv, "--agent-env", ws.agentEnv, ...(opts.extraArgs ?? [])];
  const result = await runScript(args);
  const output = result.stdout + result.stderr;
  expect(fake.violations, "request bodies the fake refused").toEqual([]);
  for (const secret of [OWNER_PASSWORD, ...fake.secrets(), ...(opts.canaries ?? [])]) expect(output).not.toContain(secret);
  return result;
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

function callsOf(calls: Call[], method: string, pathPattern: RegExp): Call[] {
  return calls.filter((c) => c.method === method && pathPattern.test(c.path));
}

describe.skipIf(!hasPython)("netbird-lan.py (skipped only where python3 is not installed)", () => {
  it("on a fresh instance, sets NetBird up once and creates the LAN path with the right references", async () => {
    const fake = await startFake();
    const ws = workspace();
    const r = await run(fake, ws);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    // Setup once, asking for a token (SetupRequest.create_pat).
    const setups = callsOf(fake.calls, "POST", /^\/api\/setup$/);
    expect(setups).toHaveLength(1);
    expect(setups[0]!.body).toMatchObject({ email: OWNER.email, name: OWNER.name, create_pat: true, pat_expire_in: 365 });

    const edge = fake.group("homelab-edge");
    const routers = fake.group("homelab-lan-routers");
    const [bifrostKey] = fake.validKeys("homelab-bifrost");
    const [lanKey] = fake.validKeys("homelab-lan-router");
    expect(fake.setupKeys).toHaveLength(2);
    expect(bifrostKey).toMatchObject({ type: "reusable", autoGroups: [edge.id], ephemeral: false, usageLimit: 0 });
    expect(bifrostKey!.expiresAt).toBeUndefined();
    expect(lanKey).toMatchObject({ type: "reusable", autoGroups: [routers.id], ephemeral: true, usageLimit: 0 });

    expect(fake.networks).toEqual([expect.objectContaining({ name: "homelab-lan" })]);
    const network = fake.networks[0]!;
    expect(fake.routers).toEqual([{ id: expect.any(String), networkId: network.id, peerGroups: [routers.id], metric: 9999, masquerade: true, enabled: true }]);
    expect(fake.resources).toEqual([expect.objectContaining({ networkId: network.id, name: "homelab-gateway", address: "192.168.1.240/32", type: "host", enabled: true })]);
    const gateway = fake.resources[0]!;

    const policy = fake.policies.find((x) => x.name === "homelab-edge-to-gateway");
    expect(policy).toMatchObject({ enabled: true });
    expect(policy!.rules).toEqual([
      expect.objectContaining({
        action: "accept",
        bidirectional: false,
        protocol: "tcp",
        ports: ["443"],
        sources: [edge.id],
        destinations: [],
        destinationResource: { id: gateway.id, type: "host" },
      }),
    ]);
    expect(fake.policies.map((x) => x.name).sort()).toEqual(["Default", "homelab-edge-to-gateway"]);

    // State: the token and the keys in plain, 0600, in a 0700 directory.
    expect(mode(ws.state)).toBe(0o700);
    const setupToken = fake.tokens.find((t) => t.name === "setup-token")!;
    expect(readFileSync(ws.stateFile("token"), "utf8").trim()).toBe(setupToken.plain);
    expect(JSON.parse(readFileSync(ws.stateFile("token.json"), "utf8"))).toEqual({ id: setupToken.id, userId: fake.owner!.id, expires: setupToken.expires.toISOString() });
    expect(readFileSync(ws.stateFile("bifrost.setup-key"), "utf8").trim()).toBe(bifrostKey!.plain);
    expect(readFileSync(ws.stateFile("lan-router.setup-key"), "utf8").trim()).toBe(lanKey!.plain);
    const managed = JSON.parse(readFileSync(ws.stateFile("managed.json"), "utf8"));
    expect(managed.policies).toEqual([policy!.id]);
    expect(managed.resources).toEqual([gateway.id]);
    for (const f of ["token", "token.json", "bifrost.setup-key", "lan-router.setup-key", "managed.json"]) expect(mode(ws.stateFile(f)), f).toBe(0o600);

    expect(readFileSync(ws.agentEnv, "utf8")).toBe(`NB_SETUP_KEY='${bifrostKey!.plain}'\n`);
    expect(mode(ws.agentEnv)).toBe(0o600);
    expect(r.stdout.split("\n")).toContain("agent-env: changed");
    for (const line of r.stdout.trim().split("\n")) expect(line).toMatch(/^(\[netbird\] |agent-env: )/);
  });

  it("a second run with the same desired state sends no POST, PUT or DELETE and leaves the agent env alone", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const agentEnv = statSync(ws.agentEnv);
    const before = fake.calls.length;

    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET")).toEqual([]);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("agent-env:"))).toEqual(["agent-env: unchanged"]);
    expect(statSync(ws.agentEnv).ino).toBe(agentEnv.ino);
  });

  it("a changed resource address updates the resource in place, and the policy keeps pointing at it", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const [gateway] = fake.resources;
    const before = fake.calls.length;

    const desired = desiredState();
    desired.network.resources[0]!.address = "192.168.1.250";
    ws.setDesired(desired);
    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    const mutations = fake.calls.slice(before).filter((c) => c.method !== "GET");
    expect(mutations).toEqual([{ method: "PUT", path: `/api/networks/${gateway!.networkId}/resources/${gateway!.id}`, body: expect.objectContaining({ address: "192.168.1.250/32", enabled: true }) }]);
    expect(fake.resources).toEqual([expect.objectContaining({ id: gateway!.id, address: "192.168.1.250/32" })]);
    expect(fake.policies.find((x) => x.name === "homelab-edge-to-gateway")!.rules[0]!.destinationResource).toEqual({ id: gateway!.id, type: "host" });
  });

  it("a changed policy and network description are updated in place, keeping the policy's rule", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const policy = fake.policies.find((x) => x.name === "homelab-edge-to-gateway")!;
    const network = fake.networks[0]!;
    const desired = desiredState();
    desired.policies[0]!.ports = ["443", "8443"];
    desired.network.description = "The LAN, for bifrost";
    ws.setDesired(desired);
    const before = fake.calls.length;

    expect((await run(fake, ws)).code).toBe(0);
    const mutations = fake.calls.slice(before).filter((c) => c.method !== "GET");
    expect(mutations.map((c) => `${c.method} ${c.path}`)).toEqual([`PUT /api/networks/${network.id}`, `PUT /api/policies/${policy.id}`]);
    expect(mutations[1]!.body.rules[0]).toMatchObject({ id: policy.rules[0]!.id, ports: ["443", "8443"] });
    expect(fake.policies.find((x) => x.name === "homelab-edge-to-gateway")!.rules).toEqual([expect.objectContaining({ id: policy.rules[0]!.id, ports: ["443", "8443"] })]);
    expect(fake.networks).toEqual([{ id: network.id, name: "homelab-lan", description: "The LAN, for bifrost" }]);
  });

  it("deletes a resource it created once it is no longer desired, and leaves one the user added to the network", async () => {
    const fake = await startFake();
    const desired = desiredState();
    desired.network.resources.push({ name: "homelab-nas", description: "", address: "192.168.1.20/32" });
    const ws = workspace(desired);
    expect((await run(fake, ws)).code).toBe(0);
    const nas = fake.resources.find((r) => r.name === "homelab-nas")!;
    const network = fake.networks[0]!;
    fake.resources.push({ id: "resource-by-hand", networkId: network.id, name: "printer", description: "", address: "192.168.1.30/32", type: "host", enabled: true, groups: [] });
    const before = fake.calls.length;

    ws.setDesired(desiredState());
    expect((await run(fake, ws)).code).toBe(0);
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET")).toEqual([{ method: "DELETE", path: `/api/networks/${network.id}/resources/${nas.id}`, body: undefined }]);
    expect(fake.resources.map((r) => r.name).sort()).toEqual(["homelab-gateway", "printer"]);
  });

  it("deletes a policy it created once it is no longer desired, and leaves the user's own policies alone", async () => {
    const fake = await startFake();
    const desired = desiredState();
    desired.policies.push({ name: "homelab-edge-to-gateway-http", description: "", sources: ["homelab-edge"], destinationResource: "homelab-gateway", protocol: "tcp", ports: ["80"] });
    const ws = workspace(desired);
    expect((await run(fake, ws)).code).toBe(0);
    const dropped = fake.policies.find((x) => x.name === "homelab-edge-to-gateway-http")!;
    // A policy of the user's, to the script's resource, made in the dashboard.
    const mine = fake.savePolicy(undefined, { name: "my-ssh", enabled: true, rules: [{ name: "my-ssh", enabled: true, bidirectional: false, protocol: "tcp", action: "accept", ports: ["22"], sources: [fake.group("homelab-edge").id], destinationResource: { id: fake.resources[0]!.id, type: "host" } }] }, "PolicyCreate");
    const before = fake.calls.length;

    ws.setDesired(desiredState());
    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET")).toEqual([{ method: "DELETE", path: `/api/policies/${dropped.id}`, body: undefined }]);
    expect(fake.policies.map((x) => x.name).sort()).toEqual(["Default", "homelab-edge-to-gateway", "my-ssh"]);
    expect(fake.policies.find((x) => x.id === mine.id)).toBeDefined();
  });

  it("uses a group of a desired name made by hand, leaves a same-named key alone, and stops at a network it did not create", async () => {
    let token!: Token;
    const fake = await startFake((f) => (token = f.seedOwner()));
    const ws = workspace();
    mkdirSync(ws.state, { recursive: true });
    writeFileSync(ws.stateFile("token"), `${token.plain}\n`, { mode: 0o600 });
    // What the README's dashboard steps left behind.
    const edge = { id: "group-by-hand", name: "homelab-edge" };
    fake.groups.push(edge);
    fake.setupKeys.push({ id: "key-by-hand", name: "homelab-bifrost", plain: "CANARYHANDKEY-0001", type: "reusable", autoGroups: [edge.id], usageLimit: 0, ephemeral: false, revoked: false });
    fake.networks.push({ id: "network-by-hand", name: "homelab-lan", description: "" });

    const r = await run(fake, ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("network homelab-lan: one exists that this script did not create");
    expect(fake.groups.filter((g) => g.name === "homelab-edge")).toEqual([edge]);
    expect(fake.setupKeys.find((k) => k.id === "key-by-hand")).toMatchObject({ revoked: false, autoGroups: [edge.id] });
    expect(fake.validKeys("homelab-bifrost").find((k) => k.id !== "key-by-hand")!.autoGroups).toEqual([edge.id]);
    expect(fake.mutating().filter((c) => /by-hand/.test(c.path))).toEqual([]);

    // Once that network is gone, the run completes, still without touching the rest.
    fake.networks = [];
    expect((await run(fake, ws)).code).toBe(0);
    expect(fake.mutating().filter((c) => /by-hand/.test(c.path))).toEqual([]);
    expect(fake.networks).toEqual([expect.objectContaining({ name: "homelab-lan" })]);
  });

  it("a renamed network is created under the new name and the one it replaces deleted", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const [old] = fake.networks;
    const desired = desiredState();
    desired.network.name = "homelab-home";
    ws.setDesired(desired);

    expect((await run(fake, ws)).code).toBe(0);
    expect(fake.networks).toEqual([expect.objectContaining({ name: "homelab-home" })]);
    expect(fake.networks[0]!.id).not.toBe(old!.id);
    expect(fake.resources.map((r) => r.networkId)).toEqual([fake.networks[0]!.id]);
    expect(fake.routers.map((r) => r.networkId)).toEqual([fake.networks[0]!.id]);
    const policy = fake.policies.find((x) => x.name === "homelab-edge-to-gateway")!;
    expect(policy.rules[0]!.destinationResource).toEqual({ id: fake.resources[0]!.id, type: "host" });
  });

  it("an instance set up before, with no token file, stops with exit 3 and says where to put a token", async () => {
    const fake = await startFake((f) => f.seedOwner());
    const ws = workspace();
    const r = await run(fake, ws);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("Personal Access Token");
    expect(r.stderr).toContain(ws.stateFile("token"));
    expect(callsOf(fake.calls, "POST", /^\/api\/setup$/)).toEqual([]);
    expect(fake.mutating()).toEqual([]);
  });

  it("a server without NB_SETUP_PAT_ENABLED sets the owner up but returns no token: exit 3, saying so", async () => {
    const fake = await startFake((f) => (f.patEnabled = false));
    const ws = workspace();
    const r = await run(fake, ws);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("NB_SETUP_PAT_ENABLED=true");
    expect(r.stderr).toContain(ws.stateFile("token"));
  });

  it("a token written by hand (no token.json) is used and never rotated", async () => {
    let token!: Token;
    const fake = await startFake((f) => (token = f.seedOwner(10)));
    const ws = workspace();
    mkdirSync(ws.state, { recursive: true });
    writeFileSync(ws.stateFile("token"), `${token.plain}\n`, { mode: 0o600 });
    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("never rotated");
    expect(callsOf(fake.calls, "POST", /tokens/)).toEqual([]);
    expect(fake.validKeys("homelab-bifrost")).toHaveLength(1);
  });

  it("a token NetBird refuses fails with exit 1 naming the token file", async () => {
    const fake = await startFake((f) => f.seedOwner());
    const ws = workspace();
    const wrong = "nbp_canaryWrongToken0123456789";
    mkdirSync(ws.state, { recursive: true });
    writeFileSync(ws.stateFile("token"), `${wrong}\n`, { mode: 0o600 });
    const r = await run(fake, ws, { canaries: [wrong] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(ws.stateFile("token"));
    expect(r.stderr).toContain("401");
    expect(fake.mutating()).toEqual([]);
  });

  it("keeps the owner's dashboard password with NETBIRD_OWNER_PASSWORD: recorded at setup, changed with the old one when it changes", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    expect(readFileSync(ws.stateFile("owner-password"), "utf8")).toBe(OWNER_PASSWORD);
    expect(mode(ws.stateFile("owner-password"))).toBe(0o600);

    const rotated = "canaryRotatedOwner-4f1e";
    writeFileSync(ws.ownerEnv, `NETBIRD_OWNER_PASSWORD='${rotated}'\n`, { mode: 0o600 });
    const before = fake.calls.length;
    const r = await run(fake, ws, { canaries: [rotated] });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const changes = fake.calls.slice(before).filter((c) => c.method !== "GET");
    expect(changes.map((c) => `${c.method} ${c.path}`)).toEqual([`PUT /api/users/${fake.owner!.id}/password`]);
    expect(changes[0]!.body).toEqual({ old_password: OWNER_PASSWORD, new_password: rotated });
    expect(fake.ownerPassword).toBe(rotated);
    expect(readFileSync(ws.stateFile("owner-password"), "utf8")).toBe(rotated);
    expect(r.stdout).toContain("owner password: changed");

    // Changed in the dashboard meanwhile: NetBird refuses, and the script says what to do.
    fake.ownerPassword = "changed-by-hand";
    writeFileSync(ws.ownerEnv, `NETBIRD_OWNER_PASSWORD='${OWNER_PASSWORD}'\n`, { mode: 0o600 });
    const refused = await run(fake, ws, { canaries: [rotated, "changed-by-hand"] });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`write that password to ${ws.stateFile("owner-password")}`);
  });

  it("an instance set up before this script kept its password records the current one and changes nothing", async () => {
    const fake = await startFake((f) => void f.seedOwner());
    const ws = workspace();
    mkdirSync(ws.state, { recursive: true, mode: 0o700 });
    writeFileSync(ws.stateFile("token"), `${fake.tokens[0]!.plain}\n`, { mode: 0o600 });
    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("owner password: recorded");
    expect(callsOf(fake.calls, "PUT", /password/)).toHaveLength(0);
    expect(readFileSync(ws.stateFile("owner-password"), "utf8")).toBe(OWNER_PASSWORD);
  });

  it("a token that expires within 30 days is replaced: the new one is stored, the old one deleted", async () => {
    let old!: Token;
    const fake = await startFake((f) => (old = f.seedOwner(20)));
    const ws = workspace();
    mkdirSync(ws.state, { recursive: true });
    writeFileSync(ws.stateFile("token"), `${old.plain}\n`, { mode: 0o600 });
    writeFileSync(ws.stateFile("token.json"), JSON.stringify({ id: old.id, userId: fake.owner!.id, expires: old.expires.toISOString() }), { mode: 0o600 });

    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    const created = callsOf(fake.calls, "POST", /^\/api\/users\/[^/]+\/tokens$/);
    expect(created.map((c) => c.body)).toEqual([{ name: "homelab-bootstrap", expires_in: 365 }]);
    const fresh = fake.tokens.find((t) => t.name === "homelab-bootstrap")!;
    expect(readFileSync(ws.stateFile("token"), "utf8").trim()).toBe(fresh.plain);
    expect(JSON.parse(readFileSync(ws.stateFile("token.json"), "utf8"))).toEqual({ id: fresh.id, userId: fake.owner!.id, expires: fresh.expires.toISOString() });
    expect(callsOf(fake.calls, "DELETE", /tokens/).map((c) => c.path)).toEqual([`/api/users/${fake.owner!.id}/tokens/${old.id}`]);
    expect(fake.tokens.map((t) => t.id)).toEqual([fresh.id]);

    // Far from expiry now: the next run creates no token.
    const before = fake.calls.length;
    expect((await run(fake, ws)).code).toBe(0);
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("a missing key file gets a new key and the key it replaces is revoked", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const [oldLan] = fake.validKeys("homelab-lan-router");
    const [bifrost] = fake.validKeys("homelab-bifrost");
    unlinkSync(ws.stateFile("lan-router.setup-key"));
    const before = fake.calls.length;

    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    const [newLan] = fake.validKeys("homelab-lan-router");
    expect(newLan!.id).not.toBe(oldLan!.id);
    expect(fake.setupKeys.find((k) => k.id === oldLan!.id)!.revoked).toBe(true);
    expect(readFileSync(ws.stateFile("lan-router.setup-key"), "utf8").trim()).toBe(newLan!.plain);
    expect(mode(ws.stateFile("lan-router.setup-key"))).toBe(0o600);
    const mutations = fake.calls.slice(before).filter((c) => c.method !== "GET");
    expect(mutations.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/setup-keys", `PUT /api/setup-keys/${oldLan!.id}`]);
    expect(mutations[1]!.body).toEqual({ revoked: true, auto_groups: oldLan!.autoGroups });
    // bifrost's key did not change, so neither did its agent's env.
    expect(fake.validKeys("homelab-bifrost")).toEqual([bifrost]);
    expect(r.stdout).toContain("agent-env: unchanged");
  });

  it("a key revoked in the dashboard is replaced, and the agent env gets the new key", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const [old] = fake.validKeys("homelab-bifrost");
    old!.revoked = true;
    const before = fake.calls.length;

    const r = await run(fake, ws);
    expect(r.code).toBe(0);
    const [fresh] = fake.validKeys("homelab-bifrost");
    expect(fresh!.id).not.toBe(old!.id);
    expect(fresh!.autoGroups).toEqual([fake.group("homelab-edge").id]);
    expect(readFileSync(ws.stateFile("bifrost.setup-key"), "utf8").trim()).toBe(fresh!.plain);
    expect(readFileSync(ws.agentEnv, "utf8")).toBe(`NB_SETUP_KEY='${fresh!.plain}'\n`);
    expect(r.stdout.split("\n")).toContain("agent-env: changed");
    // Already revoked: nothing more to do to the old one.
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/setup-keys"]);
  });

  it("changed auto groups of a key are set on the same key, not by a new one", async () => {
    const fake = await startFake();
    const ws = workspace();
    expect((await run(fake, ws)).code).toBe(0);
    const [key] = fake.validKeys("homelab-bifrost");
    const desired = desiredState();
    desired.setupKeys[0]!.autoGroups = ["homelab-edge", "homelab-lan-routers"];
    ws.setDesired(desired);
    const before = fake.calls.length;

    expect((await run(fake, ws)).code).toBe(0);
    const ids = [fake.group("homelab-edge").id, fake.group("homelab-lan-routers").id];
    expect(fake.calls.slice(before).filter((c) => c.method !== "GET")).toEqual([{ method: "PUT", path: `/api/setup-keys/${key!.id}`, body: { revoked: false, auto_groups: ids } }]);
    expect(fake.validKeys("homelab-bifrost")).toEqual([expect.objectContaining({ id: key!.id, autoGroups: ids })]);
  });

  it("prints no password, token or setup key, also when a call fails", async () => {
    const fake = await startFake();
    const ws = workspace();
    const outputs = [await run(fake, ws), await run(fake, ws)];
    // An API error (a refused policy) after tokens and keys exist.
    fake.savePolicy = () => bad("refused by the test");
    fake.policies = fake.policies.filter((x) => x.name === "Default");
    outputs.push(await runScript(["--api", fake.url, "--desired", ws.desired, "--state-dir", ws.state, "--owner-env", ws.ownerEnv, "--agent-env", ws.agentEnv]));
    fake.violations.length = 0;
    expect(outputs[2]!.code).toBe(1);
    expect(outputs[2]!.stderr).toContain("POST /api/policies failed with HTTP 400: refused by the test");
    const secrets = [OWNER_PASSWORD, ...fake.secrets()];
    expect(secrets.length).toBeGreaterThanOrEqual(4); // password, setup token, two keys
    for (const out of outputs) for (const s of secrets) expect(out.stdout + out.stderr).not.toContain(s);
  });

  it("refuses input it cannot use with exit 2, before any API call", async () => {
    const fake = await startFake();
    const ws = workspace();
    ws.setDesired("{ not json");
    const notJson = await run(fake, ws);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(ws.desired);

    const desired: Json = desiredState();
    desired.setupKeys[0].autoGroups = ["homelab-nope"];
    desired.policies[0].destinationResource = "nowhere";
    ws.setDesired(desired);
    const wrongRefs = await run(fake, ws);
    expect(wrongRefs.code).toBe(2);
    expect(wrongRefs.stderr).toContain("setupKeys[0].autoGroups: 'homelab-nope' is not in groups");
    expect(wrongRefs.stderr).toContain("policies[0].destinationResource");

    ws.setDesired(desiredState());
    writeFileSync(ws.ownerEnv, "NETBIRD_OTHER='x'\n");
    const noPassword = await run(fake, ws);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain("NETBIRD_OWNER_PASSWORD");

    expect(fake.calls).toEqual([]);
    expect(existsSync(ws.agentEnv)).toBe(false);
  });

  it("waits for a server that starts listening late, and gives up at once with --start-wait 0", async () => {
    // A free port: listen, note it, close.
    const probe = new FakeNetbird();
    await probe.listen();
    const port = Number(new URL(probe.url).port);
    await probe.close();

    const ws = workspace();
    const closed = await runScript(["--api", `http://127.0.0.1:${port}`, "--desired", ws.desired, "--state-dir", ws.state, "--owner-env", ws.ownerEnv, "--start-wait", "0"]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain("GET /api/instance failed");

    const fake = new FakeNetbird();
    fakes.push(fake);
    const late = runScript(["--api", `http://127.0.0.1:${port}`, "--desired", ws.desired, "--state-dir", ws.state, "--owner-env", ws.ownerEnv, "--agent-env", ws.agentEnv, "--start-wait", "20"]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fake.listen(port);
    const r = await late;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(callsOf(fake.calls, "POST", /^\/api\/setup$/)).toHaveLength(1);
  });

  it("takes the desired state the bundle renders, and makes the Gateway and an upstream reachable from bifrost's group", async () => {
    // The contract between core/hetzner/bundle/netbird-lan.ts and this script.
    const values = exampleConfig("hetzner");
    values["publicServices"].push({ name: "nas", description: "NAS", upstream: "https://10.10.0.9:5001" });
    const config = validateConfig(hetzner, toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v]))));
    const rendered = renderBundle(config).files.find((f) => f.path === LAN_PATH_FILE)!.content;
    const fake = await startFake();
    const ws = workspace(JSON.parse(rendered));
    const r = await run(fake, ws);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fake.resources.map((x) => x.address).sort()).toEqual([`${config.network.ingressIp}/32`, "10.10.0.9/32"].sort());
    const edge = fake.group("homelab-edge");
    for (const resource of fake.resources) {
      const policy = fake.policies.find((p) => p.rules[0]?.destinationResource?.id === resource.id);
      expect(policy, resource.address).toBeDefined();
      expect(policy!.rules[0]!.sources).toEqual([edge.id]);
    }
    // The file the hetzner stack reads back for the platform stack's routing peer.
    expect(readFileSync(ws.stateFile(SETUP_KEYS.lanRouter.file), "utf8").trim()).toBe(fake.validKeys("homelab-lan-router")[0]!.plain);
  });
});
