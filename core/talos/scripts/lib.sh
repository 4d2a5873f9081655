# shellcheck shell=bash
# Helpers shared by the talos stack's step scripts (upgrade-node.sh,
# reboot-node.sh, wait-cluster.sh).
#
# A step's command is this file's text followed by its script
# (core/talos/step-scripts.ts): the command Pulumi stores and runs on the
# laptop is self-contained and reads nothing from the repo. This file only
# defines functions; nothing runs until a script calls one.

# Messages start with what the script works on (a node name, "cluster").
log_as() { log_prefix="$1"; }
log() { printf '%s: %s\n' "$log_prefix" "$*"; }
fail() {
  printf '%s: %s\n' "$log_prefix" "$*" >&2
  exit 1
}

# A private temp dir for this run ($workdir) that holds the credentials; the
# trap removes it on every exit, and signals are turned into exits so it runs
# then too.
make_private_workdir() {
  workdir="$(mktemp -d)"
  trap 'rm -rf "$workdir"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  umask 077
}

# Moves a secret from an environment variable into a private file in
# $workdir, so it is never on a command line nor in the tools' environment.
secret_to_file() { # variable file-name
  printf '%s' "${!1}" >"$workdir/$2"
  chmod 600 "$workdir/$2"
  unset "$1"
}

# Runs a check (a command and its arguments) every POLL_SECONDS (default: the
# second argument) until it passes; fails with the message instead once
# SECONDS reaches the deadline.
poll_until() { # deadline default-seconds message check…
  local deadline="$1" every="$2" message="$3"
  shift 3
  until "$@"; do
    ((SECONDS < deadline)) || fail "$message"
    sleep "${POLL_SECONDS:-$every}"
  done
}

# Polls a check every POLL_SECONDS (10) until it passes or GATE_SECONDS run out.
wait_for() { # what check…
  local what="$1"
  shift
  poll_until $((SECONDS + GATE_SECONDS)) 10 "gave up after ${GATE_SECONDS}s waiting for $what" "$@"
}

# A Talos service (etcd, kubelet) reports healthy on a node; not while the
# node's API does not answer.
service_healthy() { # ip service
  [[ "$(talosctl --nodes "$1" get services "$2" --output json 2>/dev/null | jq -r '.spec.healthy')" == true ]]
}

# The number of etcd members a node sees, or -1 if one of them is a learner.
# The table: a header, then one row per member ending in the LEARNER column.
etcd_voting_members() { # ip
  talosctl --nodes "$1" etcd members 2>/dev/null | awk 'NR > 1 && $NF == "false" { n++ } NR > 1 && $NF != "false" { l++ } END { print (l ? -1 : n + 0) }'
}

# The etcd gate. etcd is healthy with every control plane a voting member:
# the service reports healthy on each of CONTROL_PLANE_IPS, and NODE_IP sees
# exactly that many members, none a learner. Taking one member down is only
# safe then.
etcd_healthy() {
  local ip members cps
  IFS=, read -ra cps <<<"$CONTROL_PLANE_IPS"
  for ip in "${cps[@]}"; do
    service_healthy "$ip" etcd || return 1
  done
  members="$(etcd_voting_members "$NODE_IP")" || return 1
  [[ $members == "${#cps[@]}" ]]
}

# Before a control plane (NODE_CLASS) goes down for "$1" (upgrading,
# rebooting), wait for the gate; other nodes run no etcd.
etcd_gate_before() { # doing
  [[ $NODE_CLASS == controlplane ]] || return 0
  log "waiting for etcd to be healthy with all control planes as members"
  wait_for "a healthy etcd before $1" etcd_healthy
}

# After a control plane is back from "$1" (the upgrade, the reboot), wait for
# the gate again, so the next one does not go down before etcd recovered.
etcd_gate_after() { # what
  [[ $NODE_CLASS == controlplane ]] || return 0
  wait_for "etcd to be healthy again after $1" etcd_healthy
}
