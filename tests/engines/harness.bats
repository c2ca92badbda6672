#!/usr/bin/env bats
# The suite's own leak checks can fail: a test that leaves a mount, a
# cgroup, a process or a runtime state dir fails, and the leftovers go.

load helpers

setup_file() {
  engines_setup_file
  mkdir -p "$ENGINES_STATE/fake/group"
}

teardown_file() {
  engines_teardown_file
}

setup() {
  engines_setup
}

@test "harness: engines_teardown reports and removes what a test leaves" {
  local parent
  parent=$(engines_cgroup_parent)
  mkdir -p "/sys/fs/cgroup/pids$parent/leaked"
  mkdir -p "$ENGINES_TMP/mnt"
  mount -t tmpfs engines-leak "$ENGINES_TMP/mnt"
  mkdir "$ENGINES_STATE/fake/group/container"
  bash -c "exec -a $ENGINES_TMP/leaked-process sleep 60" 3>&- &

  wait_for 2 _has_leaked_process
  run engines_teardown
  [ "$status" -eq 1 ]
  echo "$output" | grep -q "^+/sys/fs/cgroup/pids$parent/leaked$"
  echo "$output" | grep -q "^+$ENGINES_TMP/mnt$"
  echo "$output" | grep -q "^+$ENGINES_STATE/fake/group/container$"
  echo "$output" | grep -q "^+$ENGINES_TMP/leaked-process 60$"

  # All gone: a second look finds nothing.
  run engines_teardown
  [ "$status" -eq 0 ]
}

_has_leaked_process() {
  engines_pids | grep -q leaked-process
}
