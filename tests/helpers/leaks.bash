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
    # Our own test processes come and go; only ocirun's count.
    pgrep -a -f '(^|/)ocirun( |$)' | grep -v -e pgrep -e bats | awk '{$1=""; print}' | sort
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
