#!/usr/bin/env python3
"""Reconcile the NetBird objects of bifrost's path to the home LAN.

bifrost's Traefik forwards public services to the LAN Gateway's address over
NetBird. That path needs groups, setup keys (bifrost's own agent and the LAN
routing peer in the cluster), a Network whose resource is the Gateway address
routed by the LAN routers' group, and an access policy from bifrost's group
to that resource. This script creates them through NetBird's management API
so that nobody has to click them together in the dashboard. It runs on the
VPS (from bootstrap.sh) next to the NetBird server, with the standard library
only, and is idempotent: a second run with the same desired state sends no
POST, PUT or DELETE.

Credentials. On a fresh instance the script performs NetBird's initial setup
(POST /api/setup) for the owner and asks for a Personal Access Token in the
same call; the server returns one only when it runs with
NB_SETUP_PAT_ENABLED=true (management/server/instance/setup_service.go). The
token lives in <state-dir>/token and is replaced by a new one 30 days before
it expires. When the instance was set up some other way the script stops
with exit code 3 and says how to hand it a token. The owner's dashboard
password follows NETBIRD_OWNER_PASSWORD: when that changes, the script
changes it in NetBird with the one it applied last (<state-dir>/owner-password).

Ownership. <state-dir>/managed.json lists the ids of every object this script
created. It only ever changes or deletes those; anything else (the account's
"Default" policy, groups, keys, networks or policies made by hand) is only
read. An object of a desired name that the script did not create is an error
for networks, resources and policies (it would otherwise have to adopt
someone else's object); groups of a desired name are used as they are.

Output never contains a token, a password or a setup key: on an HTTP error it
prints the method, the path, the status and NetBird's JSON `message` only.

Exit codes: 0 done, 1 API or other runtime error, 2 bad input (desired state,
owner env file), 3 no token this script can use.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, NoReturn, Optional, Tuple

EXIT_API = 1
EXIT_INPUT = 2
EXIT_NO_TOKEN = 3

HTTP_TIMEOUT_SECONDS = 10
DEFAULT_START_WAIT_SECONDS = 60.0
START_RETRY_INTERVAL_SECONDS = 0.25
ROTATE_WITHIN_DAYS = 30
TOKEN_LIFETIME_DAYS = 365
# The name NetBird gives the token POST /api/setup creates
# (setupPATTokenName in management/server/instance/setup_service.go).
SETUP_TOKEN_NAME = "setup-token"
ROTATED_TOKEN_NAME = "homelab-bootstrap"

TOKEN_FILE = "token"
TOKEN_META_FILE = "token.json"
MANAGED_FILE = "managed.json"
# The owner's password as last applied to NetBird: the old password a change needs.
OWNER_PASSWORD_FILE = "owner-password"
RESERVED_FILES = {TOKEN_FILE, TOKEN_META_FILE, MANAGED_FILE, OWNER_PASSWORD_FILE}
MANAGED_KINDS = ("groups", "setupKeys", "networks", "resources", "routers", "policies")

# Enums of the OpenAPI spec (shared/management/http/api/openapi.yml):
# CreateSetupKeyRequest.type (checked in setupkeys_handler.go) and
# PolicyRuleMinimum.protocol, without netbird-ssh, which needs peers as
# destinations rather than a network resource.
SETUP_KEY_TYPES = ("reusable", "one-off")
PROTOCOLS = ("tcp", "udp", "icmp", "all")

JSON = Any
# Secret values seen during the run: every line printed is scrubbed of them,
# a second guard behind never formatting them into a message.
_SECRETS: List[str] = []


# --------------------------------------------------------------------------
# Output and failures


class Failure(Exception):
    """A clean stop: a message for the operator and an exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Unreachable(Failure):
    """Nothing listens at the API address (yet)."""


class ApiError(Failure):
    """An HTTP error answer of the management API."""

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        detail = f": {message}" if message else ""
        super().__init__(EXIT_API, f"{method} {path} failed with HTTP {status}{detail}")
        self.status = status


def remember_secret(value: str) -> str:
    if value and value not in _SECRETS:
        _SECRETS.append(value)
    return value


def scrub(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "<redacted>")
    return text


def log(message: str) -> None:
    print(scrub(f"[netbird] {message}"), flush=True)


def fail(code: int, message: str) -> NoReturn:
    raise Failure(code, message)


# --------------------------------------------------------------------------
# Files


def write_private(path: str, content: str) -> None:
    """Write a 0600 file atomically (temp file in the same directory + rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_text(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def read_env_file(path: str) -> Dict[str, str]:
    """Parse `KEY='value'` lines (secret-env.ts formatEnvFile), never echoing a value."""
    text = read_text(path)
    if text is None:
        fail(EXIT_INPUT, f"{path} does not exist")
    values: Dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z_][A-Z0-9_]*)='([^']*)'", line.strip())
        if not match:
            fail(EXIT_INPUT, f"{path} line {number} is not of the form KEY='value'")
        values[match.group(1)] = match.group(2)
    return values


class StateDir:
    """<state-dir>: the token, its metadata, setup keys and managed.json, all 0600."""

    def __init__(self, path: str) -> None:
        self.path = path
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)

    def read(self, name: str) -> Optional[str]:
        return read_text(self.file(name))

    def write(self, name: str, content: str) -> None:
        write_private(self.file(name), content)

    def remove(self, name: str) -> None:
        if os.path.exists(self.file(name)):
            os.unlink(self.file(name))

    def read_json(self, name: str) -> Optional[JSON]:
        text = self.read(name)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            fail(EXIT_API, f"{self.file(name)} is not valid JSON; fix or remove it")

    def write_json(self, name: str, value: JSON) -> None:
        self.write(name, json.dumps(value, indent=2, sort_keys=True) + "\n")


class Managed:
    """Ids of the objects this script created (managed.json), per kind."""

    def __init__(self, state: StateDir) -> None:
        self.state = state
        loaded = state.read_json(MANAGED_FILE) or {}
        self.ids: Dict[str, List[str]] = {k: list(loaded.get(k, [])) for k in MANAGED_KINDS}

    def owns(self, kind: str, object_id: str) -> bool:
        return object_id in self.ids[kind]

    def add(self, kind: str, object_id: str) -> None:
        if object_id not in self.ids[kind]:
            self.ids[kind].append(object_id)
            self.save()

    def remove(self, kind: str, object_id: str) -> None:
        if object_id in self.ids[kind]:
            self.ids[kind].remove(object_id)
            self.save()

    def forget_missing(self, kind: str, existing: List[str]) -> None:
        """Drop ids the API no longer has (deleted by hand, or a reset store)."""
        kept = [i for i in self.ids[kind] if i in existing]
        if kept != self.ids[kind]:
            self.ids[kind] = kept
            self.save()

    def save(self) -> None:
        self.state.write_json(MANAGED_FILE, self.ids)


# --------------------------------------------------------------------------
# Desired state (the contract with the TypeScript side that renders it)


def is_text(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def is_names(v: Any) -> bool:
    return isinstance(v, list) and all(is_text(x) for x in v)


def is_int(v: Any, low: int, high: Optional[int] = None) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low and (high is None or v <= high)


def is_port(v: Any) -> bool:
    return isinstance(v, str) and re.fullmatch(r"[0-9]{1,5}", v) is not None and is_int(int(v), 1, 65535)


class DesiredCheck:
    """Every problem of the desired state, each with its JSON path, found in one pass."""

    def __init__(self) -> None:
        self.problems: List[str] = []
        self.groups: List[str] = []
        self.keys: List[str] = []
        self.resources: List[str] = []

    def need(self, ok: bool, where: str, what: str) -> bool:
        if not ok:
            self.problems.append(f"{where}: {what}")
        return ok

    def unique(self, values: List[str], where: str, what: str) -> None:
        self.need(len(set(values)) == len(values), where, f"{what} must be unique")

    def named(self, item: JSON, where: str, into: List[str]) -> None:
        if self.need(is_text(item.get("name")), f"{where}.name", "must be a non-empty string"):
            into.append(item["name"])
        self.need(isinstance(item.get("description", ""), str), f"{where}.description", "must be a string")

    def group_refs(self, v: Any, where: str, allow_empty: bool) -> None:
        if self.need(is_names(v), where, "must be a list of names from groups"):
            self.need(allow_empty or len(v) > 0, where, "must name at least one group")
            for g in v:
                self.need(g in self.groups, where, f"{g!r} is not in groups")

    def objects(self, v: Any, where: str) -> List[Tuple[str, JSON]]:
        """The objects of a list, with their paths; each non-object is a problem."""
        if not self.need(isinstance(v, list), where, "must be a list"):
            return []
        return [(f"{where}[{i}]", x) for i, x in enumerate(v) if self.need(isinstance(x, dict), f"{where}[{i}]", "must be an object")]

    def run(self, d: JSON) -> List[str]:
        if not self.need(isinstance(d, dict), "$", "must be an object"):
            return self.problems
        self.owner(d.get("owner"))
        if self.need(is_names(d.get("groups")), "groups", "must be a list of group names"):
            self.groups = d["groups"]
            self.unique(self.groups, "groups", "names")
        self.setup_keys(d.get("setupKeys"))
        self.need(d.get("agentSetupKey") is None or d.get("agentSetupKey") in self.keys,
                  "agentSetupKey", "must be null or the name of one of setupKeys")
        self.network(d.get("network"))
        self.policies(d.get("policies"))
        return self.problems

    def owner(self, owner: Any) -> None:
        if self.need(isinstance(owner, dict), "owner", "must be an object"):
            self.need(is_text(owner.get("email")), "owner.email", "must be a non-empty string")
            self.need(is_text(owner.get("name")), "owner.name", "must be a non-empty string")

    def setup_keys(self, keys: Any) -> None:
        files: List[str] = []
        for at, k in self.objects(keys, "setupKeys"):
            self.named(k, at, self.keys)
            f = k.get("file")
            if self.need(is_text(f) and "/" not in f and not f.startswith(".") and f not in RESERVED_FILES,
                         f"{at}.file", f"must be a plain file name other than {', '.join(sorted(RESERVED_FILES))}"):
                files.append(f)
            self.need(k.get("type") in SETUP_KEY_TYPES, f"{at}.type", f"must be one of {', '.join(SETUP_KEY_TYPES)}")
            self.group_refs(k.get("autoGroups"), f"{at}.autoGroups", allow_empty=True)
            self.need(isinstance(k.get("ephemeral"), bool), f"{at}.ephemeral", "must be true or false")
            if self.need(is_int(k.get("usageLimit"), 0), f"{at}.usageLimit", "must be an integer >= 0 (0: unlimited)"):
                # setupkeys_handler.go refuses a one-off key with a limit above 1.
                self.need(k.get("type") != "one-off" or k["usageLimit"] <= 1, f"{at}.usageLimit", "a one-off key is used once")
        self.unique(self.keys, "setupKeys", "names")
        self.unique(files, "setupKeys", "files")

    def network(self, network: Any) -> None:
        if not self.need(isinstance(network, dict), "network", "must be an object"):
            return
        self.named(network, "network", [])
        router = network.get("router")
        if self.need(isinstance(router, dict), "network.router", "must be an object"):
            self.group_refs(router.get("peerGroups"), "network.router.peerGroups", allow_empty=False)
            self.need(isinstance(router.get("masquerade"), bool), "network.router.masquerade", "must be true or false")
            self.need(is_int(router.get("metric"), 1, 9999), "network.router.metric",
                      "must be an integer from 1 to 9999 (NetworkRouterRequest.metric)")
        for at, r in self.objects(network.get("resources"), "network.resources"):
            self.named(r, at, self.resources)
            self.need(normal_address(r.get("address")) is not None, f"{at}.address",
                      "must be an IP address or a network in CIDR form without host bits")
        self.unique(self.resources, "network.resources", "names")

    def policies(self, policies: Any) -> None:
        names: List[str] = []
        for at, p in self.objects(policies, "policies"):
            self.named(p, at, names)
            self.group_refs(p.get("sources"), f"{at}.sources", allow_empty=False)
            self.need(p.get("destinationResource") in self.resources, f"{at}.destinationResource",
                      "must be the name of one of network.resources")
            protocol = p.get("protocol")
            self.need(protocol in PROTOCOLS, f"{at}.protocol", f"must be one of {', '.join(PROTOCOLS)}")
            ports = p.get("ports", [])
            if self.need(isinstance(ports, list) and all(is_port(x) for x in ports),
                         f"{at}.ports", "must be a list of port numbers as strings (1..65535)"):
                # policies_handler.go: no ports for the all and icmp protocols.
                self.need(protocol not in ("all", "icmp") or not ports, f"{at}.ports", f"must be empty for protocol {protocol}")
        self.unique(names, "policies", "names")


def load_desired(path: str) -> JSON:
    text = read_text(path)
    if text is None:
        fail(EXIT_INPUT, f"desired state {path} does not exist")
    try:
        desired = json.loads(text)
    except ValueError as e:
        fail(EXIT_INPUT, f"desired state {path} is not valid JSON: {e}")
    problems = DesiredCheck().run(desired)
    if problems:
        fail(EXIT_INPUT, f"desired state {path} is invalid:\n  " + "\n  ".join(problems))
    return desired


def load_owner_password(path: str) -> str:
    password = read_env_file(path).get("NETBIRD_OWNER_PASSWORD", "")
    if not password:
        fail(EXIT_INPUT, f"{path} has no NETBIRD_OWNER_PASSWORD")
    # SetupRequest.password: 8 characters at least; bcrypt reads 72 bytes at most.
    if not 8 <= len(password.encode("utf-8")) <= 72:
        fail(EXIT_INPUT, f"NETBIRD_OWNER_PASSWORD in {path} must be 8 to 72 bytes long")
    return remember_secret(password)


def normal_address(address: Any) -> Optional[str]:
    """An address as NetBird reports it back: a prefix (netip.Prefix.String())."""
    if not isinstance(address, str):
        return None
    try:
        return str(ipaddress.ip_network(address, strict=True))
    except ValueError:
        return None


# --------------------------------------------------------------------------
# HTTP


class Api:
    """The management API over plain HTTP, with a timeout on every call."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.token: Optional[str] = None
        self.changes = 0
        # No proxy from the environment: the API is a container address.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, body: Optional[JSON] = None, auth: bool = True) -> JSON:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth:
            # auth_middleware.go: a Personal Access Token is sent as "Token <pat>".
            request.add_header("Authorization", f"Token {self.token}")
        if method != "GET":
            self.changes += 1
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raise ApiError(method, path, e.code, error_message(e)) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, (ConnectionRefusedError, ConnectionResetError)):
                raise Unreachable(EXIT_API, f"{method} {path} failed: {reason}") from None
            raise Failure(EXIT_API, f"{method} {path} failed: {reason}") from None
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise Failure(EXIT_API, f"{method} {path} answered with something other than JSON") from None

    def get(self, path: str) -> JSON:
        return self.call("GET", path)


def error_message(e: urllib.error.HTTPError) -> str:
    """NetBird's ErrorResponse.message, nothing else of the body."""
    try:
        body = json.loads(e.read() or b"{}")
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


def quote(object_id: str) -> str:
    return urllib.parse.quote(object_id, safe="")


def wait_for_instance(api: Api, wait_seconds: float) -> bool:
    """GET /api/instance (InstanceStatus), retried while the server is not listening yet."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            status = api.call("GET", "/api/instance", auth=False)
            return bool(status.get("setup_required")) if isinstance(status, dict) else False
        except Unreachable:
            if time.monotonic() >= deadline:
                raise
        time.sleep(START_RETRY_INTERVAL_SECONDS)


# --------------------------------------------------------------------------
# Token


def parse_time(value: str) -> Optional[datetime.datetime]:
    """RFC 3339 as Go writes it (Z, up to nanoseconds), for Python 3.9's fromisoformat."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", value or "")
    if not match:
        return None
    digits = (match.group(2) or ".")[1:]
    fraction = "." + (digits + "000000")[:6]  # 3.9 takes exactly 3 or 6 digits
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    return datetime.datetime.fromisoformat(match.group(1) + fraction + zone)


def token_refused(state: StateDir, e: ApiError) -> Failure:
    return Failure(EXIT_API, f"the token in {state.file(TOKEN_FILE)} was refused (HTTP {e.status}); "
                             f"write a valid Personal Access Token of the NetBird owner there (mode 0600) and re-run")


def obtain_token(api: Api, state: StateDir, owner: JSON, password: str, setup_required: bool) -> None:
    """(a) The owner's token: from NetBird's setup on a fresh instance, else from <state-dir>/token."""
    if setup_required:
        try:
            run_setup(api, state, owner, password)
            return
        except ApiError as e:
            if e.status != 412:  # 412: set up meanwhile by someone else
                raise
            log("setup: already completed (HTTP 412)")
    token = (state.read(TOKEN_FILE) or "").strip()
    if not token:
        fail(EXIT_NO_TOKEN,
             "the NetBird instance is already set up, and there is no token this script can use. "
             "Sign in to the NetBird dashboard as the owner, create a Personal Access Token "
             f"(Team > Users > the owner > Create Token), write it to {state.file(TOKEN_FILE)} "
             "(mode 0600), then re-run.")
    api.token = remember_secret(token)
    if state.read(TOKEN_META_FILE) is None:
        log(f"token: {state.file(TOKEN_FILE)} has no {TOKEN_META_FILE}, so it is used as it is and never rotated")


def run_setup(api: Api, state: StateDir, owner: JSON, password: str) -> None:
    """POST /api/setup (SetupRequest -> SetupResponse) with a setup token."""
    log(f"setup: creating the owner {owner['email']} and a setup token")
    response = api.call("POST", "/api/setup", {
        "email": owner["email"], "password": password, "name": owner["name"],
        "create_pat": True, "pat_expire_in": TOKEN_LIFETIME_DAYS,
    }, auth=False)
    token = response.get("personal_access_token") if isinstance(response, dict) else None
    if not token:
        fail(EXIT_NO_TOKEN,
             "NetBird set up the owner but returned no token (the server needs NB_SETUP_PAT_ENABLED=true). "
             "Sign in to the NetBird dashboard as the owner, create a Personal Access Token, "
             f"write it to {state.file(TOKEN_FILE)} (mode 0600), then re-run.")
    api.token = remember_secret(token)
    state.write(TOKEN_FILE, token + "\n")
    state.write(OWNER_PASSWORD_FILE, password)
    user_id = current_user(api, state)
    tokens = api.get(f"/api/users/{quote(user_id)}/tokens")
    named = [t for t in tokens if t.get("name") == SETUP_TOKEN_NAME]
    if not named:
        state.remove(TOKEN_META_FILE)
        log(f"token: no token named {SETUP_TOKEN_NAME} listed, so it will not be rotated")
        return
    meta = max(named, key=lambda t: t.get("created_at", ""))
    write_token_meta(state, meta["id"], user_id, meta["expiration_date"])
    log(f"token: stored (expires {meta['expiration_date']})")


def write_token_meta(state: StateDir, token_id: str, user_id: str, expires: str) -> None:
    state.write_json(TOKEN_META_FILE, {"id": token_id, "userId": user_id, "expires": expires})


def current_user(api: Api, state: StateDir) -> str:
    """(b) GET /api/users/current (User): proves the token works."""
    try:
        return api.get("/api/users/current")["id"]
    except ApiError as e:
        if e.status == 401:
            raise token_refused(state, e) from None
        raise


def sync_owner_password(api: Api, state: StateDir, user_id: str, password: str) -> None:
    """The owner's dashboard password follows NETBIRD_OWNER_PASSWORD.

    NetBird changes a password only given the current one (PUT
    /api/users/{userId}/password, PasswordChangeRequest; the embedded IdP's
    UpdateUserPassword in management/server/idp/embedded.go checks it and
    lets users change only their own), so the password last applied is kept
    in <state-dir>/owner-password. Without that file the instance was set up
    with the password now in the env file (by this script, or by older
    bundles from the same generated password), which is recorded as is.
    """
    applied = state.read(OWNER_PASSWORD_FILE)
    if applied is None:
        state.write(OWNER_PASSWORD_FILE, password)
        log("owner password: recorded")
        return
    remember_secret(applied)
    if applied == password:
        return
    try:
        api.call("PUT", f"/api/users/{quote(user_id)}/password", {"old_password": applied, "new_password": password})
    except ApiError as e:
        fail(EXIT_API,
             f"owner password: NetBird refused the change ({e.message}). If the owner's password was changed "
             f"in the dashboard, write that password to {state.file(OWNER_PASSWORD_FILE)} (mode 0600, no newline) and re-run.")
    state.write(OWNER_PASSWORD_FILE, password)
    log("owner password: changed to NETBIRD_OWNER_PASSWORD")


def rotate_token_if_due(api: Api, state: StateDir, user_id: str) -> None:
    """A new token 30 days before the old one expires; the old one is deleted once the new one works."""
    meta = state.read_json(TOKEN_META_FILE)
    if not isinstance(meta, dict):
        return
    expires = parse_time(str(meta.get("expires", "")))
    if expires is None:
        log(f"token: {TOKEN_META_FILE} has no readable expiry, so the token is not rotated")
        return
    now = datetime.datetime.now(datetime.timezone.utc)
    if expires - now > datetime.timedelta(days=ROTATE_WITHIN_DAYS):
        return
    log(f"token: expires {meta['expires']}, creating {ROTATED_TOKEN_NAME}")
    generated = api.call("POST", f"/api/users/{quote(user_id)}/tokens",
                         {"name": ROTATED_TOKEN_NAME, "expires_in": TOKEN_LIFETIME_DAYS})
    new_token = remember_secret(generated["plain_token"])
    new_meta = generated["personal_access_token"]
    state.write(TOKEN_FILE, new_token + "\n")
    write_token_meta(state, new_meta["id"], user_id, new_meta["expiration_date"])
    api.token = new_token
    current_user(api, state)
    if meta.get("id"):
        try:
            api.call("DELETE", f"/api/users/{quote(user_id)}/tokens/{quote(str(meta['id']))}")
        except ApiError as e:
            if e.status != 404:  # already gone
                raise
    log(f"token: rotated (new one expires {new_meta['expiration_date']}, old one deleted)")


# --------------------------------------------------------------------------
# Objects


def by_name(items: JSON, name: str) -> List[JSON]:
    return [i for i in items or [] if i.get("name") == name]


def ensure_groups(api: Api, managed: Managed, names: List[str]) -> Dict[str, str]:
    """/api/groups (GroupRequest -> Group): each desired name once; returns name -> id."""
    existing = api.get("/api/groups") or []
    managed.forget_missing("groups", [g["id"] for g in existing])
    ids: Dict[str, str] = {}
    for name in names:
        found = sorted(by_name(existing, name), key=lambda g: not managed.owns("groups", g["id"]))
        if found:
            ids[name] = found[0]["id"]
            if not managed.owns("groups", found[0]["id"]):
                log(f"group {name}: exists (not created by this script), used as it is")
            continue
        created = api.call("POST", "/api/groups", {"name": name})
        managed.add("groups", created["id"])
        ids[name] = created["id"]
        log(f"group {name}: created")
    return ids


def key_matches(key: JSON, spec: JSON, plain: Optional[str]) -> bool:
    """Whether an API setup key (SetupKey) is the one in the file and as desired.

    The list shows a key masked to its first five characters
    (types/setupkey.go HiddenKey); type, ephemeral and the usage limit cannot
    be changed later, so a difference there needs a new key."""
    limit = 1 if spec["type"] == "one-off" else spec["usageLimit"]
    return (plain is not None and key.get("valid") is True and not key.get("revoked")
            and str(key.get("key", ""))[:5] == plain[:5]
            and key.get("type") == spec["type"] and bool(key.get("ephemeral")) == spec["ephemeral"]
            and key.get("usage_limit") == limit)


def revoke_key(api: Api, key: JSON, why: str) -> None:
    """PUT /api/setup-keys/{id} (SetupKeyRequest): revoked, auto_groups as they are."""
    api.call("PUT", f"/api/setup-keys/{quote(key['id'])}", {"revoked": True, "auto_groups": key.get("auto_groups") or []})
    log(f"setup key {key['name']}: revoked the key {key['id']} ({why})")


def ensure_setup_keys(api: Api, state: StateDir, managed: Managed, specs: List[JSON], groups: Dict[str, str]) -> Dict[str, str]:
    """/api/setup-keys: a usable key per desired name, its plain value in <state-dir>/<file>."""
    existing = api.get("/api/setup-keys") or []
    managed.forget_missing("setupKeys", [k["id"] for k in existing])
    plain_keys: Dict[str, str] = {}
    for spec in specs:
        plain_keys[spec["name"]] = ensure_setup_key(api, state, managed, spec, groups, existing)
    wanted = {s["name"] for s in specs}
    for key in existing:
        if managed.owns("setupKeys", key["id"]) and key.get("name") not in wanted and not key.get("revoked"):
            revoke_key(api, key, "no longer desired")
    return plain_keys


def ensure_setup_key(api: Api, state: StateDir, managed: Managed, spec: JSON, groups: Dict[str, str], existing: JSON) -> str:
    name = spec["name"]
    auto_groups = [groups[g] for g in spec["autoGroups"]]
    stored = state.read(spec["file"])
    plain = remember_secret(stored.strip()) if stored and stored.strip() else None
    same_name = by_name(existing, name)
    owned = [k for k in same_name if managed.owns("setupKeys", k["id"])]
    if len(owned) < len(same_name):
        log(f"setup key {name}: a key of this name not created by this script exists; left alone")
    usable = next((k for k in owned if key_matches(k, spec, plain)), None)
    if usable is None:
        plain = create_setup_key(api, state, managed, spec, auto_groups)
    elif sorted(usable.get("auto_groups") or []) != sorted(auto_groups):
        api.call("PUT", f"/api/setup-keys/{quote(usable['id'])}", {"revoked": False, "auto_groups": auto_groups})
        log(f"setup key {name}: auto groups set to {', '.join(spec['autoGroups']) or 'none'}")
    for key in owned:
        if key is not usable and not key.get("revoked"):
            revoke_key(api, key, "replaced")
    assert plain is not None
    return plain


def create_setup_key(api: Api, state: StateDir, managed: Managed, spec: JSON, auto_groups: List[str]) -> str:
    """POST /api/setup-keys (CreateSetupKeyRequest -> SetupKeyClear, the only answer with the plain key).

    expires_in 0 is a key that never expires: the spec says minimum 86400,
    but setupkeys_handler.go refuses only negative values and
    types/setupkey.go GenerateSetupKey leaves ExpiresAt nil for 0."""
    created = api.call("POST", "/api/setup-keys", {
        "name": spec["name"], "type": spec["type"], "expires_in": 0, "auto_groups": auto_groups,
        "usage_limit": spec["usageLimit"], "ephemeral": spec["ephemeral"],
    })
    plain = remember_secret(created["key"])
    managed.add("setupKeys", created["id"])
    state.write(spec["file"], plain + "\n")
    log(f"setup key {spec['name']}: created, stored in {state.file(spec['file'])}")
    return plain


def owned_or_absent(managed: Managed, kind: str, label: str, items: JSON, name: str, hint: str) -> Optional[JSON]:
    """The object of that name this script created, None if there is none; another's is an error."""
    found = by_name(items, name)
    mine = [i for i in found if managed.owns(kind, i["id"])]
    if mine:
        return mine[0]
    if found:
        fail(EXIT_API, f"{label} {name}: one exists that this script did not create; "
                       f"delete or rename it in the NetBird dashboard ({hint}), then re-run")
    return None


def ensure_network(api: Api, managed: Managed, network: JSON) -> str:
    """/api/networks (NetworkRequest -> Network)."""
    existing = api.get("/api/networks") or []
    managed.forget_missing("networks", [n["id"] for n in existing])
    body = {"name": network["name"], "description": network.get("description", "")}
    current = owned_or_absent(managed, "networks", "network", existing, network["name"], "Networks")
    if current is None:
        created = api.call("POST", "/api/networks", body)
        managed.add("networks", created["id"])
        log(f"network {network['name']}: created")
        return created["id"]
    if (current.get("description") or "") != body["description"]:
        api.call("PUT", f"/api/networks/{quote(current['id'])}", body)
        log(f"network {network['name']}: description updated")
    return current["id"]


def ensure_router(api: Api, managed: Managed, network_id: str, router: JSON, groups: Dict[str, str], label: str) -> None:
    """/api/networks/{id}/routers (NetworkRouterRequest -> NetworkRouter): one router, by peer group."""
    path = f"/api/networks/{quote(network_id)}/routers"
    existing = api.get(path) or []
    managed.forget_missing("routers", [r["id"] for r in existing])
    body = {"peer_groups": [groups[g] for g in router["peerGroups"]], "metric": router["metric"],
            "masquerade": router["masquerade"], "enabled": True}
    mine = [r for r in existing if managed.owns("routers", r["id"])]
    if not mine:
        created = api.call("POST", path, body)
        managed.add("routers", created["id"])
        log(f"network {label}: router for {', '.join(router['peerGroups'])} created")
        return
    current = mine[0]
    same = (sorted(current.get("peer_groups") or []) == sorted(body["peer_groups"]) and not current.get("peer")
            and current.get("metric") == body["metric"] and current.get("masquerade") == body["masquerade"]
            and current.get("enabled") is True)
    if not same:
        api.call("PUT", f"{path}/{quote(current['id'])}", body)
        log(f"network {label}: router updated")
    for extra in mine[1:]:
        api.call("DELETE", f"{path}/{quote(extra['id'])}")
        managed.remove("routers", extra["id"])
        log(f"network {label}: extra router {extra['id']} deleted")


def ensure_resources(api: Api, managed: Managed, network_id: str, resources: List[JSON]) -> Tuple[Dict[str, JSON], List[JSON]]:
    """/api/networks/{id}/resources (NetworkResourceRequest -> NetworkResource), by name.

    Returns name -> resource, and the resources this script created that are
    no longer desired (deleted after the policies that may point at them)."""
    path = f"/api/networks/{quote(network_id)}/resources"
    existing = api.get(path) or []
    managed.forget_missing("resources", [r["id"] for r in existing])
    result: Dict[str, JSON] = {}
    for spec in resources:
        result[spec["name"]] = ensure_resource(api, managed, path, spec, existing)
    wanted = {r["name"] for r in resources}
    stale = [r for r in existing if managed.owns("resources", r["id"]) and r.get("name") not in wanted]
    return result, stale


def ensure_resource(api: Api, managed: Managed, path: str, spec: JSON, existing: JSON) -> JSON:
    address = normal_address(spec["address"])
    body: Dict[str, Any] = {"name": spec["name"], "description": spec.get("description", ""),
                            "address": address, "enabled": True}
    current = owned_or_absent(managed, "resources", "network resource", existing, spec["name"], "Networks")
    if current is None:
        created = api.call("POST", path, {**body, "groups": []})
        managed.add("resources", created["id"])
        log(f"resource {spec['name']}: created ({address})")
        return created
    same = (normal_address(current.get("address")) == address and current.get("enabled") is True
            and (current.get("description") or "") == body["description"])
    if same:
        return current
    # Groups a person added the resource to stay (GET gives GroupMinimum, PUT wants ids).
    body["groups"] = [g["id"] for g in current.get("groups") or []]
    updated = api.call("PUT", f"{path}/{quote(current['id'])}", body)
    log(f"resource {spec['name']}: updated ({address})")
    return updated


def delete_resources(api: Api, managed: Managed, network_id: str, stale: List[JSON]) -> None:
    for resource in stale:
        api.call("DELETE", f"/api/networks/{quote(network_id)}/resources/{quote(resource['id'])}")
        managed.remove("resources", resource["id"])
        log(f"resource {resource.get('name')}: deleted (no longer desired)")


def policy_body(spec: JSON, groups: Dict[str, str], resources: Dict[str, JSON]) -> JSON:
    """PolicyCreate/PolicyUpdate with one PolicyRuleUpdate: edge groups -> one network resource.

    No `destinations` key at all: policies_handler.go refuses a rule that has
    both destinations (even empty) and destinationResource."""
    resource = resources[spec["destinationResource"]]
    rule: Dict[str, Any] = {
        "name": spec["name"], "description": spec.get("description", ""), "enabled": True,
        "action": "accept", "bidirectional": False, "protocol": spec["protocol"],
        "sources": [groups[g] for g in spec["sources"]],
        "destinationResource": {"id": resource["id"], "type": resource["type"]},
    }
    if spec.get("ports"):
        rule["ports"] = list(spec["ports"])
    return {"name": spec["name"], "description": spec.get("description", ""), "enabled": True, "rules": [rule]}


def policy_shape(policy: JSON) -> JSON:
    """What a policy means, from a Policy (GET, sources as GroupMinimum) or a request body."""
    def ids(items: Any) -> List[str]:
        return sorted(i["id"] if isinstance(i, dict) else i for i in items or [])

    def resource(r: Any) -> Any:
        return {"id": r.get("id"), "type": r.get("type")} if isinstance(r, dict) and r.get("id") else None

    rules = [{
        "name": r.get("name"), "description": r.get("description") or "", "enabled": r.get("enabled"),
        "action": r.get("action"), "bidirectional": r.get("bidirectional"), "protocol": r.get("protocol"),
        "ports": sorted(r.get("ports") or []), "port_ranges": r.get("port_ranges") or [],
        "sources": ids(r.get("sources")), "destinations": ids(r.get("destinations")),
        "sourceResource": resource(r.get("sourceResource")), "destinationResource": resource(r.get("destinationResource")),
    } for r in policy.get("rules") or []]
    return {"name": policy.get("name"), "description": policy.get("description") or "",
            "enabled": policy.get("enabled"), "posture": policy.get("source_posture_checks") or [], "rules": rules}


def ensure_policies(api: Api, managed: Managed, specs: List[JSON], groups: Dict[str, str], resources: Dict[str, JSON]) -> None:
    """/api/policies: create or update each desired policy; delete the ones this script made that are gone."""
    existing = api.get("/api/policies") or []
    managed.forget_missing("policies", [p["id"] for p in existing])
    for spec in specs:
        body = policy_body(spec, groups, resources)
        current = owned_or_absent(managed, "policies", "policy", existing, spec["name"], "Access Control > Policies")
        if current is None:
            created = api.call("POST", "/api/policies", body)
            managed.add("policies", created["id"])
            log(f"policy {spec['name']}: created")
        elif policy_shape(current) != policy_shape(body):
            rule_ids = [r.get("id") for r in current.get("rules") or [] if r.get("id")]
            if rule_ids:
                body["rules"][0]["id"] = rule_ids[0]
            api.call("PUT", f"/api/policies/{quote(current['id'])}", body)
            log(f"policy {spec['name']}: updated")
    wanted = {s["name"] for s in specs}
    for policy in existing:
        if managed.owns("policies", policy["id"]) and policy.get("name") not in wanted:
            api.call("DELETE", f"/api/policies/{quote(policy['id'])}")
            managed.remove("policies", policy["id"])
            log(f"policy {policy.get('name')}: deleted (no longer desired)")


def delete_other_networks(api: Api, managed: Managed, keep_id: str) -> None:
    """A network this script made under another name (renamed in the desired state) goes."""
    for network in api.get("/api/networks") or []:
        if managed.owns("networks", network["id"]) and network["id"] != keep_id:
            api.call("DELETE", f"/api/networks/{quote(network['id'])}")
            managed.remove("networks", network["id"])
            log(f"network {network.get('name')}: deleted (no longer desired)")


def write_agent_env(path: str, key: str) -> None:
    """The agent's env file, rewritten only when the key changed; one line says which."""
    content = f"NB_SETUP_KEY='{key}'\n"
    if read_text(path) == content:
        print("agent-env: unchanged", flush=True)
        return
    write_private(path, content)
    print("agent-env: changed", flush=True)


# --------------------------------------------------------------------------
# Main


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Create and keep NetBird's objects for bifrost's path to the home LAN.")
    parser.add_argument("--api", required=True, help="management API base URL, e.g. http://10.0.0.3:80")
    parser.add_argument("--desired", required=True, help="desired state JSON")
    parser.add_argument("--state-dir", required=True, help="token, setup keys and managed.json (0700)")
    parser.add_argument("--owner-env", required=True, help="env file with NETBIRD_OWNER_PASSWORD='...'")
    parser.add_argument("--agent-env", help="write NB_SETUP_KEY='<agentSetupKey's key>' here")
    parser.add_argument("--start-wait", type=float, default=DEFAULT_START_WAIT_SECONDS,
                        help="seconds to keep retrying while the API refuses connections (default 60)")
    return parser.parse_args(argv)


def reconcile(args: argparse.Namespace) -> None:
    desired = load_desired(args.desired)
    password = load_owner_password(args.owner_env)
    state = StateDir(args.state_dir)
    api = Api(args.api)
    setup_required = wait_for_instance(api, args.start_wait)
    obtain_token(api, state, desired["owner"], password, setup_required)
    user_id = current_user(api, state)
    rotate_token_if_due(api, state, user_id)
    sync_owner_password(api, state, user_id, password)
    api.changes = 0  # count the objects' changes only

    managed = Managed(state)
    groups = ensure_groups(api, managed, desired["groups"])
    keys = ensure_setup_keys(api, state, managed, desired["setupKeys"], groups)
    network = desired["network"]
    network_id = ensure_network(api, managed, network)
    ensure_router(api, managed, network_id, network["router"], groups, network["name"])
    resources, stale = ensure_resources(api, managed, network_id, network["resources"])
    ensure_policies(api, managed, desired["policies"], groups, resources)
    delete_resources(api, managed, network_id, stale)
    delete_other_networks(api, managed, network_id)
    log(f"done: {api.changes} change(s)" if api.changes else "done: everything as desired")

    if args.agent_env and desired.get("agentSetupKey"):
        write_agent_env(args.agent_env, keys[desired["agentSetupKey"]])


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    try:
        reconcile(args)
    except Failure as e:
        print(scrub(f"[netbird] error: {e.message}"), file=sys.stderr, flush=True)
        return e.code
    except Exception as e:  # a bug or an odd answer: no traceback, which could carry a secret
        print(scrub(f"[netbird] error: unexpected {type(e).__name__}: {e}"), file=sys.stderr, flush=True)
        return EXIT_API
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
