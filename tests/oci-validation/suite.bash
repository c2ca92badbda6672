# Running the validation programs and reporting them as TAP; sourced by
# run.sh, which sets runtime, cache, jobs, timeout_s, use_root, known,
# verbose and tests.

source "$here/../helpers/leaks.bash"

# Programs that use the suite's fixed cgroup paths (/cgrouptest and
# testdir/cgrouptest/container): two of them at once would share a cgroup.
uses_fixed_cgroup() {
  case $1 in linux_cgroups_*|delete_resources) return 0 ;; esac
  return 1
}

# The runtime as the programs call it: every call logged (the container
# IDs in it tell which cgroups and mounts were ours), a private --root.
write_runtime_wrapper() {
  local dir=$1
  {
    echo '#!/bin/sh'
    printf 'printf "%%s\\n" "$*" >>%q\n' "$dir/calls"
    if [ "$use_root" = 1 ]; then
      printf 'exec %q --root %q "$@"\n' "$runtime" "$dir/root"
    else
      printf 'exec %q "$@"\n' "$runtime"
    fi
  } >"$dir/runtime"
  chmod 755 "$dir/runtime"
}

prepare_program() {
  local t=$1 dir=$rundir/$1 f
  mkdir -p "$dir/tmp" "$dir/root"
  for f in runtimetest "rootfs-$goarch.tar.gz"; do
    ln "$cache/build/bin/$f" "$dir/$f" 2>/dev/null || cp "$cache/build/bin/$f" "$dir/$f"
  done
  write_runtime_wrapper "$dir"
}

# Start one program in the background; timeout(1) puts it in a process
# group of its own (its pid), which finish_program empties afterwards.
launch_program() {
  local t=$1 dir=$rundir/$1
  prepare_program "$t"
  (
    cd "$dir" || exit 125
    # Not the run's lock (fd 9): a container the program leaves, killed
    # with its run, would hold it and hang every later run.
    exec env RUNTIME="$dir/runtime" TMPDIR="$dir/tmp" \
      timeout -k 10 "$timeout_s" "$cache/build/bin/$t" </dev/null >"$dir/out" 2>"$dir/err" 9>&-
  ) &
  pids[$!]=$t
  started_at[$t]=$SECONDS
}

container_ids() {
  grep -ohE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$@" 2>/dev/null | sort -u || true
}

# Empty the program's process group, delete its containers, unmount and
# remove what it left.  Each leftover is a leak, recorded in $dir/leaks.
reap_program() {
  local t=$1 pgid=$2 dir=$rundir/$1 pid id
  # A runtime that hangs must not hang the run: 20 s per call.
  local rt=(timeout -k 5 20 "$dir/runtime") ids
  if [ "$use_root" = 1 ]; then
    ids=$("${rt[@]}" list -q 2>/dev/null)
  else
    ids=$(for id in $(container_ids "$dir/calls"); do
      "${rt[@]}" state "$id" >/dev/null 2>&1 && echo "$id"; done)
  fi
  for id in $ids; do
    echo "container $id" >>"$dir/leaks"
    "${rt[@]}" delete --force "$id" >/dev/null 2>&1 ||
      echo "container $id: delete --force failed" >>"$dir/leaks"
  done
  # What is left in the program's process group are its own helpers
  # (linux_ns_path* start "unshare ... sleep 10000" and do not always reap
  # them): killed and noted, not a runtime leak.
  for pid in $(pgrep -g "$pgid"); do
    ps -o pid=,stat=,args= -p "$pid" >>"$dir/strays"
    kill -KILL "$pid" 2>/dev/null
  done
  local mnt
  for mnt in $(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    echo "mount $mnt" >>"$dir/leaks"
    umount -l "$mnt" || true
  done
  reap_cgroups "$t"
  rm -rf "$dir/tmp" "$dir/root" "$dir/runtimetest" "$dir/rootfs-$goarch.tar.gz"
}

# Cgroup directories named after the program's containers or after the
# suite's fixed cgroup paths.  For the relative path
# testdir/cgrouptest/container, runtimes (runc too) remove the container's
# own directory but not the two they made above it: those are removed
# here without counting as a leak.
reap_cgroups() {
  local t=$1 dir=$rundir/$1 cg id
  local match=()
  if uses_fixed_cgroup "$t"; then
    match+=(-path '*/cgrouptest' -o -path '*/cgrouptest/*' -o -path '*/testdir' -o -path '*/testdir/*')
  fi
  for id in $(container_ids "$dir/calls"); do
    [ ${#match[@]} -eq 0 ] || match+=(-o)
    match+=(-name "*$id*")
  done
  [ ${#match[@]} -gt 0 ] || return 0
  while read -r cg; do
    case $cg in
      */testdir|*/testdir/cgrouptest) echo "$cg" >>"$dir/cgroup-parents" ;;
      *) echo "cgroup $cg" >>"$dir/leaks" ;;
    esac
    rmdir "$cg" 2>/dev/null || echo "cgroup $cg: cannot remove" >>"$dir/leaks"
  done < <(find /sys/fs/cgroup -mindepth 2 -depth -type d \( "${match[@]}" \) 2>/dev/null)
}

# Counts of the program's own TAP lines (column 0; runtimetest's nested
# output sits inside indented YAML).  Some programs print one TAP document
# per case (linux_cgroups_cpus: two), so the plans add up.  The hook
# programs (prestart_fail...) print no test line at all: "1..0" alone is
# their pass, a YAML block with an error their failure.
count_assertions() {
  awk '
    /^1\.\.[0-9]+/ { plan += substr($1, 4) + 0; has_plan = 1 }
    /^ok / { n++; if ($0 ~ /# [Ss][Kk][Ii][Pp]/) skip++; else pass++ }
    /^not ok / { n++; if ($0 ~ /# [Tt][Oo][Dd][Oo]/) todo++; else fail++ }
    /^  error: / { errors++ }
    END { if (n == 0 && errors) fail++
          printf "%d %d %d %d %d %d\n", pass, fail, skip, todo, has_plan ? plan : -1, n }' "$1"
}

# known_reason NAME [leaks]: the reason the --known lists give for NAME's
# failure (lines "NAME  # reason") or, with "leaks", for what it leaves
# behind (lines "NAME leaks  # reason").
known_reason() {
  local f
  for f in "${known[@]}"; do
    awk -v t="$1" -v kind="${2:-fails}" '
      /^[ \t]*(#|$)/ { next }
      { k = ($2 == "leaks") ? "leaks" : "fails" }
      $1 == t && k == kind { sub(/^[^#]*#[ \t]*/, ""); print; found = 1; exit }
      END { exit !found }' "$f" && return 0
  done
  return 1
}

# The failed assertions with their YAML, then the end of stderr.
print_failure_detail() {
  local dir=$1 rc=$2
  echo "    # Subtest: $(basename "$dir")"
  if [ "$verbose" = 1 ] || ! grep -q '^\(not \)\{0,1\}ok ' "$dir/out"; then
    grep -v '^TAP version' "$dir/out" | sed 's/^/    /'
  else
    awk '/^not ok / && !/# [Tt][Oo][Dd][Oo]/ { show = 1; print; next }
         /^  / && show { print; next } { show = 0 }' "$dir/out" | sed 's/^/    /'
  fi
  case $rc in
    0) ;;
    124|137) echo "    # timed out after ${timeout_s}s" ;;
    *) echo "    # exit status $rc" ;;
  esac
  if [ -s "$dir/err" ]; then
    echo "    # stderr (last 15 lines):"
    tail -n 15 "$dir/err" | sed 's/^/    #   /'
  fi
}

finish_program() {
  local t=$1 rc=$2 pgid=$3 dir=$rundir/$1
  reap_program "$t" "$pgid"
  local pass fail skip todo plan n
  read -r pass fail skip todo plan n < <(count_assertions "$dir/out")
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  total_skip=$((total_skip + skip)) total_todo=$((total_todo + todo))
  local ok=1
  [ "$rc" = 0 ] && [ "$fail" = 0 ] && [ "$plan" = "$n" ] || ok=0
  # The *_fail programs that expect an error from create print nothing
  # at all when they get it: exit 0 with no output is their pass.
  [ "$rc" = 0 ] && [ ! -s "$dir/out" ] && ok=1
  local what="$t ($pass passed, $fail failed, $skip skipped; $((SECONDS - started_at[$t]))s)"
  local directive= reason
  if reason=$(known_reason "$t"); then
    directive=" # TODO known: $reason"
  fi
  number=$((number + 1))
  if [ "$ok" = 1 ]; then
    programs_pass=$((programs_pass + 1))
    [ "$verbose" = 1 ] && print_failure_detail "$dir" "$rc"
    echo "ok $number - $what$directive"
    [ -z "$directive" ] || known_passed+=("$t")
  else
    programs_fail=$((programs_fail + 1))
    print_failure_detail "$dir" "$rc"
    echo "not ok $number - $what$directive"
    [ -n "$directive" ] && known_failed+=("$t") || unexpected+=("$t")
  fi
  if [ -s "$dir/strays" ]; then
    sed 's/^/# the program left its own process (killed): /' "$dir/strays"
  fi
  if [ -s "$dir/leaks" ]; then
    sed 's/^/# left behind (removed): /' "$dir/leaks"
    if known_reason "$t" leaks >/dev/null; then known_leaks+=("$t"); else leaked+=("$t"); fi
  fi
}

# Our part of the host: mounts, cgroups and processes that name this run's
# directory, one of its containers or the suite's fixed cgroup paths.
# (Other users of the machine may change the rest meanwhile.)
our_host_state() {
  local out=$1 patterns=$rundir/patterns
  { echo "$rundir"; echo cgrouptest; echo /testdir; echo /runtimetest
    echo 'sleep 10000'; container_ids "$rundir"/*/calls; } >"$patterns"
  host_snapshot "$out.all" || true  # written for bats: not set -e safe
  ps -eo args= | grep -F -f "$patterns" | grep -v -e 'ps -eo' -e grep >>"$out.all" || true
  grep -F -f "$patterns" "$out.all" >"$out" || true
  rm -f "$out.all"
}

run_programs() {
  local queue=("$@") i t
  declare -gA pids=() started_at=()
  local cgroup_busy=
  while [ ${#queue[@]} -gt 0 ] || [ ${#pids[@]} -gt 0 ]; do
    while [ ${#pids[@]} -lt "$jobs" ]; do
      local pick=-1
      for i in "${!queue[@]}"; do
        if ! uses_fixed_cgroup "${queue[$i]}" || [ -z "$cgroup_busy" ]; then pick=$i; break; fi
      done
      [ "$pick" -ge 0 ] || break
      t=${queue[$pick]}
      unset 'queue[pick]'
      queue=("${queue[@]}")
      uses_fixed_cgroup "$t" && cgroup_busy=$t
      launch_program "$t"
    done
    local done_pid= rc=0
    wait -n -p done_pid || rc=$?
    [ -n "$done_pid" ] || continue
    t=${pids[$done_pid]}
    unset "pids[$done_pid]"
    [ "$cgroup_busy" != "$t" ] || cgroup_busy=
    finish_program "$t" "$rc" "$done_pid"
  done
}

select_programs() {
  local all t
  all=$(cat "$cache/build/PROGRAMS")
  if [ ${#tests[@]} -eq 0 ]; then
    mapfile -t tests <<<"$all"
    return 0
  fi
  for t in "${tests[@]}"; do
    grep -qx -- "$t" <<<"$all" || die "no program $t (see $cache/build/PROGRAMS)"
  done
}

print_summary() {
  echo "# runtime: $runtime; $((SECONDS - run_started))s for ${#tests[@]} programs, $jobs at a time"
  echo "# logs: $rundir"
  [ ${#known_failed[@]} -eq 0 ] || echo "# known failures: ${known_failed[*]}"
  [ ${#known_passed[@]} -eq 0 ] || echo "# listed as known failures but passed: ${known_passed[*]}"
  [ ${#unexpected[@]} -eq 0 ] || echo "# failed: ${unexpected[*]}"
  [ ${#known_leaks[@]} -eq 0 ] || echo "# left things behind, as known: ${known_leaks[*]}"
  [ ${#leaked[@]} -eq 0 ] || echo "# left things behind: ${leaked[*]}"
  [ "$total_todo" = 0 ] || echo "# $total_todo TODO assertions of the suite itself not counted"
  echo "assertions: $total_pass passed, $total_fail failed, $total_skip skipped"
  echo "programs: $programs_pass passed, $programs_fail failed"
}

run_suite() {
  # From here on every failure is looked at and reported: errexit would
  # only end the run on the first grep that finds nothing.
  set +e +o pipefail
  goarch=$(go env GOARCH)
  select_programs
  rundir=$cache/runs/$(basename "$runtime")-$(date +%Y%m%dT%H%M%S)-$$
  mkdir -p "$rundir"
  ln -sfn "$rundir" "$cache/runs/last"
  # Keep the logs of the last few runs only.
  ls -1dt "$cache"/runs/*-*/ | tail -n +6 | xargs -r rm -rf
  total_pass=0 total_fail=0 total_skip=0 total_todo=0 number=0
  programs_pass=0 programs_fail=0 run_started=$SECONDS
  known_failed=() known_passed=() unexpected=() leaked=() known_leaks=()
  our_host_state "$rundir/host.before"

  echo "TAP version 13"
  echo "1..${#tests[@]}"
  run_programs "${tests[@]}"

  our_host_state "$rundir/host.after"
  local status=0
  if ! diff -u "$rundir/host.before" "$rundir/host.after" >"$rundir/host.diff"; then
    echo "# host state changed by this run:"
    sed 's/^/#   /' "$rundir/host.diff"
    status=1
  fi
  print_summary
  [ ${#leaked[@]} -eq 0 ] || status=1
  [ ${#unexpected[@]} -eq 0 ] || status=1
  return $status
}
