# Shared by the lifecycle suites: a private --root and bundle per test,
# and checks that nothing of a container is left on the host.

load ../helpers/bundle

lifecycle_setup() {
  TMP=$(mktemp -d /tmp/ocirun-test.XXXXXX)
  ROOT=$TMP/root
  B=$TMP/bundle
  ID=ocirun-test-$$-${BATS_TEST_NUMBER}
  make_bundle "$B"
}

lifecycle_teardown() {
  local id
  for id in $(ls "$ROOT" 2>/dev/null); do
    "$OCIRUN" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$TMP"
}

oci() {
  "$OCIRUN" --root "$ROOT" "$@"
}

# Wait (up to 5 s) until `state ID` reports STATUS.
wait_status() {
  local id=$1 want=$2 i
  for i in $(seq 100); do
    [ "$(oci state "$id" 2>/dev/null | jq -r .status)" = "$want" ] && return 0
    sleep 0.05
  done
  echo "container $id never became $want: $(oci state "$id" 2>&1)" >&2
  return 1
}

# Nothing of the test's containers may remain: no state dir, no mount
# under the test's directory, no cgroup named after the id, no process
# (the init and the shim carry --root in their command line).
assert_clean() {
  local i
  if [ -n "$(ls -A "$ROOT" 2>/dev/null)" ]; then
    echo "state left behind: $(ls -A "$ROOT")" >&2
    return 1
  fi
  if grep -q -- "$TMP" /proc/self/mountinfo; then
    echo "mount left behind: $(grep -- "$TMP" /proc/self/mountinfo)" >&2
    return 1
  fi
  if [ -n "$(find /sys/fs/cgroup -name "ocirun-test-$$-*" 2>/dev/null)" ]; then
    echo "cgroup left behind: $(find /sys/fs/cgroup -name "ocirun-test-$$-*")" >&2
    return 1
  fi
  # A shim exits right after it reaped its init: give it a moment.
  for i in $(seq 40); do
    pgrep -f -- "--root $ROOT" >/dev/null || return 0
    sleep 0.05
  done
  echo "process left behind: $(pgrep -af -- "--root $ROOT")" >&2
  return 1
}

# One line on stderr naming `what`, exit status 1, nothing left.
assert_fails_cleanly() {
  local what=$1
  [ "$status" -eq 1 ] || { echo "status $status, output: $output" >&2; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "expected one line: $output" >&2; return 1; }
  [[ "$output" == *"$what"* ]] || { echo "expected '$what' in: $output" >&2; return 1; }
  assert_clean
}

# CVE-2019-5736: process PID runs ocirun from a copy that cannot be
# written -- /proc/PID/exe reads as PATTERN (not the host binary's path)
# and a write through it is refused.
assert_protected_exe() {
  local pid=$1 pattern=$2 exe
  exe=$(readlink "/proc/$pid/exe")
  # shellcheck disable=SC2053 # PATTERN is a glob
  [[ "$exe" == $pattern ]] || { echo "/proc/$pid/exe is $exe, not $pattern" >&2; return 1; }
  if sh -c "echo x >>/proc/$pid/exe" 2>/dev/null; then
    echo "/proc/$pid/exe ($exe) could be written" >&2
    return 1
  fi
}
