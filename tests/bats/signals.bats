#!/usr/bin/env bats
# Signals to a foreground `ocirun run`: SIGINT and SIGTERM reach the
# container's process and its exit code is ours; SIGKILL of ocirun leaves
# a container that `delete --force` cleans.

load helpers-lifecycle

setup() {
  lifecycle_setup
  bundle_jq "$B" '.root.readonly = false'
}

teardown() {
  lifecycle_teardown
}

# The process says it is ready (its trap is set) by creating a file.
trap_bundle() {
  local sig=$1 code=$2
  bundle_args "$B" sh -c "trap 'exit $code' $sig; touch /tmp/ready; while :; do sleep 0.05; done"
}

wait_file() {
  local i
  for i in $(seq 200); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  echo "$1 never appeared" >&2
  return 1
}

# `run` in the background (bash starts it with SIGINT ignored, as any
# non-interactive shell does: ocirun must forward it all the same).
run_bg() {
  "$OCIRUN" --root "$ROOT" run -b "$B" "$ID" </dev/null >"$TMP/out" 2>&1 &
  RUN_PID=$!
  wait_file "$B/rootfs/tmp/ready"
}

# ocirun's exit code in RC (in this shell: `wait` needs its child).
wait_rc() {
  RC=0
  timeout 20 tail --pid="$RUN_PID" -f /dev/null || { echo "ocirun run did not exit" >&2; return 1; }
  wait "$RUN_PID" || RC=$?
  echo "ocirun run exited with $RC: $(cat "$TMP/out")"
}

@test "signals: SIGTERM to a foreground run reaches the container; its exit code is returned" {
  trap_bundle TERM 7
  run_bg
  kill -TERM "$RUN_PID"
  wait_rc
  [ "$RC" = 7 ]
  assert_clean
}

@test "signals: SIGINT to a foreground run reaches the container; its exit code is returned" {
  trap_bundle INT 9
  run_bg
  kill -INT "$RUN_PID"
  wait_rc
  [ "$RC" = 9 ]
  assert_clean
}

@test "signals: a container killed by a forwarded signal gives 128+N" {
  bundle_args "$B" sh -c 'touch /tmp/ready; exec sleep 1000'
  run_bg
  kill -TERM "$RUN_PID"
  # sleep as pid 1 of its namespace ignores SIGTERM: nothing happens ...
  sleep 0.3
  kill -0 "$RUN_PID"
  # ... until SIGKILL, which is not forwarded but the container's kill is.
  "$OCIRUN" --root "$ROOT" kill "$ID" KILL
  wait_rc
  [ "$RC" = 137 ]
  assert_clean
}

@test "signals: SIGKILL to a foreground run leaves a container delete --force cleans" {
  trap_bundle TERM 7
  run_bg
  kill -KILL "$RUN_PID"
  wait "$RUN_PID" || true
  run "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = running ]
  timeout 20 "$OCIRUN" --root "$ROOT" delete --force "$ID"
  assert_clean
}
