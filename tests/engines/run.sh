#!/bin/bash
# The engine suite: Podman 4.3 (through conmon) and containerd 1.6 (through
# its runc shims, driven by ctr) run containers with an OCI runtime, end to
# end.  Installs what it needs from Debian, runs under a child subreaper,
# and checks that nothing is left on the host.
#
# usage: tests/engines/run.sh [--runtime PATH] [--no-install] [--no-host-check]
#                             [BATS OPTIONS...]
#   --runtime PATH  the runtime under test (default: $OCIRUN, else the
#                   ocirun built in build/ or in the tree); also
#                   /usr/sbin/runc, or tests/engines/crun-hybrid for crun
#                   (see README.md)
#   --no-install    do not apt-get install the engines
#   --no-host-check skip the host-wide before/after comparisons (the
#                   engines' default paths, and tests/helpers/leaks.bash's
#                   mounts, cgroups and ocirun processes), for machines where
#                   other tests run at the same time; each test still checks
#                   what is its own
#   BATS OPTIONS    passed on, e.g. -f PATTERN to run some tests only
# Must run as root: the tests run real containers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

runtime=${OCIRUN:-}
install=1
host_check=1
bats_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --runtime) runtime=${2:?--runtime needs a path}; shift 2 ;;
    --runtime=*) runtime=${1#--runtime=}; shift ;;
    --no-install) install=0; shift ;;
    --no-host-check) host_check=0; shift ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) bats_args+=("$1"); shift ;;
  esac
done

die() { echo "tests/engines/run.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "the tests run real containers: run as root"
if [ -z "$runtime" ]; then
  for c in "$top/build/ocirun" "$top/ocirun"; do
    [ -x "$c" ] && { runtime=$c; break; }
  done
  [ -n "$runtime" ] || die "no ocirun built: build it, or pass --runtime PATH"
fi
case $runtime in
  */*) runtime=$(realpath "$runtime") ;;
  *) runtime=$(command -v "$runtime") || die "runtime not found: $runtime" ;;
esac
[ -x "$runtime" ] || die "runtime not executable: $runtime"

t_start=$SECONDS
if [ "$install" = 1 ]; then
  # catatonit: the subreaper here, and podman --init's.
  deps=(podman conmon containerd catatonit golang-github-containers-common
        bats busybox-static jq util-linux bsdutils tar)
  missing=()
  for p in "${deps[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "engines: installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi
t_installed=$SECONDS

# Host-wide paths the engines use by default: the suite must not touch them.
global_paths=(/var/lib/containers /var/lib/containerd /run/containers /run/libpod
  /run/containerd /opt/containerd /etc/cni/net.d /var/lib/cni /run/cni
  /dev/shm/libpod_lock /run/runc /run/crun /run/ocirun /var/tmp)
global_snapshot() {
  local p
  for p in "${global_paths[@]}"; do
    if [ -e "$p" ]; then find "$p" -maxdepth 2 2>/dev/null | sort; else echo "$p: absent"; fi
  done
}

# shellcheck source=../helpers/leaks.bash
. "$top/tests/helpers/leaks.bash"
work=$(mktemp -d /tmp/ocirun-engines-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
global_snapshot >"$work/global-before"
# (Its last pipeline fails when no ocirun process runs: with pipefail.)
host_snapshot "$work/host-before" || true

echo "engines: runtime $runtime ($("$runtime" --version 2>&1 | head -1))"
echo "engines: $(podman --version), $(conmon --version | head -1), $(containerd --version | cut -d' ' -f1,3)"

# Exited conmon and shim processes are reparented to the nearest subreaper:
# pid 1 here reaps late, catatonit (not pid 1) makes itself a subreaper.
# A private working dir: nothing an engine writes to its cwd lands here.
cd "$work"
status=0
ENGINES_RUNTIME=$runtime catatonit -- bats --tap --timing --print-output-on-failure "${bats_args[@]}" \
  "$here"/*.bats | tee "$work/tap" || status=1

left=0
if [ "$host_check" = 1 ]; then
  global_snapshot >"$work/global-after"
  if ! diff -u "$work/global-before" "$work/global-after"; then
    echo "engines: host-wide engine paths changed (diff above)" >&2
    left=1
  fi
  # What appeared (not what went: other runs may end meanwhile).
  host_snapshot "$work/host-after" || true
  if comm -13 <(sort "$work/host-before") <(sort "$work/host-after") | grep -v '^#' >"$work/host-new"; then
    echo "engines: new on the host since the start:" >&2
    cat "$work/host-new" >&2
    left=1
  fi
fi
[ "$left" = 0 ] || status=1

passed=$(grep -c '^ok ' "$work/tap" || true)
failed=$(grep -c '^not ok ' "$work/tap" || true)
echo "engines: $(basename "$runtime"): $passed passed, $failed failed;" \
  "installs $((t_installed - t_start)) s, tests $((SECONDS - t_installed)) s" \
  "$([ "$left" = 0 ] || echo '; the host was left changed')"
exit $status
