#!/bin/bash
# Install what the tests need (Debian 12), build ocirun twice — once with
# -Werror, once with ASan+UBSan — and run the whole test suite.
# Must run as root: the tests run real containers.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" != 0 ]; then
  echo "tests/run-all.sh: the tests run real containers: run as root" >&2
  exit 1
fi

deps=(build-essential autoconf automake pkg-config git
      libyajl-dev libseccomp-dev libcap-dev libselinux1-dev
      bats busybox-static jq python3-jsonschema iproute2 procps util-linux)
missing=()
for p in "${deps[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
./autogen.sh >/dev/null

summary() {
  # automake's test-suite.log: "# PASS:  N" ...
  local log=$1
  awk '/^# (PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):/ {gsub(":","",$2); n[$2]=$3} END {
    printf "%d %d %d\n", n["PASS"]+n["XFAIL"], n["FAIL"]+n["ERROR"]+n["XPASS"], n["SKIP"] }' "$log"
}

status=0
# 1. The release build, warnings as errors, every test.
rm -rf build && mkdir build
(cd build && ../configure --enable-werror >/dev/null && make -j"$jobs" >/dev/null)
(cd build && make -j"$jobs" check) || status=1
read -r p1 f1 s1 < <(summary build/test-suite.log)

# 2. ASan+UBSan build: the unit tests.
rm -rf build-asan && mkdir build-asan
(cd build-asan && ../configure --enable-werror --enable-sanitizers >/dev/null && make -j"$jobs" >/dev/null)
(cd build-asan && make -j"$jobs" check-unit) || status=1
read -r p2 f2 s2 < <(summary build-asan/test-suite.log)

# 3. The release tarball builds and passes its own tests (make distcheck).
if ! (cd build && make -j"$jobs" distcheck >distcheck.log 2>&1); then
  echo "=== make distcheck failed:"
  tail -50 build/distcheck.log
  status=1
fi

# 4. The OCI runtime-tools validation suite (built from Debian's sources);
#    every failure must be listed, with its evidence, in known/*.txt.
val=tests/oci-validation
if ! "$val/run.sh" --runtime "$top/build/ocirun" --known "$val/known/host.txt" \
     --known "$val/known/test-defects.txt" --known "$val/known/ocirun.txt" >build/validation.log 2>&1; then
  echo "=== OCI validation suite failed:"
  grep -v '^ok' build/validation.log | tail -80
  status=1
fi
grep -E '^(assertions|programs):' build/validation.log | sed 's/^/oci-validation /' || true

# 5. Engines end to end: a private podman (through conmon) and a private
#    containerd drive this ocirun.
if ! tests/engines/run.sh --runtime "$top/build/ocirun" >build/engines.log 2>&1; then
  echo "=== engine suite failed:"
  grep -v '^ok' build/engines.log | tail -80
  status=1
fi
grep -E '^engines:' build/engines.log || true

for log in build/test-suite.log build-asan/test-suite.log; do
  if grep -q '^FAIL\|^ERROR' "$log"; then
    echo "=== failures in $log"
    cat "$log"
  fi
done
echo "release build: $p1 passed, $f1 failed, $s1 skipped; sanitizer build: $p2 passed, $f2 failed, $s2 skipped"
echo "$((p1 + p2)) passed, $((f1 + f2)) failed, $((s1 + s2)) skipped"
exit $status
