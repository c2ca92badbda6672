#!/bin/sh
# Fuzz the config.json parser with libFuzzer for SECONDS (default 60).
#   tests/fuzz/run.sh 300
# Builds tests/fuzz/.build/fuzz-config with clang (fuzzer, ASan, UBSan) from
# the oci-spec sources, then runs it on the scratch corpus
# tests/fuzz/corpus-work/config (kept between runs, not committed), seeded
# from tests/fuzz/seeds/config.  Crashes are written to tests/fuzz/.build/ as
# crash-<sha1>; reproduce one with: tests/fuzz/.build/fuzz-config FILE
# Needs clang and its fuzzer runtime (Debian: clang-14, libclang-rt-14-dev).
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$here/.build}
cc=${CC_FUZZ:-$(command -v clang || command -v clang-14)}

corpus=$here/corpus-work/config
mkdir -p "$build" "$corpus"
# The sources include the autoconf header; the fuzzer needs nothing from it
# but the GNU extensions, so an empty one is placed first on the path.
: > "$build/config.h"
"$cc" -g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$build" -I"$top/include" -I"$top" \
    $(pkg-config --cflags yajl) \
    "$here/fuzz-config.c" "$top"/oci-spec/config*.c "$top/oci-spec/json-walk.c" "$top/src/util/error.c" \
    $(pkg-config --libs yajl) -o "$build/fuzz-config"

cd "$build"
exec ./fuzz-config -max_total_time="$seconds" -dict="$here/config.dict" -max_len=65536 \
    -print_final_stats=1 "$corpus" "$here/seeds/config"
