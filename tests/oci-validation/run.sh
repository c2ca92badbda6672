#!/bin/bash
# The OCI runtime-tools validation suite (validation/*: 58 TAP programs and
# the in-container checker runtimetest), built offline from Debian's source
# package and run against a runtime.
#
#   run.sh [--runtime PATH] [--cache DIR] [--jobs N] [--timeout S]
#          [--no-root] [--known FILE] [--verbose] [--build-only] [TEST...]
#
# --runtime  the runtime binary, or a wrapper that passes its arguments on
#            (default: ocirun from the build tree, else from PATH)
# --cache    where the source, the build and the run logs go
#            (default ${XDG_CACHE_HOME}/ocirun-validation if XDG_CACHE_HOME
#            is set, else /var/cache/ocirun-validation)
# --jobs     programs run at once (default 1: several of the programs race
#            with the runtime on fixed sleeps and fail more often under
#            load); programs that use the suite's fixed cgroup paths never
#            run at the same time
# --timeout  seconds per program (default 60)
# --no-root  do not give the runtime a private --root per program
# --known    a list of programs expected to fail ("name  # reason" lines)
#            or to leave things behind ("name leaks  # reason"): reported
#            as TODO, they do not fail the run; may be given several times
# --verbose  print every program's whole TAP, not only its failures
# --build-only  install, fetch and build into the cache, run nothing
# TEST       program names (e.g. hostname linux_cgroups_pids); default all
#
# Prints TAP (one line per program, its failed assertions as a subtest)
# and the closing lines "assertions: N passed, M failed, K skipped" and
# "programs: N passed, M failed".  Exit 0 when every program passed (or
# failed as --known expected) and nothing was left on the host.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# The source package and how it is fetched.  The version is pinned so that
# KNOWN.md stays about the same programs; trixie is the oldest suite that
# still serves it.
SRC_PKG=golang-github-opencontainers-runtime-tools
SRC_VERSION=${RUNTIME_TOOLS_VERSION:-0.9.0.109.ge931285-1}
SRC_SUITE=trixie
ARCHIVE=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
IMPORT=github.com/opencontainers/runtime-tools
# Bump when the build steps below change, so that caches are rebuilt.
RECIPE=5

BUILD_DEPS=(golang-go golang-github-google-uuid-dev golang-github-mrunalp-fileutils-dev
  golang-github-opencontainers-specs-dev golang-gocapability-dev
  golang-github-sirupsen-logrus-dev golang-github-urfave-cli-dev golang-golang-x-sys-dev
  golang-github-hashicorp-go-multierror-dev golang-github-opencontainers-selinux-dev
  golang-github-xeipuuv-gojsonschema-dev golang-github-blang-semver-dev
  golang-gopkg-yaml.v2-dev)
RUN_DEPS=(busybox-static debian-archive-keyring ca-certificates xz-utils tar gzip
  coreutils util-linux procps diffutils)

runtime= cache= jobs=1 timeout_s=60 use_root=1 verbose=0 build_only=0 source_sums=
known=()
tests=()

die() { echo "run.sh: $*" >&2; exit 2; }
note() { echo "# $*"; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --runtime) runtime=${2:?}; shift 2 ;;
      --cache) cache=${2:?}; shift 2 ;;
      --jobs) jobs=${2:?}; shift 2 ;;
      --timeout) timeout_s=${2:?}; shift 2 ;;
      --no-root) use_root=0; shift ;;
      --known) known+=("$(realpath "${2:?}")"); shift 2 ;;
      --verbose) verbose=1; shift ;;
      --build-only) build_only=1; shift ;;
      -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
      -*) die "unknown option $1" ;;
      *) tests+=("$1"); shift ;;
    esac
  done
  [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number"
  [[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout wants a positive number"
  if [ -z "$cache" ]; then
    if [ -n "${XDG_CACHE_HOME:-}" ]; then cache=$XDG_CACHE_HOME/ocirun-validation
    else cache=/var/cache/ocirun-validation; fi
  fi
  [ "$build_only" = 0 ] || return 0
  if [ -z "$runtime" ]; then
    for runtime in "$top/build/ocirun" "$top/ocirun" "$(command -v ocirun || true)"; do
      [ -x "$runtime" ] && break
    done
  fi
  [ -n "$runtime" ] && runtime=$(command -v "$runtime" || true)
  [ -n "$runtime" ] && [ -x "$runtime" ] || die "no runtime: give --runtime PATH"
  runtime=$(realpath "$runtime")
  local f
  for f in "${known[@]}"; do [ -r "$f" ] || die "cannot read $f"; done
  return 0
}

# ---------------------------------------------------------------- install

install_deps() {
  local missing=() p
  for p in "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  note "installing ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >&2
}

# ---------------------------------------------------------------- source

# A private apt configuration: its own sources list (one deb-src line for
# the suite, signed by Debian's archive key), state and cache, so that
# nothing under /etc/apt changes and the host's lists stay as they are.
apt_private() {
  local dir=$cache/apt
  apt-get -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::Etc::Preferences="$dir/preferences" \
    -o Dir::Etc::PreferencesParts="$dir/preferences.d" \
    -o Dir::State="$dir/state" -o Dir::Cache="$dir/cache" \
    -o APT::Sandbox::User=root "$@"
}

apt_private_cache() {
  local dir=$cache/apt
  apt-cache -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::State="$dir/state" -o Dir::Cache="$dir/cache" "$@"
}

# The SHA-256 sums the signed Sources index gives for the package's files,
# as "SUM  NAME" lines for sha256sum -c.
indexed_sums() {
  apt_private_cache showsrc "$SRC_PKG" | awk -v ver="$SRC_VERSION" '
    /^Version: / { cur = $2 }
    /^Checksums-Sha256:/ { in_sums = (cur == ver); next }
    /^[^ ]/ { in_sums = 0 }
    in_sums && NF == 3 { print $1 "  " $3 }'
}

# Download the orig and debian tarballs with apt-get source.  apt checks
# the InRelease signature against $KEYRING (--error-on=any makes a bad or
# missing signature fatal) and each file against the index's hashes; the
# sha256sum below checks them once more, against the same signed index.
# The .dsc is not fetched: the archive mirror here does not serve it, and
# its own signature adds nothing the signed index does not give.
fetch_source() {
  local dir=$cache/apt src=$cache/src
  mkdir -p "$dir/sources.list.d" "$dir/preferences.d" "$dir/state/lists/partial" \
    "$dir/cache/archives/partial" "$src"
  : >"$dir/preferences"
  echo "deb-src [signed-by=$KEYRING] $ARCHIVE $SRC_SUITE main" >"$dir/sources.list"
  if ! (cd "$src" && indexed_sums 2>/dev/null | grep -q . &&
        indexed_sums | grep -v '\.dsc$' | sha256sum --quiet -c - >/dev/null 2>&1); then
    note "fetching $SRC_PKG $SRC_VERSION from $SRC_SUITE (private apt configuration)"
    apt_private -q --error-on=any update >&2
    (cd "$src" && apt_private -q source --download-only --tar-only --diff-only \
      "$SRC_PKG=$SRC_VERSION" >&2)
  fi
  local sums
  sums=$(indexed_sums | grep -v '\.dsc$')
  [ "$(echo "$sums" | grep -c .)" -eq 2 ] || die "no checksums for $SRC_PKG $SRC_VERSION in the Sources index"
  (cd "$src" && echo "$sums" | sha256sum --strict --quiet -c - >&2) ||
    die "source files do not match the signed Sources index"
  source_sums=$sums
}

# ---------------------------------------------------------------- build

build_key() {
  local sums=$1
  {
    echo "recipe $RECIPE"
    echo "$sums"
    go version
    dpkg-query -W "${BUILD_DEPS[@]}" busybox-static
    (cd "$here/tap-go" && sha256sum ./*.go)
  } | sha256sum | cut -d' ' -f1
}

unpack_source() {
  local gopath=$1 src=$cache/src
  local dst=$gopath/src/$IMPORT
  mkdir -p "$dst"
  tar -xJf "$src"/"${SRC_PKG}_${SRC_VERSION%-*}".orig.tar.xz -C "$dst" --strip-components=1
  tar -xJf "$src"/"${SRC_PKG}_${SRC_VERSION}".debian.tar.xz -C "$dst"
  local patch
  if [ -f "$dst/debian/patches/series" ]; then
    while read -r patch _; do
      case $patch in ''|'#'*) continue ;; esac
      patch -s -d "$dst" -p1 <"$dst/debian/patches/$patch"
    done <"$dst/debian/patches/series"
  fi
  # Our own TAP package stands in for github.com/mndrix/tap-go.
  mkdir -p "$gopath/src/github.com/mndrix/tap-go"
  cp "$here"/tap-go/*.go "$gopath/src/github.com/mndrix/tap-go/"
}

# The busybox rootfs the programs unpack into each bundle: busybox and its
# applet links in bin/, dev proc sys, etc/passwd and etc/group.
make_rootfs_tarball() {
  local out=$1 tmp
  tmp=$(mktemp -d)
  # The tarball's "./" becomes the bundle directory, the container's root:
  # it must not keep mktemp's 0700, or non-root processes cannot run.
  chmod 755 "$tmp"
  mkdir -p "$tmp"/{bin,dev,proc,sys,etc}
  cp /bin/busybox "$tmp/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/:/bin/false' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$tmp/etc/passwd"
  printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'tty:x:5:' 'nogroup:x:65534:' >"$tmp/etc/group"
  tar -C "$tmp" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . |
    gzip -n >"$out"
  rm -rf "$tmp"
}

# GOPATH mode, offline, against Debian's golang-*-dev packages in
# /usr/share/gocode.  The source has no vendor/ directory; were there one,
# GOPATH mode would use it without -mod=vendor (a module-mode flag).
build_suite() {
  local key=$1 out=$cache/build
  if [ -f "$out/KEY" ] && [ "$(cat "$out/KEY")" = "$key" ]; then
    note "build cached in $out"
    return 0
  fi
  local started=$SECONDS tmp=$cache/build.tmp
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  unpack_source "$tmp/gopath"
  local -x GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$tmp/gopath:/usr/share/gocode" \
    GOCACHE="$cache/gocache" GOTOOLCHAIN=local
  local goarch
  goarch=$(go env GOARCH)
  (
    cd "$tmp/gopath/src/$IMPORT"
    go test -count=1 github.com/mndrix/tap-go
    CGO_ENABLED=0 go build -tags "netgo osusergo" -o "$tmp/bin/runtimetest" ./cmd/runtimetest
    local dirs=()
    mapfile -t dirs < <(find validation -mindepth 1 -maxdepth 1 -type d ! -name util | sort | sed 's,^,./,')
    go build -o "$tmp/bin/" "${dirs[@]}"
  ) >&2
  if ldd "$tmp/bin/runtimetest" >/dev/null 2>&1; then
    die "runtimetest is not static"
  fi
  make_rootfs_tarball "$tmp/bin/rootfs-$goarch.tar.gz"
  (cd "$tmp/gopath/src/$IMPORT/validation" && find . -mindepth 1 -maxdepth 1 -type d ! -name util |
    sed 's,^\./,,' | sort) >"$tmp/PROGRAMS"
  echo "$key" >"$tmp/KEY"
  rm -rf "$tmp/gopath"
  rm -rf "$out" && mv "$tmp" "$out"
  note "built $(wc -l <"$out/PROGRAMS") programs and runtimetest in $((SECONDS - started)) s"
}

source "$here/suite.bash"

main() {
  parse_args "$@"
  [ "$(id -u)" = 0 ] || die "the programs run real containers: run as root"
  mkdir -p "$cache"
  # One build per cache at a time, and one run per host at a time: the
  # programs' fixed cgroup paths would collide between two runs.
  exec 8>"$cache/build.lock"
  flock 8
  install_deps
  local key
  fetch_source
  key=$(build_key "$source_sums")
  build_suite "$key"
  exec 8>&-
  [ "$build_only" = 0 ] || return 0
  exec 9>/run/lock/ocirun-validation.lock
  flock 9
  run_suite
}

main "$@"
