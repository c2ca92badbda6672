#!/usr/bin/env bats
# Soak: OCIRUN_SOAK containers in a row (`run` of /bin/true; 300 by
# default, CI's size; 1000 by hand), then the host must be as before:
# nothing of ours in mountinfo, no cgroup directory, an empty --root, no
# open fd on it or the bundle in any process, no ocirun process, no zombie; and no slow-down: the mean time per container
# of the last tenth may not exceed twice that of the first tenth.

load helpers-lifecycle

N=${OCIRUN_SOAK:-300}

setup() {
  lifecycle_setup
  bundle_args "$B" /bin/true
}

teardown() {
  lifecycle_teardown
  # The snapshots live beside $TMP: in it, their own fds would count.
  rm -f "$TMP.before" "$TMP.after"
}

# What of ours could leak: scoped to this test's dirs and ids, so that
# other work on the host does not disturb the comparison.
snapshot() {
  {
    echo "# mounts"
    grep -c -- "$TMP" /proc/self/mountinfo || true
    echo "# cgroups"
    find /sys/fs/cgroup -name "$ID-*" 2>/dev/null | wc -l
    echo "# root"
    ls -A "$ROOT" 2>/dev/null
    echo "# fds on the root or bundle"
    find /proc/[0-9]*/fd -lname "$TMP/*" 2>/dev/null | wc -l
    echo "# zombies among our children"
    ps -o stat= --ppid $$ | grep -c '^Z' || true
    echo "# processes"
    pgrep -f -- "--root $ROOT" | wc -l
  } >"$1"
}

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

@test "soak: $N containers in a row leave the host as it was, without slowing down" {
  local i t0 t1 tenth=$((N / 10)) first=0 last=0
  [ "$tenth" -gt 0 ] || tenth=1
  mkdir -p "$ROOT"
  snapshot "$TMP.before"
  for i in $(seq "$N"); do
    t0=$(now_ms)
    "$OCIRUN" --root "$ROOT" run -b "$B" "$ID-$i" </dev/null >/dev/null 2>"$TMP/err" ||
      { echo "container $i: $(cat "$TMP/err")" >&2; return 1; }
    t1=$(now_ms)
    if [ "$i" -le "$tenth" ]; then first=$((first + t1 - t0)); fi
    if [ "$i" -gt $((N - tenth)) ]; then last=$((last + t1 - t0)); fi
  done
  first=$((first / tenth))
  last=$((last / tenth))
  echo "# soak: $N containers; ms per container: first tenth $first, last tenth $last" >&3
  snapshot "$TMP.after"
  diff -u "$TMP.before" "$TMP.after"
  [ "$last" -le $((2 * first + 5)) ] || { echo "slow-down: $first ms -> $last ms" >&2; false; }
}
