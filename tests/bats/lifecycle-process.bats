#!/usr/bin/env bats
# What reaches the container's process: fds, namespaces, cgroups, the
# terminal, and the host protections.

load helpers-lifecycle

setup() {
  lifecycle_setup
}

teardown() {
  [ -z "${NOTIFY_LISTENER:-}" ] || kill "$NOTIFY_LISTENER" 2>/dev/null || true
  lifecycle_teardown
}

# The bundle gets sd-notify; a listener on $TMP/host-notify.sock writes
# what it receives to $TMP/notify.out (killed by teardown).
start_notify_listener() {
  local i
  cp "$TOP_BUILDDIR/tests/helpers/sd-notify" "$B/rootfs/bin/sd-notify"
  python3 "$TOP_SRCDIR/tests/helpers/notify-listener.py" "$TMP/host-notify.sock" >"$TMP/notify.out" &
  NOTIFY_LISTENER=$!
  for i in $(seq 100); do grep -q listening "$TMP/notify.out" && break; sleep 0.05; done
}

# Wait (up to 10 s) for READY=1, then the listener goes.
wait_notify_ready() {
  local i
  for i in $(seq 200); do grep -q READY "$TMP/notify.out" && break; sleep 0.05; done
  kill "$NOTIFY_LISTENER"
  NOTIFY_LISTENER=
}

@test "only stdio reaches the process; cwd is inside the container" {
  bundle_args "$B" sh -c 'ls /proc/self/fd | tr "\n" " "; echo; readlink /proc/self/cwd'
  bundle_jq "$B" '.process.cwd = "/tmp"'
  run oci run -b "$B" "$ID" 5</dev/null 6>/dev/null
  [ "$status" -eq 0 ]
  # 3 is ls's own directory fd
  [ "${lines[0]}" = "0 1 2 3 " ]
  [ "${lines[1]}" = /tmp ]
  assert_clean
}

@test "--preserve-fds passes fds 3..3+N-1" {
  echo preserved-data >"$TMP/data"
  bundle_args "$B" sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "'
  run oci run --preserve-fds 1 -b "$B" "$ID" 3<"$TMP/data" 4<"$TMP/data"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = preserved-data ]
  [ "${lines[1]}" = "0 1 2 3 4 " ] # 4 is ls's own directory fd
  assert_clean
}

@test "LISTEN_FDS/LISTEN_PID are passed on and renumbered" {
  echo socket-data >"$TMP/data"
  bundle_args "$B" sh -c 'echo $LISTEN_FDS $LISTEN_PID; cat <&3'
  run sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --root "$1" run -b "$2" "$3"' "$OCIRUN" "$ROOT" "$B" "$ID" 3<"$TMP/data"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = socket-data ]
  assert_clean
}

@test "--console-socket receives the pty master; the process has a terminal" {
  bundle_jq "$B" '.process.terminal = true | .process.args = ["sh", "-c", "tty; echo on-the-pty"]'
  python3 "$TOP_SRCDIR/tests/helpers/console-receiver.py" "$TMP/console.sock" >"$TMP/console.out" &
  local receiver=$!
  for i in $(seq 100); do grep -q listening "$TMP/console.out" && break; sleep 0.05; done
  oci create -b "$B" --console-socket "$TMP/console.sock" "$ID"
  grep -q got-master "$TMP/console.out"
  oci start "$ID"
  wait_status "$ID" stopped
  for i in $(seq 100); do grep -q on-the-pty "$TMP/console.out" && break; sleep 0.05; done
  kill "$receiver" 2>/dev/null || true
  grep -q '^/dev/pts/0' "$TMP/console.out" || grep -q '^/dev/console' "$TMP/console.out"
  grep -q on-the-pty "$TMP/console.out"
  oci delete "$ID"
  assert_clean
}

@test "namespaces: new pid, uts, ipc, mount, net; hostname from the config" {
  bundle_jq "$B" '.hostname = "box1"'
  bundle_args "$B" sh -c 'echo $$; hostname; ls /sys/class/net | tr "\n" " "'
  run oci run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = box1 ]
  [ "${lines[2]}" = "lo " ]
  assert_clean
}

@test "namespaces: joining existing ones by path" {
  bundle_args "$B" sleep 100
  bundle_jq "$B" '.hostname = "first"'
  oci run -d -b "$B" "$ID-a"
  local pid
  pid=$(oci state "$ID-a" | jq -r .pid)
  mkdir "$TMP/b2"
  cp "$B/config.json" "$TMP/b2/"
  ln -s "$B/rootfs" "$TMP/b2/rootfs"
  bundle_jq "$TMP/b2" "del(.hostname) | .process.args = [\"sh\", \"-c\", \"hostname; ls /proc | grep -c '^[0-9]'\"] |
    .linux.namespaces = [.linux.namespaces[] | if .type == \"uts\" or .type == \"pid\" or .type == \"network\" or .type == \"ipc\" then .path = \"/proc/$pid/ns/\" + (if .type == \"network\" then \"net\" else .type end) else . end]"
  run oci run -b "$TMP/b2" "$ID-b"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = first ]
  # the joined pid namespace holds a's sleep and b's own processes
  [ "${lines[1]}" -ge 2 ]
  oci delete -f "$ID-a"
  assert_clean
}

@test "user namespace: uid/gid maps written from outside" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "user"}] |
    .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chown -R 100000:100000 "$B/rootfs"
  chmod 755 "$TMP" "$B" # the mapped root must reach the rootfs
  bundle_args "$B" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
  run oci run -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ +0\ +100000\ +65536$ ]]
  [[ "${lines[1]}" =~ ^\ +0\ +100000\ +65536$ ]]
  [ "${lines[2]}" = 0 ]
  assert_clean
}

@test "time namespace: offsets applied before the init starts" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "time"}] |
    .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
  bundle_args "$B" cat /proc/uptime
  run oci run -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  local up
  up=$(echo "$output" | cut -d. -f1)
  [ "$up" -ge 864000 ]
  assert_clean
}

@test "cgroups: absent cgroupsPath is the id under our own cgroup, every hierarchy" {
  bundle_jq "$B" 'del(.linux.cgroupsPath)'
  bundle_args "$B" sleep 100
  oci run -d -b "$B" "$ID"
  local pid dirs
  pid=$(oci state "$ID" | jq -r .pid)
  # one line per hierarchy, each ending in /<id>
  run cat "/proc/$pid/cgroup"
  for line in "${lines[@]}"; do
    [[ "$line" == *"/$ID" ]]
  done
  [ -d "/sys/fs/cgroup/unified/$ID" ] || [ -d "/sys/fs/cgroup/$ID" ]
  grep -qx "$pid" "$(find /sys/fs/cgroup -path "*unified*" -name "$ID" 2>/dev/null | head -1)/cgroup.procs" || [ ! -d /sys/fs/cgroup/unified ]
  oci delete -f "$ID"
  [ -z "$(find /sys/fs/cgroup -name "$ID" 2>/dev/null)" ]
  assert_clean
}

@test "cgroups: absolute and relative cgroupsPath" {
  bundle_args "$B" sleep 100
  bundle_jq "$B" ".linux.cgroupsPath = \"/ocirun-test-$$-abs/$ID\""
  oci run -d -b "$B" "$ID"
  [ -d "/sys/fs/cgroup/pids/ocirun-test-$$-abs/$ID" ]
  oci delete -f "$ID"
  [ ! -d "/sys/fs/cgroup/pids/ocirun-test-$$-abs/$ID" ]
  # the parent made for the absolute path is ours to remove
  for d in /sys/fs/cgroup/*/"ocirun-test-$$-abs"; do rmdir "$d"; done
  bundle_jq "$B" ".linux.cgroupsPath = \"ocirun-test-$$-rel\""
  oci run -d -b "$B" "$ID"
  local own
  own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
  [ -d "/sys/fs/cgroup/memory${own%/}/ocirun-test-$$-rel" ]
  oci delete -f "$ID"
  [ ! -d "/sys/fs/cgroup/memory${own%/}/ocirun-test-$$-rel" ]
  assert_clean
}

@test "CVE-2019-5736: the init runs from a read-only copy, the host binary is unreachable" {
  bundle_args "$B" sleep 100
  local before
  before=$(sha256sum "$OCIRUN" | cut -d' ' -f1)
  oci create -b "$B" "$ID"
  local pid shim
  pid=$(oci state "$ID" | jq -r .pid)
  shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
  # the init and the shim run from the detached read-only overlay
  # (readlink: the binary's name at the root of a mount in no table)
  assert_protected_exe "$pid" "/$(basename "$OCIRUN")"
  assert_protected_exe "$shim" "/$(basename "$OCIRUN")"
  oci delete "$ID"
  [ "$(sha256sum "$OCIRUN" | cut -d' ' -f1)" = "$before" ]
  assert_clean
}

@test "CVE-2019-5736: where no overlay can be made, the init runs from a sealed memfd" {
  # ':' separates overlay layers, so a binary under such a directory
  # takes the memfd path.
  mkdir "$TMP/a:b"
  cp "$OCIRUN" "$TMP/a:b/ocirun"
  bundle_args "$B" sleep 100
  "$TMP/a:b/ocirun" --root "$ROOT" create -b "$B" "$ID"
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  assert_protected_exe "$pid" "/memfd:ocirun*"
  oci delete "$ID"
  cmp "$OCIRUN" "$TMP/a:b/ocirun"
  assert_clean
}

@test "run in the foreground with a terminal and no --console-socket: ocirun relays the pty" {
  bundle_jq "$B" '.process.terminal = true'
  bundle_args "$B" sh -c 'tty; echo on-the-pty; exit 5'
  run oci run -b "$B" "$ID" </dev/null
  [ "$status" -eq 5 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  [[ "$output" == *on-the-pty* ]]
  assert_clean
}

@test "NOTIFY_SOCKET: the container's READY=1 is relayed with MAINPID" {
  start_notify_listener
  bundle_args "$B" sh -c 'echo $NOTIFY_SOCKET; sleep 0.2; sd-notify; sleep 100'
  NOTIFY_SOCKET="$TMP/host-notify.sock" oci create -b "$B" "$ID" >"$TMP/out"
  NOTIFY_SOCKET="$TMP/host-notify.sock" timeout 10 "$OCIRUN" --root "$ROOT" start "$ID"
  wait_notify_ready
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  grep -qx "READY=1 MAINPID=$pid" "$TMP/notify.out"
  [ "$(cat "$TMP/out")" = /run/notify/notify.sock ]
  oci delete -f "$ID"
  assert_clean
}

@test "NOTIFY_SOCKET with run: READY=1 is relayed before run waits for the exit" {
  start_notify_listener
  # the process exits only once the host saw READY=1 (the file appears)
  bundle_args "$B" sh -c 'sd-notify; while [ ! -e /tmp/seen ]; do sleep 0.05; done; exit 6'
  NOTIFY_SOCKET="$TMP/host-notify.sock" timeout 20 "$OCIRUN" --root "$ROOT" run -b "$B" "$ID" &
  local run_pid=$! pid=
  wait_notify_ready
  pid=$(oci state "$ID" | jq -r .pid)
  grep -qx "READY=1 MAINPID=$pid" "$TMP/notify.out"
  touch "$B/rootfs/tmp/seen"
  local status=0
  wait "$run_pid" || status=$?
  [ "$status" -eq 6 ]
  assert_clean
}

@test "session keyring: a new one named after the id unless --no-new-keyring" {
  # /proc/keys is masked inside the default config: look from the host.
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  grep -q " _ses.$ID: " /proc/keys
  oci delete "$ID"
  # another id: the first keyring is garbage-collected asynchronously
  oci create --no-new-keyring -b "$B" "$ID-nk"
  ! grep -q " _ses.$ID-nk: " /proc/keys || false
  oci delete "$ID-nk"
  assert_clean
}

@test "--no-pivot runs the container too" {
  bundle_args "$B" sh -c 'ls /bin/busybox && echo $$'
  run oci run --no-pivot -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = 1 ]
  assert_clean
}

@test "cgroup namespace: the container's cgroup is its root" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "cgroup"}]'
  bundle_args "$B" cat /proc/self/cgroup
  run oci run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  for line in "${lines[@]}"; do
    [[ "$line" == *:/ ]]
  done
  assert_clean
}

@test "domainname from the config" {
  bundle_jq "$B" '.domainname = "example.test"'
  bundle_args "$B" cat /proc/sys/kernel/domainname
  run oci run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = example.test ]
  assert_clean
}

@test "--debug and --log-format json: runc's JSON lines in --log" {
  bundle_args "$B" true
  oci --debug --log "$TMP/log.json" --log-format json run -b "$B" "$ID"
  jq -e 'select(.level == "debug") | .msg' "$TMP/log.json" | grep -q "init pid"
  run oci --log "$TMP/err.json" --log-format json create -b "$TMP/nope" "$ID"
  [ "$status" -eq 1 ]
  [ "$(jq -r .level "$TMP/err.json")" = error ]
  [[ "$(jq -r .msg "$TMP/err.json")" == *"$TMP/nope"* ]]
  assert_clean
}

@test "CVE-2019-5736: a binary on a read-only mount needs no copy and stays unwritable" {
  bundle_args "$B" sleep 100
  cp "$OCIRUN" "$TMP/ocirun-ro"
  unshare -m sh -c "mount --bind '$TMP/ocirun-ro' '$TMP/ocirun-ro' && mount -o remount,bind,ro '$TMP/ocirun-ro' &&
    '$TMP/ocirun-ro' --root '$ROOT' create -b '$B' '$ID' >/dev/null"
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  [ "$(readlink "/proc/$pid/exe")" = "$TMP/ocirun-ro" ]
  run sh -c "echo x >>/proc/$pid/exe"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]] || [[ "$output" == *"busy"* ]]
  oci delete "$ID"
  assert_clean
}

@test "execCPUAffinity.initial: the init starts on those CPUs, .final overrides at exec" {
  [ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"
  bundle_args "$B" sh -c 'grep Cpus_allowed_list /proc/self/status'
  bundle_jq "$B" '.process.execCPUAffinity = {"initial": "1"}'
  run oci run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Cpus_allowed_list:\t1')" ]
  bundle_jq "$B" '.process.execCPUAffinity = {"initial": "1", "final": "0"}'
  run oci run -b "$B" "$ID-2"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Cpus_allowed_list:\t0')" ]
  assert_clean
}
