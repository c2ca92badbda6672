# Engine suite: Podman (through conmon) and containerd (through its runc shim)
# drive the OCI runtime under test, ENGINES_RUNTIME (an absolute path).
# Source from the bats files in this folder:  load helpers
#
# Everything is private.  A file's setup_file calls engines_setup_file, which
# makes ENGINES_TMP (a temp dir holding every path the engines write) and
# ENGINES_CG (the name prefix of every cgroup the tests create: each test
# gets its own parent, engines_cgroup_parent).  setup calls engines_setup,
# which snapshots what the test may leave behind; teardown first lets the
# engine clean up as a user would, then calls engines_teardown, which fails
# the test if a mount, cgroup, process or runtime state dir is left and then
# removes it anyway, so that one failure does not cascade.

load ../helpers/bundle

ENGINES_IMAGE=localhost/ocirun-engines/busybox:latest

engines_setup_file() {
  [ "$(id -u)" = 0 ] || { echo "the engine suite runs containers: run as root" >&2; return 1; }
  case ${ENGINES_RUNTIME:-} in
    /*) [ -x "$ENGINES_RUNTIME" ] || { echo "ENGINES_RUNTIME=$ENGINES_RUNTIME is not executable" >&2; return 1; } ;;
    *) echo "set ENGINES_RUNTIME to the absolute path of the runtime under test" >&2; return 1 ;;
  esac
  # Short path: unix socket addresses (containerd's grpc/ttrpc) have a
  # 108-byte limit.
  ENGINES_TMP=$(mktemp -d /tmp/ocirun-eng.XXXXXX)
  ENGINES_CG=ocirun-eng-${ENGINES_TMP##*.}
  ENGINES_RUNTIME_NAME=$(basename "$ENGINES_RUNTIME")
  ENGINES_STATE=$ENGINES_TMP/runtime-state
  export ENGINES_TMP ENGINES_CG ENGINES_RUNTIME_NAME ENGINES_STATE
  mkdir -p "$ENGINES_TMP/bin" "$ENGINES_STATE"
}

# A busybox-static root filesystem as a tar, the image every test runs.
# The shared template's top dir comes from mktemp -d (mode 0700): make / 0755
# so that --user runs can reach /bin.
engines_rootfs_tar() {
  local tar=$ENGINES_TMP/rootfs.tar dir=$ENGINES_TMP/rootfs
  if [ ! -f "$tar" ]; then
    cp -a "$(_rootfs_template)" "$dir" && chmod 0755 "$dir" &&
      tar -C "$dir" -cf "$tar" . && rm -rf "$dir" || return 1
  fi
  echo "$tar"
}

# The cgroup parent of the current test: removed (and checked empty) after it.
engines_cgroup_parent() {
  echo "/$ENGINES_CG-t${BATS_TEST_NUMBER:-0}"
}

# Processes that belong to this file's engines: anything whose command line
# names ENGINES_TMP (conmon, shims, containerd, the runtime) and anything in
# one of our cgroups (the containers' processes).
engines_pids() {
  local p cmd
  { grep -alsF -- "$ENGINES_TMP" /proc/[0-9]*/cmdline
    grep -ls -- ":/$ENGINES_CG" /proc/[0-9]*/cgroup
  } | cut -d/ -f3 | sort -un | while read -r p; do
    [ "$p" != "$$" ] && [ "$p" != "$BASHPID" ] || continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
    cmd=${cmd% }
    [ -n "$cmd" ] || continue # zombies
    echo "$p $cmd"
  done
}

engines_cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/*/; do
    find "$d" -mindepth 1 -maxdepth 1 -type d -name "$ENGINES_CG*" -print 2>/dev/null
  done | while read -r d; do find "$d" -type d; done | sort
}

# Every runtime root (--root) the engines use is ENGINES_STATE/ENGINE/GROUP
# (GROUP: containerd's namespace), made in setup_file; the runtime keeps a
# dir per container in it.
engines_state_entries() {
  # A dot entry is the runtime's own cache (ocirun's .seccomp-cache), kept
  # across containers by design; a container's state is never a dot name.
  find "$ENGINES_STATE" -mindepth 3 -maxdepth 3 ! -name '.*' 2>/dev/null | sort
}

engines_mounts() {
  awk -v t="$ENGINES_TMP" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort
}

# What a test may leave behind, in a form to diff.
engines_snapshot() {
  {
    echo "# mounts under $ENGINES_TMP"
    engines_mounts
    echo "# cgroups $ENGINES_CG*"
    engines_cgroup_dirs
    echo "# processes"
    engines_pids | cut -d' ' -f2- | sort
    echo "# runtime state"
    engines_state_entries
  } >"$1"
}

engines_setup() {
  engines_snapshot "$BATS_TEST_TMPDIR/engines-before"
}

# rmdir (never rm -r) the dirs the engines leave by design in the test's
# cgroup parent: a container cgroup left inside it makes the rmdir fail and
# shows in the snapshot.
engines_remove_cgroup_parent() {
  local parent d sub
  parent=$(engines_cgroup_parent)
  for d in /sys/fs/cgroup/*/"${parent#/}"; do
    [ -d "$d" ] || continue
    for sub in "$d/conmon" "$d"; do
      [ -d "$sub" ] || continue
      # A cgroup left inside is a leak: leave it to the snapshot.
      [ -z "$(find "$sub" -mindepth 1 -maxdepth 1 -type d)" ] || continue
      # conmon may still be on its way out: its cgroup is busy until the
      # kernel has released the task, a moment after cgroup.procs is empty.
      wait_for 3 _rmdir_cgroup "$sub"
    done
  done
  return 0
}

_rmdir_cgroup() {
  rmdir "$1" 2>/dev/null || [ ! -d "$1" ]
}

engines_teardown() {
  engines_remove_cgroup_parent
  local now=$BATS_TEST_TMPDIR/engines-after
  engines_snapshot "$now"
  if diff -u "$BATS_TEST_TMPDIR/engines-before" "$now" >"$BATS_TEST_TMPDIR/engines-diff"; then
    return 0
  fi
  echo "# the test left this behind (removed now):" >&2
  cat "$BATS_TEST_TMPDIR/engines-diff" >&2
  engines_force_cleanup "$BATS_TEST_TMPDIR/engines-before"
  return 1
}

# Remove what a failed test left: processes, mounts, cgroups and runtime
# state that are not in the snapshot BEFORE (empty: everything of ours).
engines_force_cleanup() {
  local before=${1:-/dev/null} pid cmd m d
  while read -r pid cmd; do
    grep -qxF -- "$cmd" "$before" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  done < <(engines_pids)
  engines_mounts | sort -r | while read -r m; do
    grep -qxF -- "$m" "$before" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  engines_cgroup_dirs | sort -r | while read -r d; do
    # A frozen task cannot die: thaw first.
    [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
    [ -f "$d/cgroup.kill" ] && echo 1 >"$d/cgroup.kill" 2>/dev/null
    xargs -r kill -KILL <"$d/cgroup.procs" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
  done
  engines_state_entries | sort -r | while read -r m; do
    grep -qxF -- "$m" "$before" 2>/dev/null || rm -rf "$m"
  done
}

# teardown_file: everything under ENGINES_TMP and every cgroup of ours goes.
engines_teardown_file() {
  [ -n "${ENGINES_TMP:-}" ] && [ -d "$ENGINES_TMP" ] || return 0
  local left
  left=$(engines_snapshot /dev/stdout | grep -v '^#' || true)
  engines_force_cleanup
  rm -rf "$ENGINES_TMP"
  if [ -n "$left" ]; then
    echo "# left at the end of the file (removed now):" >&2
    echo "$left" >&2
    return 1
  fi
}

# Wait until COMMAND... succeeds, polling every 0.1 s for at most SECONDS
# (whole seconds).
wait_for() {
  local seconds=$1 i
  shift
  for ((i = 0; i < ${seconds%.*} * 10 + 1; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}

# No container state in a runtime root: dot entries are the runtime's own
# caches (ocirun's .seccomp-cache), kept across containers by design.
dir_empty() {
  [ -d "$1" ] && [ -z "$(ls "$1")" ]
}

process_gone() {
  [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
