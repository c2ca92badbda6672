#!/bin/sh
# `run` of /bin/true side by side (ocirun, crun, runc) and the floor: the
# quick subset of bench.sh.
#   tests/bench/bench-run.sh [OCIRUN] [RUNS]
OCIRUN=${1:-$(cd "$(dirname "$0")/../.." && pwd)/ocirun}
exec "$(dirname "$0")/bench.sh" -q -r "${2:-100}" "$OCIRUN"
