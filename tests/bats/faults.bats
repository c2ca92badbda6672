#!/usr/bin/env bats
# Crash at any step: ocirun built with --enable-fault-injection dies with
# SIGKILL where OCIRUN_FAULT says.  After each crash `state` and `list`
# answer without hanging and tell the truth, `delete --force` removes every
# trace (state dir, cgroups in every hierarchy, mounts, processes) and the
# same id can be created again.
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
  ! grep -q OCIRUN_FAULT "$OCIRUN_RELEASE"
  call env OCIRUN_FAULT=create:after-state-dir "$OCIRUN_RELEASE" --root "$ROOT" create -b "$B" "$ID"
  [ "$status" -eq 0 ]
  timeout "$T" "$OCIRUN_RELEASE" --root "$ROOT" delete --force "$ID"
  assert_clean
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
