# What a failed or finished container may leave on the host, for
# before/after comparisons.  Source from bats files:
#   load ../helpers/leaks
# host_snapshot FILE     mount points, cgroup dirs and processes of ocirun
# assert_no_leaks FILE   compare with now; print the difference and fail

host_snapshot() {
  {
    echo "# mounts"
    awk '{print $5}' /proc/self/mountinfo | sort
    echo "# cgroups"
    find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort
    echo "# processes"
    # ocirun's own processes, by name: the binary, or its sealed copy
    # (memfd:ocirun).  Matching command lines would also catch the shells,
    # and their subshells, that merely name ocirun in their arguments.
    # pgrep finding none must not fail the snapshot under pipefail.
    { pgrep -a -x '(memfd:)?ocirun' || true; } | awk '{$1=""; print}' | sort
  } >"$1"
}

assert_no_leaks() {
  local before=$1 now
  now=$(mktemp)
  host_snapshot "$now"
  if ! diff -u "$before" "$now"; then
    rm -f "$now"
    echo "host state changed (see diff above)" >&2
    return 1
  fi
  rm -f "$now"
}
