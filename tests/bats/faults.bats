#!/usr/bin/env bats
# Crash at any step: ocirun built with --enable-fault-injection dies with
# SIGKILL where OCIRUN_FAULT says.  After each crash `state` and `list`
# answer without hanging and tell the truth, `delete --force` removes every
# trace (state dir, cgroups in every hierarchy, mounts, processes) and the
# same id can be created again.  A crashed exec also leaves the init
# running, no process of its own unless it had already exec'd (then
# `delete --force` takes it), and a next exec works.
#
# Run against the fault-injection build only (tests/run-all.sh does):
#   OCIRUN=build-fault/ocirun OCIRUN_RELEASE=build/ocirun bats tests/bats/faults.bats

load helpers-lifecycle

# Every call is bounded: a hang is a failure, not a stuck CI job.
T=20

# Like bats' `run`, but the output goes through a file: a container
# keeps create's stdio open, which would keep `run` waiting for EOF.
call() {
  local out=$TMP/call.out
  status=0
  timeout "$T" "$@" </dev/null >"$out" 2>&1 || status=$?
  output=$(cat "$out")
  mapfile -t lines <"$out"
}

setup() {
  if ! grep -q OCIRUN_FAULT "$OCIRUN"; then
    skip "$OCIRUN is not a --enable-fault-injection build"
  fi
  lifecycle_setup
  bundle_args "$B" sleep 1000
}

teardown() {
  lifecycle_teardown
}

# `state` and `list` answer in time, and what they say is true: a listed
# container's status is one of the spec's, a live status names a live
# process, and an unknown container has no process left.
assert_truthful() {
  local out status_ pid
  call "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$status" -ne 124 ] || { echo "state hung" >&2; return 1; }
  out=$output
  if [ "$status" -eq 0 ]; then
    status_=$(jq -r .status <<<"$out")
    pid=$(jq -r .pid <<<"$out")
    case $status_ in
      creating | created | running)
        if [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then
          echo "state says $status_ with pid $pid, which is gone" >&2
          return 1
        fi ;;
      stopped)
        [ "$pid" = 0 ] || { echo "stopped with pid $pid" >&2; return 1; } ;;
      *) echo "unknown status: $out" >&2; return 1 ;;
    esac
  else
    [[ "$out" == *"does not exist"* ]] || { echo "state failed: $out" >&2; return 1; }
  fi
  call "$OCIRUN" --root "$ROOT" list -q
  [ "$status" -eq 0 ] || { echo "list: $status $output" >&2; return 1; }
  if [ -n "$status_" ]; then
    [[ " ${lines[*]} " == *" $ID "* ]] || { echo "list misses $ID: $output" >&2; return 1; }
  fi
}

# delete --force leaves nothing; the id can be used again, all the way.
assert_recovers() {
  call "$OCIRUN" --root "$ROOT" delete --force "$ID"
  [ "$status" -ne 124 ] || { echo "delete --force hung" >&2; return 1; }
  if [ "$status" -ne 0 ]; then
    # Only acceptable when nothing of it was ever recorded.
    [[ "$output" == *"does not exist"* ]] || { echo "delete --force: $output" >&2; return 1; }
  fi
  assert_clean
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ] || { echo "create again: $output" >&2; return 1; }
  call "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 0 ] || { echo "start again: $output" >&2; return 1; }
  wait_status "$ID" running
  timeout "$T" "$OCIRUN" --root "$ROOT" delete --force "$ID"
  assert_clean
}

# Crash `create` at POINT (with the shim, or with --pid-file: no shim).
crash_create() {
  local point=$1
  shift
  call env OCIRUN_FAULT="$point" "$OCIRUN" --root "$ROOT" create -b "$B" "$@" "$ID"
  [ "$status" -ne 124 ] || { echo "create hung at $point" >&2; return 1; }
  [ "$status" -ne 0 ] || { echo "create survived $point: fault point not reached" >&2; return 1; }
}

@test "faults: a normal build ignores OCIRUN_FAULT" {
  [ -n "${OCIRUN_RELEASE:-}" ] || skip "OCIRUN_RELEASE (a normal build) not given"
  ! grep -q OCIRUN_FAULT "$OCIRUN_RELEASE" || false
  call env OCIRUN_FAULT=create:after-state-dir "$OCIRUN_RELEASE" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  timeout "$T" "$OCIRUN_RELEASE" --root "$ROOT" delete --force "$ID"
  assert_clean
}

@test "faults: create killed before its state dir has its name" {
  crash_create create:before-rename
  [ -n "$(ls -A "$ROOT")" ] || { echo "the fault point left no hidden dir" >&2; return 1; }
  assert_truthful
  assert_recovers
}

@test "faults: create killed after the state dir is made" {
  crash_create create:after-state-dir
  assert_truthful
  assert_recovers
}

@test "faults: create killed after the cgroups are made" {
  crash_create create:after-cgroup
  assert_truthful
  assert_recovers
}

@test "faults: create killed after the clone (shim)" {
  crash_create create:after-clone
  assert_truthful
  assert_recovers
}

@test "faults: create killed after the clone (no shim)" {
  crash_create create:after-clone --pid-file "$TMP/pid"
  assert_truthful
  assert_recovers
}

@test "faults: create killed after the init joined the cgroups" {
  crash_create create:after-cgroup-enter
  assert_truthful
  assert_recovers
}

@test "faults: init killed after its mounts: create fails cleanly" {
  crash_create init:after-mounts
  [[ "$output" == *"init"* ]]
  assert_truthful
  assert_clean
  assert_recovers
}

# Without a mount namespace the mounts are the host's: the journal in the
# state dir must undo them after any crash.
no_mount_namespace() {
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "mount"))
    | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .mounts += [{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs"}]'
}

@test "faults: init killed after its mounts, without a mount namespace: none left on the host" {
  no_mount_namespace
  crash_create init:after-mounts
  assert_truthful
  assert_clean
  assert_recovers
}

@test "faults: create killed once the init is ready, without a mount namespace: delete --force unmounts" {
  no_mount_namespace
  crash_create create:after-ready
  grep -q -- "$B/rootfs/mnt/tmp" /proc/self/mountinfo
  assert_truthful
  assert_recovers
}

@test "faults: create killed once the init is ready" {
  crash_create create:after-ready
  assert_truthful
  # The init lives on, recorded: state must not say stopped.
  run "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$(jq -r .status <<<"$output")" = creating ]
  assert_recovers
}

@test "faults: create killed after the state write" {
  crash_create create:after-state-write
  assert_truthful
  run "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$(jq -r .status <<<"$output")" = created ]
  assert_recovers
}

@test "faults: create killed before and after the pid file" {
  crash_create create:after-state-write --pid-file "$TMP/pid"
  [ ! -e "$TMP/pid" ]
  assert_truthful
  assert_recovers
  crash_create create:after-pid-file --pid-file "$TMP/pid2"
  [ -s "$TMP/pid2" ]
  assert_truthful
  assert_recovers
}

@test "faults: shim killed before it reports the init" {
  crash_create shim:after-spawn
  [[ "$output" == *"shim"* ]]
  assert_truthful
  assert_recovers
}

@test "faults: shim killed when the container exits" {
  bundle_args "$B" true
  call env OCIRUN_FAULT=shim:before-record-exit "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  call "$OCIRUN" --root "$ROOT" start "$ID"
  wait_status "$ID" stopped
  assert_truthful
  bundle_args "$B" sleep 1000
  assert_recovers
}

@test "faults: init killed once start released it" {
  call env OCIRUN_FAULT=init:after-fifo-open "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  # Released, then gone before it took the release: the fifo hangs up as
  # after an exec, but start must not call that a start.
  call "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 1 ] || { echo "start: status $status, $output" >&2; return 1; }
  [[ "$output" == *"exited before start"* ]]
  wait_status "$ID" stopped
  assert_truthful
  assert_recovers
}

@test "faults: start killed before it releases the init" {
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  call env OCIRUN_FAULT=start:before-release "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 137 ]
  assert_truthful
  run "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$(jq -r .status <<<"$output")" = created ]
  # ... and a second start still works.
  call "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 0 ]
  wait_status "$ID" running
  assert_recovers
}

@test "faults: start killed after it released the init" {
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  call env OCIRUN_FAULT=start:after-release "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 137 ]
  wait_status "$ID" running
  assert_truthful
  assert_recovers
}

@test "faults: delete killed after it killed the init, and after the cgroups went" {
  local point
  for point in delete:after-kill delete:after-cgroup-destroy; do
    call "$OCIRUN" --root "$ROOT" run -d -b "$B" "$ID"
    [ "$status" -eq 0 ] || { echo "run -d: $output" >&2; return 1; }
    call env OCIRUN_FAULT=$point "$OCIRUN" --root "$ROOT" delete --force "$ID"
    [ "$status" -eq 137 ] || { echo "$point: $status $output" >&2; return 1; }
    assert_truthful
    run "$OCIRUN" --root "$ROOT" state "$ID"
    [ "$(jq -r .status <<<"$output")" = stopped ]
    assert_recovers
    timeout "$T" "$OCIRUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
  done
}

@test "faults: foreground run killed while the container runs" {
  call env OCIRUN_FAULT=run:after-start "$OCIRUN" --root "$ROOT" run -b "$B" "$ID"
  [ "$status" -eq 137 ]
  assert_truthful
  assert_recovers
}

# --- exec ---------------------------------------------------------------

# A running container to exec into; INIT is its init's pid.
exec_setup() {
  call "$OCIRUN" --root "$ROOT" run -d -b "$B" "$ID"
  [ "$status" -eq 0 ] || { echo "run -d: $output" >&2; return 1; }
  call "$OCIRUN" --root "$ROOT" state "$ID"
  INIT=$(jq -r .pid <<<"$output")
}

# Crash `exec` at POINT; the rest are exec's options.
crash_exec() {
  local point=$1
  shift
  call env OCIRUN_FAULT="$point" "$OCIRUN" --root "$ROOT" exec "$@" "$ID" sleep 1001
  [ "$status" -ne 124 ] || { echo "exec hung at $point" >&2; return 1; }
  [ "$status" -ne 0 ] || { echo "exec survived $point: fault point not reached" >&2; return 1; }
}

# The container's processes other than its init, from `ocirun ps`.
exec_leftovers() {
  call "$OCIRUN" --root "$ROOT" ps --format json "$ID"
  [ "$status" -eq 0 ] || { echo "ps: $status $output" >&2; return 1; }
  jq -r ".[] | select(. != $INIT)" <<<"$output"
}

# After a crashed exec: state and list tell the truth, the init runs on,
# at most MAX processes of the exec are left in the container (0: the
# crash came before the process could exec), a new exec works, and
# `delete --force` takes the leftovers too.  The id is used again.
assert_exec_recovers() {
  local max=$1 pids p
  assert_truthful
  call "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$(jq -r .status <<<"$output")" = running ] || { echo "not running: $output" >&2; return 1; }
  [ "$(jq -r .pid <<<"$output")" = "$INIT" ] && kill -0 "$INIT" || { echo "init $INIT gone: $output" >&2; return 1; }
  pids=$(exec_leftovers) || return 1
  [ "$(wc -w <<<"$pids")" -le "$max" ] || { echo "stray exec processes: $pids" >&2; return 1; }
  call "$OCIRUN" --root "$ROOT" exec "$ID" echo again
  [ "$status" -eq 0 ] && [ "$output" = again ] || { echo "exec again: $status $output" >&2; return 1; }
  assert_recovers
  for p in $pids; do
    ! kill -0 "$p" 2>/dev/null || { echo "exec process $p survived delete --force" >&2; return 1; }
  done
}

@test "faults: exec killed after it forked its helper" {
  exec_setup
  crash_exec exec:after-spawn -d
  assert_exec_recovers 0
}

@test "faults: exec killed after its helper joined the cgroup" {
  exec_setup
  crash_exec exec:after-cgroup-enter -d
  assert_exec_recovers 0
}

@test "faults: exec's helper killed inside the namespaces: exec fails cleanly" {
  exec_setup
  crash_exec exec:helper-after-join -d
  # runc's status for an exec that failed to start
  [ "$status" -eq 255 ]
  [[ "$output" == *"exec process exited during its setup"* ]]
  assert_exec_recovers 0
}

@test "faults: exec killed once it has the process's pid" {
  exec_setup
  # The process may have told it is ready just before: then it execs.
  crash_exec exec:after-pid -d
  assert_exec_recovers 1
}

@test "faults: exec killed once the process is ready (detached and foreground)" {
  exec_setup
  crash_exec exec:after-ready -d
  assert_exec_recovers 1
  exec_setup
  crash_exec exec:after-ready
  assert_exec_recovers 1
}

@test "faults: exec killed after the exec, before and after the pid file" {
  exec_setup
  crash_exec exec:after-exec -d --pid-file "$TMP/epid"
  [ ! -e "$TMP/epid" ]
  assert_exec_recovers 1
  exec_setup
  crash_exec exec:after-pid-file -d --pid-file "$TMP/epid2"
  [ "$(exec_leftovers)" = "$(cat "$TMP/epid2")" ]
  assert_exec_recovers 1
}

# --- the shim ----------------------------------------------------------

# The old shim reaps its init, then waits (FAULT_HOLD) while the
# container is deleted and a new one made under the same id; released,
# it must not record the old exit in the new container's directory.
@test "faults: an old shim never records its exit into a new container of the same id" {
  local shim i
  bundle_args "$B" true
  call env OCIRUN_FAULT=shim:hold-before-record-exit OCIRUN_FAULT_HOLD="$TMP/go" \
    "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  call "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 0 ]
  for i in $(seq 200); do [ -s "$TMP/go.held" ] && break; sleep 0.05; done
  shim=$(cat "$TMP/go.held")
  [ -n "$shim" ]
  wait_status "$ID" stopped
  call "$OCIRUN" --root "$ROOT" delete "$ID"
  [ "$status" -eq 0 ]
  bundle_args "$B" sleep 1000
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  touch "$TMP/go"
  # Gone, or a zombie nobody reaps yet: it has done its work either way.
  for i in $(seq 200); do
    [ -e "/proc/$shim" ] && ! grep -q '^State:.*Z' "/proc/$shim/status" 2>/dev/null || break
    sleep 0.05
  done
  [ ! -e "/proc/$shim" ] || grep -q '^State:.*Z' "/proc/$shim/status"
  [ ! -e "$ROOT/$ID/exit" ] || { echo "the old shim wrote: $(cat "$ROOT/$ID/exit")" >&2; return 1; }
  run "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$(jq -r .status <<<"$output")" = created ]
  assert_recovers
}

# --- the lock ----------------------------------------------------------

# Wait until the process held at FAULT_HOLD with release file $1 is there.
held_pid() {
  local i
  for i in $(seq 200); do [ -s "$1.held" ] && break; sleep 0.05; done
  cat "$1.held"
}

# A delete opens the directory to lock it and waits (FAULT_HOLD) while
# another delete removes it and a create makes a new one, which it holds
# locked, half made.  Released, the first delete must wait for the
# create's lock on the new directory, not lock the removed one and take
# the new container for a create killed midway.
@test "faults: an operation never locks a directory a delete removed meanwhile" {
  local del create rc
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  OCIRUN_FAULT=lock:after-open OCIRUN_FAULT_HOLD="$TMP/go-del" \
    timeout "$T" "$OCIRUN" --root "$ROOT" delete --force "$ID" </dev/null >"$TMP/del.out" 2>&1 &
  del=$!
  held_pid "$TMP/go-del" >/dev/null
  call "$OCIRUN" --root "$ROOT" delete --force "$ID"
  [ "$status" -eq 0 ]
  OCIRUN_FAULT=create:hold-after-state-dir OCIRUN_FAULT_HOLD="$TMP/go-create" \
    timeout "$T" "$OCIRUN" --root "$ROOT" create -b "$B" "$ID" </dev/null >"$TMP/create.out" 2>&1 &
  create=$!
  held_pid "$TMP/go-create" >/dev/null
  touch "$TMP/go-del"
  sleep 0.5
  touch "$TMP/go-create"
  rc=0
  wait "$create" || rc=$?
  [ "$rc" -eq 0 ] || { echo "create: $rc $(cat "$TMP/create.out")" >&2; return 1; }
  rc=0
  wait "$del" || rc=$?
  [ "$rc" -eq 0 ] || { echo "delete: $rc $(cat "$TMP/del.out")" >&2; return 1; }
  assert_truthful
  assert_recovers
}

# Two creates of one id never both take its directory: it is made under a
# hidden name, locked, and renamed into place only if the id is free.
# (Made in place, a delete could remove it and another create make a new
# one before the first create looked at it: both then owned it, and the
# loser's cleanup removed the winner's directory under its live init.)
@test "faults: a create that loses the id to another create leaves the winner's container alone" {
  local first rc
  bundle_args "$B" sleep 100
  OCIRUN_FAULT=create:hold-before-rename OCIRUN_FAULT_HOLD="$TMP/go-first" \
    timeout "$T" "$OCIRUN" --root "$ROOT" create -b "$B" "$ID" </dev/null >"$TMP/first.out" 2>&1 &
  first=$!
  held_pid "$TMP/go-first" >/dev/null
  # the id is still free: a delete finds nothing, another create takes it
  call "$OCIRUN" --root "$ROOT" delete --force "$ID"
  [ "$status" -eq 0 ]
  call "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  touch "$TMP/go-first"
  rc=0
  wait "$first" || rc=$?
  [ "$rc" -eq 1 ]
  grep -q "already exists" "$TMP/first.out"
  [ -z "$(ls -A "$ROOT" | grep '^\.creating' || true)" ]
  [ "$("$OCIRUN" --root "$ROOT" state "$ID" | jq -r .status)" = created ]
  call "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 0 ]
  call "$OCIRUN" --root "$ROOT" delete --force "$ID"
  [ "$status" -eq 0 ]
  assert_recovers
}
