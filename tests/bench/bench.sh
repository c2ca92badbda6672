#!/bin/bash
# ocirun, crun and runc side by side on this machine: medians of each
# operation and the ratio to crun, peak RSS, the shim's private memory and
# the kernel's floor.  Root only; needs hyperfine, /usr/bin/time, jq.
#
#   tests/bench/bench.sh [-q] [-r RUNS] [-n MANY] [-R ROUNDS] [-o OUT.tsv] [OCIRUN]
#
# -q: only `run` of /bin/true and the floor (what bench-run.sh does).
# RUNS timed runs per case and runtime (default 60), split into ROUNDS
# rounds (default 3) that alternate ocirun, crun, runc so that a change of
# the machine's load hits all three alike.  MANY is the container count of
# the `state`/`list` case with many containers (default 1000).
#
# crun 1.8 refuses containers on this hybrid host unless the cgroup2 mount
# is hidden, so every crun command of the whole benchmark runs in ONE
# private mount namespace (held by a sleeping process, unified unmounted
# there) that hyperfine itself enters once per round: crun pays for no
# wrapper.  What a per-call wrapper would cost is measured apart.
set -euo pipefail

RUNS=60 MANY=1000 ROUNDS=3 OUT= QUICK=
while getopts qr:n:R:o: opt; do
  case $opt in
    q) QUICK=1 ;;
    r) RUNS=$OPTARG ;;
    n) MANY=$OPTARG ;;
    R) ROUNDS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
OCIRUN=${1:-$(cd "$(dirname "$0")/../.." && pwd)/ocirun}
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
RTS=(ocirun crun runc)

for tool in hyperfine jq /usr/bin/time crun runc unshare nsenter; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (apt-get install hyperfine time jq crun runc)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench.sh: run as root" >&2; exit 1; }

TMP=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
HOLDER=
cleanup () {
  set +e
  for rt in "${RTS[@]}"; do
    for id in $(ls "$TMP/root-$rt" 2>/dev/null); do
      case $id in m*-[1-9]*) rm -rf "${TMP:?}/root-$rt/$id" ;; esac
    done
    for id in $(ls "$TMP/root-$rt" 2>/dev/null); do
      rtc "$rt" delete -f "$id" >/dev/null 2>&1
    done
  done
  [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- bundles: busybox /bin/true (and sleep for running containers) -----------
make_bundle () {
  local dir=$1 args=$2
  mkdir -p "$dir/rootfs/bin"
  cp /bin/busybox "$dir/rootfs/bin/busybox"
  for a in true sleep sh; do ln -s busybox "$dir/rootfs/bin/$a"; done
  (cd "$dir" && "$OCIRUN" spec)
  # ociVersion 1.0.2: crun 1.8 rejects newer ones.
  jq --argjson args "$args" '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = $args' \
    "$dir/config.json" >"$dir/c.json"
  mv "$dir/c.json" "$dir/config.json"
}
make_bundle "$TMP/true" '["/bin/true"]'
make_bundle "$TMP/sleep" '["/bin/sleep", "100000"]'

# --- crun's namespace: made once, entered once per hyperfine invocation ------
unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup/unified && exec sleep 100000' &
HOLDER=$!
for _ in $(seq 100); do
  [ "$(readlink "/proc/$HOLDER/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ] && break
  sleep 0.05
done
kill -0 "$HOLDER" 2>/dev/null || { echo "bench.sh: cannot hide /sys/fs/cgroup/unified for crun" >&2; exit 1; }

# The command line of runtime $1 (prefix p- for ids so that the three never
# share a cgroup directory).
rt_cmd () {
  case $1 in
    ocirun) echo "$OCIRUN --root $TMP/root-ocirun" ;;
    crun) echo "crun --root $TMP/root-crun" ;;
    runc) echo "runc --root $TMP/root-runc" ;;
  esac
}
# Run a command of runtime $1 now, in its namespace.
rtc () {
  local rt=$1; shift
  if [ "$rt" = crun ]; then
    nsenter -t "$HOLDER" -m -- $(rt_cmd crun) "$@"
  else
    $(rt_cmd "$rt") "$@"
  fi
}
# hyperfine, in crun's namespace for crun.
hf () {
  local rt=$1; shift
  if [ "$rt" = crun ]; then
    nsenter -t "$HOLDER" -m -- hyperfine "$@"
  else
    hyperfine "$@"
  fi
}

# case NAME -> file of sample times (seconds) per runtime
declare -A MEDIAN
median_of () { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ORDER=()

# bench CASE RUNTIME_FILTER hyperfine-args... ; "@RT@" in args -> runtime cmd
bench_case () {
  local name=$1 runs=$2; shift 2
  local round rt json
  ORDER+=("$name")
  for round in $(seq "$ROUNDS"); do
    for rt in "${RTS[@]}"; do
      json=$TMP/hf.json
      local args=() a cmd
      cmd=$(rt_cmd "$rt")
      for a in "$@"; do args+=("${a//@RT@/$cmd}"); done
      args=("${args[@]//@ID@/b$rt}")
      args=("${args[@]//@RTNAME@/$rt}")
      if [ "$rt" = ocirun ] && [ "$name" = exec ] && ! "$OCIRUN" exec --help >/dev/null 2>&1; then
        continue
      fi
      hf "$rt" -N --style none --warmup 2 --runs "$runs" --export-json "$json" "${args[@]}" >/dev/null 2>"$TMP/hf.err" \
        || { echo "bench.sh: $name with $rt failed:" >&2; cat "$TMP/hf.err" >&2; exit 1; }
      jq -r '.results[0].times[]' "$json" >>"$TMP/t.$name.$rt"
    done
  done
  for rt in "${RTS[@]}"; do
    touch "$TMP/t.$name.$rt"
    MEDIAN[$name.$rt]=$(median_of "$TMP/t.$name.$rt")
  done
  echo "bench.sh: $name done" >&2
}

# --- the cases ---------------------------------------------------------------
T=$TMP/true S=$TMP/sleep
DEL='sh -c "@RT@ delete -f @ID@ >/dev/null 2>&1; true"'

bench_case run "$PER_ROUND" "@RT@ run -b $T @ID@"
if [ -z "$QUICK" ]; then
bench_case create "$PER_ROUND" --prepare "$DEL" --cleanup "$DEL" "@RT@ create -b $T @ID@"
bench_case start "$PER_ROUND" --prepare "sh -c '@RT@ delete -f @ID@ >/dev/null 2>&1; @RT@ create -b $T @ID@'" \
  --cleanup "$DEL" "@RT@ start @ID@"
bench_case delete "$PER_ROUND" --prepare "sh -c '@RT@ create -b $T @ID@'" "@RT@ delete -f @ID@"
bench_case kill "$PER_ROUND" --prepare "sh -c '@RT@ delete -f @ID@ >/dev/null 2>&1; @RT@ run -d -b $S @ID@'" \
  --cleanup "$DEL" "@RT@ kill @ID@ KILL"

# state / list / exec against one long-lived container per runtime
for rt in "${RTS[@]}"; do rtc "$rt" run -d -b "$S" "b$rt" >/dev/null; done
bench_case state-1 "$PER_ROUND" "@RT@ state @ID@"
bench_case list-1 "$PER_ROUND" "@RT@ list"
bench_case exec "$PER_ROUND" "@RT@ exec @ID@ /bin/true"

# MANY containers: one real created container (m-0) and MANY-1 copies of
# its state directory, edited to their own id -- the same per-entry work
# (read the state, check the init's pid) for all three runtimes, without
# 3 x MANY init processes.
for rt in "${RTS[@]}"; do
  rtc "$rt" create -b "$T" "m$rt-0"
  for i in $(seq 1 $((MANY - 1))); do
    cp -a "$TMP/root-$rt/m$rt-0" "$TMP/root-$rt/m$rt-$i"
  done
  if [ "$rt" = runc ]; then
    for i in $(seq 1 $((MANY - 1))); do
      sed -i "s/\"id\":\"mrunc-0\"/\"id\":\"mrunc-$i\"/" "$TMP/root-runc/mrunc-$i/state.json"
    done
  fi
done
n=$(rtc ocirun list -q | wc -l); c=$(rtc crun list -q | wc -l); r=$(rtc runc list -q | wc -l)
echo "bench.sh: list -q counts with MANY=$MANY (+1 running): ocirun $n crun $c runc $r" >&2
bench_case "state-$MANY" "$PER_ROUND" "@RT@ state m@RTNAME@-$((MANY / 2))"
bench_case "list-$MANY" "$(((PER_ROUND + 1) / 2))" "@RT@ list"
for rt in "${RTS[@]}"; do
  for i in $(seq 1 $((MANY - 1))); do rm -rf "$TMP/root-$rt/m$rt-$i"; done
  rtc "$rt" delete -f "m$rt-0"
done

# 100 in a row, and 10 at once
bench_case "100-seq" 3 "sh -c 'for i in \$(seq 100); do @RT@ run -b $T @ID@-\$i || exit 1; done'"
bench_case "10-par" "$PER_ROUND" "sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do @RT@ run -b $T @ID@-p\$i & done; wait'"

# --- memory ------------------------------------------------------------------
peak_rss () { # runtime, subcommand... -> median KiB of /usr/bin/time %M
  local rt=$1; shift
  local f=$TMP/rss.$rt.$1
  for _ in $(seq 9); do
    rtc "$rt" delete -f rss >/dev/null 2>&1 || true
    if [ "$rt" = crun ]; then
      nsenter -t "$HOLDER" -m -- /usr/bin/time -f %M -o "$f.one" $(rt_cmd crun) "$@" rss >/dev/null
    else
      /usr/bin/time -f %M -o "$f.one" $(rt_cmd "$rt") "$@" rss >/dev/null
    fi
    cat "$f.one" >>"$f"
  done
  rtc "$rt" delete -f rss >/dev/null 2>&1 || true
  median_of "$f"
}
for rt in "${RTS[@]}"; do
  MEDIAN[rss-create.$rt]=$(peak_rss "$rt" create -b "$T")
  MEDIAN[rss-run.$rt]=$(peak_rss "$rt" run -b "$T")
done
# The detached shim (ocirun only: crun's and runc's init is reparented).
SHIM_PID=$(ps -o ppid= -p "$(rtc ocirun state bocirun | jq .pid)" | tr -d ' ')
MEDIAN[shim.ocirun]=$(awk '/^Private_(Clean|Dirty)/ { s += $2 } END { print s }' "/proc/$SHIM_PID/smaps_rollup")
MEDIAN[shim.crun]=n/a MEDIAN[shim.runc]=n/a
for rt in "${RTS[@]}"; do rtc "$rt" delete -f "b$rt" >/dev/null; done
fi

# --- the floor and the wrapper crun would cost per call ----------------------
hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "$TMP/floor.json" \
  "unshare --fork --pid --mount --uts --ipc --net --cgroup chroot $T/rootfs /bin/true" \
  "unshare -m sh -c 'umount -l /sys/fs/cgroup/unified; exec /bin/true'" \
  "nsenter -t $HOLDER -m /bin/true" \
  "/bin/true" >/dev/null
floor () { jq -r ".results[$1].median" "$TMP/floor.json"; }

# --- the table -----------------------------------------------------------------
ms () { [ "$1" = n/a ] && echo n/a || awk -v v="$1" 'BEGIN { printf "%.2f", v * 1000 }'; }
ratio () { [ "$1" = n/a ] || [ "$2" = n/a ] && echo n/a || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "# $(uname -n) $(nproc) cpus, kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# ocirun $("$OCIRUN" --version | head -1 | cut -d' ' -f3) ($("$OCIRUN" --version | sed -n 's/^commit: \(.\{8\}\).*/\1/p'), $(file -b "$OCIRUN" | grep -o 'static-pie linked\|dynamically linked')), $(crun --version | head -1), $(runc --version | head -1)"
  echo "# medians of $RUNS runs in $ROUNDS alternating rounds (100-seq: $((3 * ROUNDS)) runs)"
} >"$TMP/head.txt"
{
  printf "case\tocirun\tcrun\trunc\tocirun/crun\trunc/crun\n"
  for name in "${ORDER[@]}"; do
    o=${MEDIAN[$name.ocirun]} c=${MEDIAN[$name.crun]} r=${MEDIAN[$name.runc]}
    printf "%s (ms)\t%s\t%s\t%s\t%s\t%s\n" "$name" "$(ms "$o")" "$(ms "$c")" "$(ms "$r")" "$(ratio "$o" "$c")" "$(ratio "$r" "$c")"
  done
  for name in rss-create rss-run; do
    [ -z "$QUICK" ] || break
    o=${MEDIAN[$name.ocirun]} c=${MEDIAN[$name.crun]} r=${MEDIAN[$name.runc]}
    printf "%s peak (KiB)\t%s\t%s\t%s\t%s\t%s\n" "$name" "$o" "$c" "$r" "$(ratio "$o" "$c")" "$(ratio "$r" "$c")"
  done
  [ -n "$QUICK" ] || printf "shim private (KiB)\t%s\tn/a\tn/a\t-\t-\n" "${MEDIAN[shim.ocirun]}"
  printf "floor: unshare+chroot+true (ms)\t%s\t\t\t%s\t\n" "$(ms "$(floor 0)")" "$(ratio "$(floor 0)" "${MEDIAN[run.crun]}")"
  printf "per-call wrapper unshare -m+umount (ms)\t\t%s\t\t\t\n" "$(ms "$(floor 1)")"
  printf "per-call nsenter -m (ms)\t\t%s\t\t\t\n" "$(ms "$(floor 2)")"
  printf "/bin/true exec (ms)\t%s\t\t\t\t\n" "$(ms "$(floor 3)")"
} >"$TMP/table.tsv"
cat "$TMP/head.txt"
column -t -s $'\t' "$TMP/table.tsv"
[ -z "$OUT" ] || cat "$TMP/head.txt" "$TMP/table.tsv" >"$OUT"
