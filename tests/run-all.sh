#!/bin/bash
# Install what the tests need (Debian 12), build ocirun three times — with
# -Werror, with ASan+UBSan, with fault injection — and run the whole test
# suite (OCIRUN_SOAK=N sizes the release build's soak, 300 by default).
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

# 2. ASan+UBSan build (leak check on): the unit tests and every bats
# suite, the soak and the races sized down (the sanitizers make each
# container about 3x slower).  OCIRUN_ASAN_BATS=0: unit tests only.
rm -rf build-asan && mkdir build-asan
(cd build-asan && ../configure --enable-werror --enable-sanitizers >/dev/null && make -j"$jobs" >/dev/null)
asan_tests=check
[ "${OCIRUN_ASAN_BATS:-1}" = 1 ] || asan_tests=check-unit
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 OCIRUN_SOAK=${OCIRUN_ASAN_SOAK:-60} \
   OCIRUN_CONCURRENCY_ROUNDS=2 make -j"$jobs" "$asan_tests") || status=1
read -r p2 f2 s2 < <(summary build-asan/test-suite.log)

# 3. The release tarball builds and passes its own tests (make distcheck).
# (The soak ran in step 1: a short one here.)
if ! (cd build && OCIRUN_SOAK=20 make -j"$jobs" distcheck >distcheck.log 2>&1); then
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

# 6. The fault-injection build (OCIRUN_FAULT kills ocirun at named points):
# tests/bats/faults.bats against it, with the release build to show that
# one ignores the variable.
rm -rf build-fault && mkdir build-fault
(cd build-fault && ../configure --enable-werror --enable-fault-injection >/dev/null && make -j"$jobs" ocirun >/dev/null)
(cd build-fault && OCIRUN="$PWD/ocirun" OCIRUN_RELEASE="$top/build/ocirun" TOP_SRCDIR="$top" TOP_BUILDDIR="$PWD" \
   bats --tap "$top/tests/bats/faults.bats" >faults.tap) || status=1
cat build-fault/faults.tap
s3=$(grep -c '^ok .*# skip' build-fault/faults.tap || true)
p3=$(($(grep -c '^ok ' build-fault/faults.tap || true) - s3))
f3=$(grep -c '^not ok ' build-fault/faults.tap || true)

for log in build/test-suite.log build-asan/test-suite.log; do
  if grep -q '^FAIL\|^ERROR' "$log"; then
    echo "=== failures in $log"
    cat "$log"
  fi
done
echo "release build: $p1 passed, $f1 failed, $s1 skipped; sanitizer build: $p2 passed, $f2 failed, $s2 skipped;" \
  "fault-injection build: $p3 passed, $f3 failed, $s3 skipped"
echo "$((p1 + p2 + p3)) passed, $((f1 + f2 + f3)) failed, $((s1 + s2 + s3)) skipped"
exit $status
