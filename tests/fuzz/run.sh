#!/bin/sh
# Fuzz with libFuzzer for SECONDS (default 60) one TARGET (default config):
#   tests/fuzz/run.sh 300              the config.json parser
#   tests/fuzz/run.sh 120 state        the state store's reader (state, exit)
#   tests/fuzz/run.sh 120 cmdline      the command-line parser (create/run table)
#   tests/fuzz/run.sh 60 all           each of them for SECONDS
# Builds tests/fuzz/.build/fuzz-TARGET with clang (fuzzer, ASan, UBSan)
# from the sources it needs, then runs it on the scratch corpus
# tests/fuzz/corpus-work/TARGET (kept between runs, not committed), seeded
# from tests/fuzz/seeds/TARGET (and, for config, the unit test's good and
# bad samples).  Crashes are written to tests/fuzz/.build/ as
# crash-<sha1>; reproduce one with: tests/fuzz/.build/fuzz-TARGET FILE
# Needs clang and its fuzzer runtime (Debian: clang-14, libclang-rt-14-dev).
set -eu

seconds=${1:-60}
target=${2:-config}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$here/.build}
cc=${CC_FUZZ:-$(command -v clang || command -v clang-14)}

if [ "$target" = all ]; then
  for t in config state cmdline; do
    "$0" "$seconds" "$t"
  done
  exit 0
fi

case $target in
  config)
    sources="$here/fuzz-config.c $top/oci-spec/config*.c $top/oci-spec/json-walk.c $top/oci-spec/json-emit.c $top/oci-spec/json-gen.c $top/src/util/error.c"
    extra="-dict=$here/config.dict -max_len=65536 $top/tests/data/config/good $top/tests/data/config/bad" ;;
  state)
    sources="$here/fuzz-state.c $top/src/core/state.c $top/src/util/error.c $top/src/util/fs.c $top/src/util/proc.c $top/src/util/time.c $top/src/util/log.c"
    extra="-max_len=4096" ;;
  cmdline)
    sources="$here/fuzz-cmdline.c $top/src/cmd/cmdline.c $top/src/cmd/create.c $top/src/util/error.c"
    # --help goes to stdout: not worth reading
    extra="-max_len=1024 -close_fd_mask=1" ;;
  *)
    echo "tests/fuzz/run.sh: unknown target '$target' (config, state, cmdline, all)" >&2
    exit 2 ;;
esac

corpus=$here/corpus-work/$target
mkdir -p "$build" "$corpus"
# The sources include the autoconf header; the fuzzer needs nothing from it
# but the GNU extensions, so an empty one is placed first on the path.
: > "$build/config.h"
# shellcheck disable=SC2086
"$cc" -g -O1 -std=gnu11 -D_GNU_SOURCE -DOCI_SPEC_VERSION='"1.3.0"' -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$build" -I"$top/include" -I"$top" \
    $(pkg-config --cflags yajl) \
    $sources \
    $(pkg-config --libs yajl) -o "$build/fuzz-$target"

cd "$build"
# libFuzzer writes what it finds into the FIRST directory given, and
# deletes there the inputs it reduced: that must be the scratch corpus,
# never the committed samples in $extra.
# shellcheck disable=SC2086
exec ./fuzz-"$target" -max_total_time="$seconds" -print_final_stats=1 "$corpus" "$here/seeds/$target" $extra
