#!/usr/bin/env bats
# Cgroups with real containers on this host: each resource read back from
# the container's cgroup files, update, pause/resume, ps, events (stats
# and OOM), the device cgroup, and the cgroup2-only layout (in a mount
# namespace whose /sys/fs/cgroup is a cgroup2 mount).  No cgroup may stay
# behind: every test compares the host before and after.

load ../helpers/bundle
load ../helpers/leaks

setup ()
{
  TMP=$(mktemp -d)
  ROOT="$TMP/root"
  ID="ocirun-cg-$$-$BATS_TEST_NUMBER"
  O=("$OCIRUN" --root "$ROOT")
  own_snapshot "$TMP/before"
  make_bundle "$TMP/b"
  bundle_args "$TMP/b" sleep 300
}

teardown ()
{
  "${O[@]}" delete -f "$ID" >/dev/null 2>&1 || true
  [ ! -d "$TMP/runc" ] || runc --root "$TMP/runc" delete -f "$ID-runc" >/dev/null 2>&1 || true
  own_assert_no_leaks "$TMP/before"
  rm -rf "$TMP"
}

# The host snapshot narrowed to what this test's container can leave (other
# runtimes may be busy on this host meanwhile).
own_snapshot ()
{
  host_snapshot "$1.all"
  grep -e "$ID" "$1.all" >"$1" || true
  rm -f "$1.all"
}

own_assert_no_leaks ()
{
  own_snapshot "$TMP/after"
  diff -u "$1" "$TMP/after"
}

# The container's directory for a controller, from its v1 mount or cgroup2.
cg_dir ()
{
  local mnt
  mnt=$(awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -1)
  [ -n "$mnt" ] || mnt=$(awk '$9 == "cgroup2" { print $5 }' /proc/self/mountinfo | head -1)
  find "$mnt" -type d -name "$ID" | head -1
}

cg_read ()
{
  cat "$(cg_dir "$1")/$2"
}

# Merge $1 into linux.resources and `run -d`; $output holds what ocirun
# said.  The container keeps the stdio it is given: never a pipe of bats.
start_with ()
{
  local rc=0
  bundle_jq "$TMP/b" ".linux.resources = (.linux.resources // {}) * $1"
  "${O[@]}" run -d -b "$TMP/b" "$ID" </dev/null >"$TMP/run.out" 2>&1 || rc=$?
  output=$(cat "$TMP/run.out")
  [ "$rc" -eq 0 ] || echo "$output"
  return "$rc"
}

# start_with that must fail (and leave nothing behind).
start_fails ()
{
  if start_with "$1"; then
    echo "ocirun run accepted $1"
    return 1
  fi
  [ -z "$("${O[@]}" list -q)" ]
}

a_block_device ()
{
  basename "$(readlink -f "$(ls -d /sys/dev/block/* | head -1)")" >/dev/null
  ls /sys/dev/block | head -1
}

@test "memory: limit, reservation, swap, swappiness, kernelTCP, disableOOMKiller" {
  start_with '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728,"swappiness":10,"kernelTCP":16777216,"disableOOMKiller":true}}'
  [ "$(cg_read memory memory.limit_in_bytes)" = 67108864 ]
  [ "$(cg_read memory memory.soft_limit_in_bytes)" = 33554432 ]
  [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 134217728 ]
  [ "$(cg_read memory memory.swappiness)" = 10 ]
  [ "$(cg_read memory memory.kmem.tcp.limit_in_bytes)" = 16777216 ]
  grep -qx 'oom_kill_disable 1' "$(cg_dir memory)/memory.oom_control"
}

@test "cpu: shares, quota, period, burst, idle, realtime, cpus, mems" {
  start_with '{"cpu":{"shares":512,"quota":50000,"period":200000,"burst":1000,"realtimePeriod":1000000,"realtimeRuntime":1000,"cpus":"0","mems":"0"}}'
  [ "$(cg_read cpu cpu.shares)" = 512 ]
  [ "$(cg_read cpu cpu.cfs_quota_us)" = 50000 ]
  [ "$(cg_read cpu cpu.cfs_period_us)" = 200000 ]
  [ "$(cg_read cpu cpu.cfs_burst_us)" = 1000 ]
  [ "$(cg_read cpu cpu.rt_period_us)" = 1000000 ]
  [ "$(cg_read cpu cpu.rt_runtime_us)" = 1000 ]
  [ "$(cg_read cpuset cpuset.cpus)" = 0 ]
  [ "$(cg_read cpuset cpuset.mems)" = 0 ]
  "${O[@]}" delete -f "$ID"
  start_with '{"cpu":{"idle":1}}'
  [ "$(cg_read cpu cpu.idle)" = 1 ]
}

@test "pids.limit" {
  start_with '{"pids":{"limit":42}}'
  [ "$(cg_read pids pids.max)" = 42 ]
}

@test "pids.limit 1 with a two-step spawn (time namespace): the init starts, and nothing else can" {
  # The intermediate forks the init inside the cgroup: a limit already in
  # place then refused that fork.
  bundle_jq "$TMP/b" '.linux.namespaces += [{"type":"time"}]'
  start_with '{"pids":{"limit":1}}'
  [ "$(cg_read pids pids.max)" = 1 ]
  run "${O[@]}" exec "$ID" true
  [ "$status" -ne 0 ]
  [ "$(cg_read pids pids.current)" = 1 ]
}

@test "blockIO: throttle read/write bps/iops on a real device" {
  dev=$(a_block_device)
  maj=${dev%:*} min=${dev#*:}
  t="[{\"major\":$maj,\"minor\":$min,\"rate\":1048576}]"
  start_with "{\"blockIO\":{\"throttleReadBpsDevice\":$t,\"throttleWriteBpsDevice\":$t,\"throttleReadIOPSDevice\":$t,\"throttleWriteIOPSDevice\":$t}}"
  for f in read_bps write_bps read_iops write_iops; do
    [ "$(cg_read blkio blkio.throttle.${f}_device)" = "$dev 1048576" ]
  done
}

@test "blockIO weight: the kernel has no weight file here, and the error names it" {
  [ ! -e /sys/fs/cgroup/blkio/blkio.weight ] || skip "this kernel has blkio.weight"
  start_fails '{"blockIO":{"weight":500}}'
  [[ "$output" == *"blkio.bfq.weight"* && "$output" == *"500"* ]]
}

@test "hugepageLimits go to the cgroup2 hierarchy, where hugetlb is on this host" {
  start_with '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}'
  [ "$(cg_read hugetlb hugetlb.2MB.max)" = 4194304 ]
}

@test "unified key/values are written in the cgroup2 directory of a hybrid host" {
  start_with '{"unified":{"cgroup.max.descendants":"7"}}'
  dir=$(find "$(awk '$9 == "cgroup2" { print $5 }' /proc/self/mountinfo | head -1)" -type d -name "$ID")
  [ "$(cat "$dir/cgroup.max.descendants")" = 7 ]
}

@test "unified: an unknown key is an error naming it" {
  start_fails '{"unified":{"nosuch.file":"1"}}'
  [[ "$output" == *"nosuch.file"* ]]
}

@test "network and rdma on a host without net_cls/net_prio/rdma: errors naming the controller" {
  start_fails '{"network":{"classID":1048577}}'
  [[ "$output" == *"net_cls"* ]]
  bundle_jq "$TMP/b" 'del(.linux.resources.network)'
  start_fails '{"network":{"priorities":[{"name":"eth0","priority":5}]}}'
  [[ "$output" == *"net_prio"* ]]
  bundle_jq "$TMP/b" 'del(.linux.resources.network)'
  start_fails '{"rdma":{"mlx5_1":{"hcaHandles":3}}}'
  [[ "$output" == *"rdma"* ]]
}

@test "a value the kernel refuses: the error names the file and the value" {
  start_fails '{"cpu":{"cpus":"63"}}'
  [[ "$output" == *"cpuset.cpus"* && "$output" == *"63"* ]]
  [ "$("${O[@]}" list -q)" = "" ]
}

@test "devices: a denied device cannot be opened, an allowed access can, others stay denied" {
  bundle_jq "$TMP/b" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
  bundle_args "$TMP/b" sh -c 'mknod /dev/tmem c 1 1 && echo mknod-ok; head -c1 /dev/tmem; echo > /dev/tmem; echo x > /dev/null && echo null-ok'
  run "${O[@]}" run -b "$TMP/b" "$ID"
  echo "$output"
  [[ "$output" == *"mknod-ok"* && "$output" == *"null-ok"* ]]
  [[ "$output" == *"head: /dev/tmem: Operation not permitted"* ]]
  [[ "$output" == *"can't create /dev/tmem: Operation not permitted"* ]]
  # The last matching rule wins: read access for 1:1, write still denied.
  bundle_jq "$TMP/b" '.linux.resources.devices += [{"allow":true,"type":"c","major":1,"minor":1,"access":"r"}]'
  run "${O[@]}" run -b "$TMP/b" "$ID"
  echo "$output"
  [[ "$output" != *"head: /dev/tmem: Operation not permitted"* ]]
  [[ "$output" == *"can't create /dev/tmem: Operation not permitted"* ]]
}

@test "update: every flag lands in its cgroup file" {
  start_with '{"memory":{"limit":67108864,"swap":134217728}}'
  "${O[@]}" update --memory 100m --memory-swap 200m --memory-reservation 50m --kernel-memory-tcp 8m \
    --cpu-share 300 --cpu-period 150000 --cpu-quota 30000 --cpu-rt-period 900000 --cpu-rt-runtime 500 \
    --cpuset-cpus 0-1 --cpuset-mems 0 --pids-limit 77 "$ID"
  [ "$(cg_read memory memory.limit_in_bytes)" = 104857600 ]
  [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 209715200 ]
  [ "$(cg_read memory memory.soft_limit_in_bytes)" = 52428800 ]
  [ "$(cg_read memory memory.kmem.tcp.limit_in_bytes)" = 8388608 ]
  [ "$(cg_read cpu cpu.shares)" = 300 ]
  [ "$(cg_read cpu cpu.cfs_period_us)" = 150000 ]
  [ "$(cg_read cpu cpu.cfs_quota_us)" = 30000 ]
  [ "$(cg_read cpu cpu.rt_period_us)" = 900000 ]
  [ "$(cg_read cpu cpu.rt_runtime_us)" = 500 ]
  [ "$(cg_read cpuset cpuset.cpus)" = 0-1 ]
  [ "$(cg_read cpuset cpuset.mems)" = 0 ]
  [ "$(cg_read pids pids.max)" = 77 ]
  "${O[@]}" update --cpu-burst 5000 --cpu-idle 1 "$ID"
  [ "$(cg_read cpu cpu.cfs_burst_us)" = 5000 ]
  [ "$(cg_read cpu cpu.idle)" = 1 ]
  # This kernel takes memory.kmem.limit_in_bytes and ignores it: a warning says so.
  run "${O[@]}" update --kernel-memory 64m "$ID"
  [ "$status" -eq 0 ]
  [ "$(cg_read memory memory.kmem.limit_in_bytes)" = 67108864 ] || [[ "$output" == *"kernel memory"* ]]
  # Lowering memory below the current swap total: the order of writes matters.
  "${O[@]}" update --memory 32m --memory-swap 64m "$ID"
  [ "$(cg_read memory memory.limit_in_bytes)" = 33554432 ]
  [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 67108864 ]
}

@test "update: --blkio-weight, the Intel RDT flags and bad sizes fail clearly here" {
  start_with '{}'
  run "${O[@]}" update --blkio-weight 500 "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"blkio"*"weight"* ]]
  run "${O[@]}" update --l3-cache-schema "L3:0=ff" "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"resctrl"* ]]
  run "${O[@]}" update --mem-bw-schema "MB:0=70" "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"resctrl"* ]]
  run "${O[@]}" update --memory 12x "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"invalid value for memory"* ]]
}

@test "update -r FILE and -r - (standard input)" {
  start_with '{}'
  echo '{"memory":{"limit":41943040},"pids":{"limit":12},"cpu":{"shares":700}}' >"$TMP/r.json"
  "${O[@]}" update -r "$TMP/r.json" --memory 1g "$ID"
  [ "$(cg_read memory memory.limit_in_bytes)" = 41943040 ]
  [ "$(cg_read pids pids.max)" = 12 ]
  [ "$(cg_read cpu cpu.shares)" = 700 ]
  echo '{"pids":{"limit":13}}' | "${O[@]}" update -r - "$ID"
  [ "$(cg_read pids pids.max)" = 13 ]
  run "${O[@]}" update -r - "$ID" <<<'{"pids":{"limit":"x"}}'
  [ "$status" -ne 0 ] && [[ "$output" == *"pids"* ]]
}

@test "update: the new values are saved in the container's config, the others kept" {
  start_with '{"memory":{"limit":67108864,"swap":134217728},"cpu":{"shares":200}}'
  local saved=$ROOT/$ID/config.json before
  before=$(jq -c 'del(.linux.resources)' "$saved")
  "${O[@]}" update --memory 100m --cpu-period 150000 --pids-limit 77 "$ID"
  echo '{"memory":{"reservation":1048576},"pids":{"limit":13},"cpu":{"cpus":"0"}}' | "${O[@]}" update -r - "$ID"
  [ "$(jq -c '.linux.resources | {memory, cpu, pids}' "$saved")" = \
    '{"memory":{"limit":104857600,"swap":134217728,"reservation":1048576},"cpu":{"shares":200,"period":150000,"cpus":"0"},"pids":{"limit":13}}' ]
  [ "$(jq -c 'del(.linux.resources)' "$saved")" = "$before" ]
  # A failed update saves nothing.
  run "${O[@]}" update --cpuset-cpus 4096 "$ID"
  [ "$status" -ne 0 ]
  [ "$(jq -r .linux.resources.cpu.cpus "$saved")" = 0 ]
  # The saved config still serves the container: exec reads it.
  "${O[@]}" exec "$ID" true
}

@test "pause and resume: freezer state and the container's status" {
  start_with '{}'
  "${O[@]}" pause "$ID"
  [ "$("${O[@]}" state "$ID" | jq -r .status)" = paused ]
  [ "$(cg_read freezer freezer.state)" = FROZEN ]
  run "${O[@]}" pause "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"container not running"* ]]
  run "${O[@]}" delete "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"paused"* ]]
  "${O[@]}" resume "$ID"
  [ "$("${O[@]}" state "$ID" | jq -r .status)" = running ]
  [ "$(cg_read freezer freezer.state)" = THAWED ]
  run "${O[@]}" resume "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"container not paused"* ]]
}

@test "kill KILL and delete --force of a paused container" {
  start_with '{}'
  "${O[@]}" pause "$ID"
  "${O[@]}" kill "$ID" KILL
  for i in $(seq 50); do [ "$("${O[@]}" state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
  [ "$("${O[@]}" state "$ID" | jq -r .status)" = stopped ]
  "${O[@]}" delete "$ID"
  start_with '{}'
  "${O[@]}" pause "$ID"
  "${O[@]}" delete -f "$ID"
  run "${O[@]}" state "$ID"
  [ "$status" -ne 0 ]
}

@test "ps: table (with ps options) and json list the container's processes" {
  start_with '{}'
  pid=$("${O[@]}" state "$ID" | jq .pid)
  [ "$("${O[@]}" ps -f json "$ID")" = "[$pid]" ]
  run "${O[@]}" ps "$ID"
  [[ "${lines[0]}" == *PID* ]] && [ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" == *" $pid "*"sleep 300"* ]]
  run "${O[@]}" ps "$ID" -- -o pid,comm
  [ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" == *"$pid sleep"* ]]
  run "${O[@]}" ps -f yaml "$ID"
  [ "$status" -ne 0 ]
}

@test "events --stats: runc's JSON with real figures" {
  start_with '{"memory":{"limit":67108864},"pids":{"limit":40}}'
  out=$("${O[@]}" events --stats "$ID")
  echo "$out" | jq -e --arg id "$ID" '.type == "stats" and .id == $id' >/dev/null
  echo "$out" | jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.percpu | length) > 0' >/dev/null
  echo "$out" | jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.limit == 67108864' >/dev/null
  echo "$out" | jq -e '.data.memory.raw.rss != null and .data.memory.swap.limit > 0' >/dev/null
  echo "$out" | jq -e '.data.pids == {"current": 1, "limit": 40}' >/dev/null
  echo "$out" | jq -e '.data.cpuset.cpus | length > 0' >/dev/null
  echo "$out" | jq -e '.data.hugetlb["2MB"].failcnt == 0 and .data.intel_rdt == {} and .data.network_interfaces == null' >/dev/null
  # The same keys as runc's document.
  [ "$(echo "$out" | jq -c '.data | keys')" = '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]' ]
}

@test "events: periodic stats, and an oom event when the container allocates past its limit" {
  bundle_args "$TMP/b" sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 300'
  start_with '{"memory":{"limit":16777216,"swap":16777216}}'
  "${O[@]}" events --interval 200ms "$ID" >"$TMP/events" &
  events_pid=$!
  for i in $(seq 100); do grep -q '"type":"oom"' "$TMP/events" && break; sleep 0.1; done
  kill "$events_pid"
  wait "$events_pid" || true
  grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" "$TMP/events"
  grep '"type":"stats"' "$TMP/events" | head -1 | jq -e '.data.memory.usage.limit == 16777216' >/dev/null
  [ "$(grep -c '"type":"stats"' "$TMP/events")" -ge 2 ]
  run "${O[@]}" events --interval 0s "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"not greater than 0"* ]]
}

@test "events ends when the container stops" {
  bundle_args "$TMP/b" sleep 1
  start_with '{}'
  run timeout 10 "${O[@]}" events --interval 100ms "$ID"
  [ "$status" -eq 0 ]
}

@test "a missing controller is an error, and --systemd-cgroup without systemd fails clearly" {
  run "$OCIRUN" --systemd-cgroup --root "$ROOT" run -d -b "$TMP/b" "$ID" </dev/null
  [ "$status" -ne 0 ] && [[ "$output" == *"systemd is not running"* ]]
}

@test "side by side with runc: the same devices.list and the same events layout" {
  command -v runc >/dev/null || skip "runc is not installed"
  bundle_jq "$TMP/b" '.linux.resources.devices += [{"allow":true,"type":"b","major":7,"minor":0,"access":"r"}]'
  start_with '{"memory":{"limit":67108864},"pids":{"limit":20}}'
  (cd "$TMP/b" && runc --root "$TMP/runc" run -d "$ID-runc" </dev/null >/dev/null 2>&1)
  mnt=$(awk '$9 == "cgroup" && $NF ~ /(^|,)devices(,|$)/ { print $5 }' /proc/self/mountinfo)
  diff <(sort "$mnt/$ID-runc/devices.list") <(sort "$(cg_dir devices)/devices.list")
  # runc's v1 driver does not read hugetlb from cgroup2 (where it is on this host): we do.
  layout='[paths(scalars or . == null or . == {})] | map(map(tostring) | join(".")) | map(select(test("raw|percpu|hugetlb|cache")|not))'
  diff <(runc --root "$TMP/runc" events --stats "$ID-runc" | jq -c "$layout") <("${O[@]}" events --stats "$ID" | jq -c "$layout")
}

@test "cgroup2: a controller that an ancestor with processes cannot delegate is an error" {
  nest="$(awk '$9 == "cgroup2" { print $5 }' /proc/self/mountinfo | head -1)/$ID-nest"
  mkdir "$nest"
  bundle_jq "$TMP/b" '.linux.resources = {"hugepageLimits":[{"pageSize":"2MB","limit":2097152}]}'
  bundle_args "$TMP/b" true
  # ocirun itself in $nest: the container's cgroup is created under it.
  run sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@" </dev/null' "$nest" "${O[@]}" run -b "$TMP/b" "$ID"
  for i in $(seq 50); do rmdir "$nest" 2>/dev/null && break; sleep 0.1; done
  [ ! -d "$nest" ]
  [ "$status" -ne 0 ]
  [[ "$output" == *"\`hugetlb\` controller could not be enabled for \`$nest/$ID\`"* ]]
}

# cgroup v2 alone: this hybrid host's cgroup2 hierarchy mounted over
# /sys/fs/cgroup in a private mount namespace.  It offers hugetlb only (the
# other controllers are bound to v1), so this exercises: placement, the
# eBPF device program, cgroup.freeze, hugetlb, unified, v2 statistics and
# the error for a controller the hierarchy does not offer.
in_v2 ()
{
  unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && "$@"' _ "$@"
}

@test "cgroup v2 only: devices through eBPF, the last matching rule wins" {
  bundle_jq "$TMP/b" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
  bundle_args "$TMP/b" sh -c 'mknod /dev/tmem c 1 1 && echo mknod-ok; head -c1 /dev/tmem; echo > /dev/tmem; echo x > /dev/null && echo null-ok'
  run in_v2 "${O[@]}" run -b "$TMP/b" "$ID"
  echo "$output"
  [[ "$output" == *"mknod-ok"* && "$output" == *"null-ok"* ]]
  [[ "$output" == *"head: /dev/tmem: Operation not permitted"* ]]
  [[ "$output" == *"can't create /dev/tmem: Operation not permitted"* ]]
  bundle_jq "$TMP/b" '.linux.resources.devices += [{"allow":true,"type":"c","major":1,"minor":1,"access":"r"}]'
  run in_v2 "${O[@]}" run -b "$TMP/b" "$ID"
  echo "$output"
  [[ "$output" != *"head: /dev/tmem: Operation not permitted"* ]]
  [[ "$output" == *"can't create /dev/tmem: Operation not permitted"* ]]
}

@test "cgroup v2 only: hugetlb, unified, cgroup.freeze, stats, and a missing controller" {
  bundle_jq "$TMP/b" '.linux.resources = {"hugepageLimits":[{"pageSize":"2MB","limit":2097152}],"unified":{"cgroup.max.descendants":"3"}}'
  script='
    set -e
    "$@" run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1
    cat /sys/fs/cgroup/$ID/hugetlb.2MB.max /sys/fs/cgroup/$ID/cgroup.max.descendants
    "$@" pause "$ID"; "$@" state "$ID" | jq -r .status; cat /sys/fs/cgroup/$ID/cgroup.freeze
    "$@" resume "$ID"; "$@" state "$ID" | jq -r .status
    "$@" events --stats "$ID" | jq -c "[.data.cpu.usage.total > 0, .data.hugetlb[\"2MB\"].failcnt, .data.pids]"
    "$@" delete -f "$ID"
    test ! -e /sys/fs/cgroup/$ID'
  run env B="$TMP/b" ID="$ID" unshare -m --propagation private sh -c "umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && $script" _ "${O[@]}"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '2097152\n3\npaused\n1\nrunning\n[true,0,{}]')" ]
  bundle_jq "$TMP/b" '.linux.resources = {"memory":{"limit":67108864}}'
  run in_v2 "${O[@]}" run -d -b "$TMP/b" "$ID" </dev/null 2>&1 >"$TMP/run.out"
  [ "$status" -ne 0 ] && [[ "$output" == *"\`memory\` cgroup controller is not available"* ]]
}
