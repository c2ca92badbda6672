#!/usr/bin/env bats
# exec: a new process inside a running container, as runc's exec.

load helpers-lifecycle

setup() {
  lifecycle_setup
  chmod 755 "$TMP" "$B" "$B/rootfs"
  bundle_args "$B" sleep 1000
}

teardown() {
  [ -n "${RECEIVER:-}" ] && kill "$RECEIVER" 2>/dev/null
  lifecycle_teardown
}

# Start the container detached (the shim is its parent).
start_container() {
  oci run -d -b "$B" "$ID"
  INIT=$(oci state "$ID" | jq -r .pid)
}

# The console receiver on $TMP/console.sock, output in $TMP/console.out.
start_receiver() {
  python3 "$TOP_SRCDIR/tests/helpers/console-receiver.py" "$TMP/console.sock" >"$TMP/console.out" &
  RECEIVER=$!
  for i in $(seq 100); do grep -q listening "$TMP/console.out" && return 0; sleep 0.05; done
  return 1
}

# exec ARGS... in the background, output in $TMP/out; once the process
# printed "ready", EXEC_PID is ocirun itself (not an oci() subshell).
exec_until_ready() {
  "$OCIRUN" --root "$ROOT" exec "$ID" "$@" >"$TMP/out" &
  EXEC_PID=$!
  wait_output "$TMP/out" ready
}

# Signal the background exec; its exit status in EXEC_STATUS.
signal_exec() {
  kill -"$1" "$EXEC_PID"
  EXEC_STATUS=0
  wait "$EXEC_PID" || EXEC_STATUS=$?
}

wait_output() {
  local file=$1 text=$2 i
  for i in $(seq 100); do grep -q -- "$text" "$file" && return 0; sleep 0.05; done
  echo "no '$text' in $file: $(cat "$file")" >&2
  return 1
}

@test "exec joins every namespace of the init, its root and its pid namespace" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "time"}, {"type": "cgroup"}]'
  start_container
  run oci exec "$ID" sh -c 'for n in mnt pid net ipc uts cgroup time; do readlink /proc/self/ns/$n; done; echo $$; ls /'
  [ "$status" -eq 0 ]
  local i=0 n
  for n in mnt pid net ipc uts cgroup time; do
    [ "${lines[$i]}" = "$(readlink /proc/$INIT/ns/$n)" ]
    i=$((i + 1))
  done
  # a small pid in the container's pid namespace, its rootfs as "/"
  [ "${lines[7]}" -lt 100 ]
  [[ "$output" == *bin*etc*proc* ]]
  oci delete -f "$ID"
  assert_clean
}

@test "exec into a user namespace container: mapped root, same user namespace" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "user"}] |
    .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .root.readonly = false'
  chown -R 100000:100000 "$B/rootfs"
  start_container
  run oci exec "$ID" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u; touch /tmp/made-by-exec'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$INIT/ns/user)" ]
  [[ "${lines[1]}" =~ ^\ +0\ +100000\ +65536$ ]]
  [ "${lines[2]}" = 0 ]
  [ "$(stat -c %u "$B/rootfs/tmp/made-by-exec")" = 100000 ]
  oci delete -f "$ID"
  assert_clean
}

@test "the process's exit code is returned; 128+N when killed by signal N" {
  start_container
  run oci exec "$ID" sh -c 'exit 42'
  [ "$status" -eq 42 ]
  run oci exec "$ID" sh -c 'kill -TERM $$'
  [ "$status" -eq 143 ]
  run oci exec "$ID" true
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  oci delete -f "$ID"
  assert_clean
}

@test "ocirun's own failures exit 255; a usage error exits 1" {
  start_container
  run oci exec "$ID-none" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"exec failed: container \`$ID-none\` does not exist"* ]]
  run oci exec "$ID" no-such-binary
  [ "$status" -eq 255 ]
  [[ "$output" == *'"no-such-binary": executable file not found in $PATH'* ]]
  run oci exec --cwd /no/such/dir "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"/no/such/dir"*"No such file or directory"* ]]
  run oci exec --pid-file "$TMP/no/such/dir/pid" "$ID" true
  [ "$status" -eq 255 ]
  run oci exec "$ID"
  [ "$status" -eq 255 ]
  [[ "$output" == *"exec args cannot be empty"* ]]
  run oci exec -u notanumber "$ID" true
  [ "$status" -eq 255 ]
  run oci exec
  [ "$status" -eq 1 ]
  run oci exec --no-such-flag "$ID" true
  [ "$status" -eq 1 ]
  # nothing of the failed execs is left in the container
  [ "$(oci ps -f json "$ID")" = "[$INIT]" ]
  oci delete -f "$ID"
  assert_clean
}

@test "--env is merged into the config's env; --cwd, --user, --additional-gids" {
  bundle_jq "$B" '.process.env += ["KEEP=config", "OVER=config"] | .process.user.umask = 63'
  start_container
  run oci exec -e OVER=flag -e NEW=flag --cwd /tmp -u 65534:65534 -g 10 -g 11 "$ID" \
    sh -c 'echo $KEEP $OVER $NEW; pwd; id -u; id -g; id -G; umask; echo $HOME'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "config flag flag" ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 65534 ]
  [ "${lines[3]}" = 65534 ]
  [ "${lines[4]}" = "65534 10 11" ]
  [ "${lines[5]}" = 0077 ]
  [ "${lines[6]}" = /home ]
  run oci exec -u 1000 "$ID" sh -c 'id -u; id -g'
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 0 ]
  oci delete -f "$ID"
  assert_clean
}

@test "--cap adds to bounding, effective and permitted; --no-new-privs" {
  bundle_jq "$B" '.process.noNewPrivileges = false'
  start_container
  run oci exec "$ID" sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
  local eff=${lines[0]##*	}
  [ "${lines[1]##*	}" = 0 ]
  run oci exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" sh -c 'grep -E "^(CapEff|CapBnd|CapPrm|NoNewPrivs)" /proc/self/status'
  echo "$output"
  [ "$status" -eq 0 ]
  # CAP_SYS_ADMIN is bit 21
  [ $(( 0x${lines[0]##*	} & (1 << 21) )) -ne 0 ]
  [ $(( 0x${lines[1]##*	} & (1 << 21) )) -ne 0 ]
  [ $(( 0x${lines[2]##*	} & (1 << 21) )) -ne 0 ]
  [ $(( 0x$eff & (1 << 21) )) -eq 0 ]
  [ "${lines[3]##*	}" = 1 ]
  run oci exec --cap CAP_NO_SUCH "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *CAP_NO_SUCH* ]]
  oci delete -f "$ID"
  assert_clean
}

@test "noNewPrivileges from the config is kept; --no-new-privs=false clears it" {
  bundle_jq "$B" '.process.noNewPrivileges = true'
  start_container
  run oci exec "$ID" grep NoNewPrivs /proc/self/status
  [ "${output##*	}" = 1 ]
  run oci exec --no-new-privs=false "$ID" grep NoNewPrivs /proc/self/status
  [ "${output##*	}" = 0 ]
  oci delete -f "$ID"
  assert_clean
}

@test "--process FILE: the whole process from the file" {
  start_container
  cat >"$TMP/process.json" <<'EOF'
{"terminal": false, "user": {"uid": 65534, "gid": 65534}, "args": ["sh", "-c", "echo $FROM; pwd; id -u; exit 7"],
 "env": ["PATH=/bin", "FROM=file"], "cwd": "/tmp"}
EOF
  run oci exec -p "$TMP/process.json" "$ID"
  echo "$output"
  [ "$status" -eq 7 ]
  [ "${lines[0]}" = file ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 65534 ]
  echo '{"args": ["true"], "cwd": "relative"}' >"$TMP/bad.json"
  run oci exec -p "$TMP/bad.json" "$ID"
  [ "$status" -eq 255 ]
  run oci exec -p "$TMP/no-such.json" "$ID"
  [ "$status" -eq 255 ]
  oci delete -f "$ID"
  assert_clean
}

@test "--detach returns at once; --pid-file names the process; ps shows it in the container's cgroup" {
  start_container
  local start=$SECONDS
  oci exec -d --pid-file "$TMP/exec.pid" "$ID" sleep 300
  [ $((SECONDS - start)) -lt 5 ]
  local pid
  pid=$(cat "$TMP/exec.pid")
  [ -d "/proc/$pid" ]
  [ "$(cat /proc/$pid/comm)" = sleep ]
  # the same cgroup as the init in every hierarchy
  [ "$(cat /proc/$pid/cgroup)" = "$(cat /proc/$INIT/cgroup)" ]
  run oci ps -f json "$ID"
  [[ "$output" == *"$pid"* ]]
  run oci ps "$ID"
  [[ "$output" == *"$pid"*"sleep 300"* ]]
  # the detached process is nobody's child here: it was reparented
  [ "$(awk '{print $4}' /proc/$pid/stat)" != "$$" ]
  oci delete -f "$ID"
  [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  assert_clean
}

@test "exec errors come back synchronously with --detach, without a hang" {
  start_container
  run timeout 10 "$OCIRUN" --root "$ROOT" exec -d --pid-file "$TMP/pid" "$ID" no-such-binary
  [ "$status" -eq 255 ]
  [[ "$output" == *no-such-binary* ]]
  [ ! -e "$TMP/pid" ]
  run timeout 10 "$OCIRUN" --root "$ROOT" exec -d --cwd /missing "$ID" true
  [ "$status" -eq 255 ]
  [ "$(oci ps -f json "$ID")" = "[$INIT]" ]
  oci delete -f "$ID"
  assert_clean
}

@test "foreground: signals are forwarded to the process" {
  start_container
  exec_until_ready sh -c 'trap "echo got-usr1; exit 9" USR1; echo ready; while :; do sleep 0.1; done'
  signal_exec USR1
  [ "$EXEC_STATUS" -eq 9 ]
  grep -q got-usr1 "$TMP/out"
  exec_until_ready sh -c 'echo ready; exec sleep 100'
  signal_exec TERM
  [ "$EXEC_STATUS" -eq 143 ]
  oci delete -f "$ID"
  assert_clean
}

@test "tty: --console-socket with --detach receives the pty master" {
  start_container
  start_receiver
  oci exec -d -t --console-socket "$TMP/console.sock" "$ID" sh -c 'tty; echo on-the-pty; sleep 0.2'
  wait_output "$TMP/console.out" got-master
  wait_output "$TMP/console.out" on-the-pty
  grep -q '^/dev/pts/' "$TMP/console.out"
  oci delete -f "$ID"
  assert_clean
}

@test "tty: foreground -t relays the pty; tty rules as runc" {
  start_container
  run oci exec -t "$ID" sh -c 'tty; echo relayed'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == /dev/pts/* ]]
  [[ "$output" == *relayed* ]]
  run oci exec -d -t "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot allocate tty if ocirun will detach without setting console socket"* ]]
  run oci exec -d --console-socket "$TMP/console.sock" "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot use console socket if ocirun will not detach or allocate tty"* ]]
  oci delete -f "$ID"
  assert_clean
}

@test "exec into a stopped container fails clearly" {
  bundle_args "$B" true
  oci run -d -b "$B" "$ID"
  wait_status "$ID" stopped
  run oci exec "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a stopped container"* ]]
  oci delete "$ID"
  assert_clean
}

@test "exec into a created container works (as runc)" {
  oci create -b "$B" "$ID"
  run oci exec "$ID" echo in-created
  [ "$status" -eq 0 ]
  [ "$output" = in-created ]
  [ "$(oci state "$ID" | jq -r .status)" = created ]
  oci delete -f "$ID"
  assert_clean
}

@test "a paused container: refused, or with --ignore-paused run once resumed" {
  start_container
  oci pause "$ID"
  run oci exec "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
  oci exec --ignore-paused "$ID" echo after-resume >"$TMP/out" &
  local exec_pid=$!
  sleep 0.3
  oci resume "$ID"
  local status=0
  wait "$exec_pid" || status=$?
  [ "$status" -eq 0 ]
  [ "$(cat "$TMP/out")" = after-resume ]
  oci delete -f "$ID"
  assert_clean
}

@test "exec racing the container's exit: a clear error or a result, never a hang, nothing left" {
  bundle_args "$B" sleep 0.3
  local round out status
  for round in 1 2 3; do
    oci run -d -b "$B" "$ID"
    for i in $(seq 40); do
      status=0
      out=$(timeout 10 "$OCIRUN" --root "$ROOT" exec "$ID" sleep 0.02 2>&1) || status=$?
      case "$status" in
      0 | 137) ;;
      255) [[ "$out" == *"cannot exec in a stopped container"* ]] || { echo "round $round: $out" >&2; return 1; } ;;
      *) echo "round $round: status $status: $out" >&2; return 1 ;;
      esac
    done
    wait_status "$ID" stopped
    oci delete "$ID"
  done
  assert_clean
  ! pgrep -f "sleep 0.02" || false
}

@test "--preserve-fds passes fds 3..3+N-1; a missing one is an error" {
  start_container
  echo preserved-data >"$TMP/data"
  run oci exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "' 3<"$TMP/data" 4<"$TMP/data"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = preserved-data ]
  [ "${lines[1]}" = "0 1 2 3 4 " ] # 4 is ls's own directory fd
  run oci exec --preserve-fds 1000 "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"unable to stat preserved-fd "*" (of 1000)"* ]]
  oci delete -f "$ID"
  assert_clean
}

@test "--cgroup: an existing sub-cgroup, in every hierarchy or those of the named controllers" {
  start_container
  local d
  for d in $(find /sys/fs/cgroup -type d -name "$ID"); do
    mkdir "$d/sub"
    # a v1 cpuset starts empty: give it its parent's cpus and mems
    if [ -e "$d/cpuset.cpus" ]; then
      cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
      cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
    fi
  done
  run oci exec --cgroup sub "$ID" cat /proc/self/cgroup
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(echo "$output" | grep -v "/$ID/sub\$")" ]
  [ "$(echo "$output" | wc -l)" -eq "$(wc -l </proc/$INIT/cgroup)" ]
  run oci exec --cgroup memory:sub "$ID" cat /proc/self/cgroup
  echo "$output"
  [ "$status" -eq 0 ]
  echo "$output" | grep -q ":memory:.*/$ID/sub\$"
  echo "$output" | grep -q ":pids:.*/$ID\$"
  run oci exec --cgroup nosuch:sub "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"nosuch"* ]]
  run oci exec --cgroup missing "$ID" true
  [ "$status" -eq 255 ]
  run oci exec --cgroup ../escape "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"not allowed"* ]]
  oci delete -f "$ID"
  assert_clean
}

@test "the config's seccomp profile applies to the exec'd process" {
  "$OCIRUN" --version | grep -q '^+SECCOMP' || skip "built without seccomp"
  bundle_jq "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  start_container
  run oci exec "$ID" mkdir /tmp/denied
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  run oci exec --no-new-privs "$ID" mkdir /tmp/denied
  [ "$status" -ne 0 ]
  [ ! -e "$B/rootfs/tmp/denied" ]
  oci delete -f "$ID"
  rm -rf "$ROOT/.seccomp-cache" # compiled filters, kept across containers
  assert_clean
}

@test "seccomp NOTIFY: the exec'd process's listener reaches the agent" {
  "$OCIRUN" --version | grep -q '^+SECCOMP' || skip "built without seccomp"
  bundle_jq "$B" ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TMP/agent.sock\",
    \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  # the helper agent serves one container process: one for the init...
  python3 "$TOP_SRCDIR/tests/helpers/seccomp-agent.py" "$TMP/agent.sock" "$TMP/init-state" 13 >"$TMP/agent1.out" &
  local agent1=$!
  wait_output "$TMP/agent1.out" listening
  start_container
  wait_output "$TMP/agent1.out" "got listener"
  kill "$agent1"
  rm -f "$TMP/agent.sock"
  # ... and one for the exec'd process
  python3 "$TOP_SRCDIR/tests/helpers/seccomp-agent.py" "$TMP/agent.sock" "$TMP/exec-state" 13 >"$TMP/agent2.out" &
  local agent2=$!
  wait_output "$TMP/agent2.out" listening
  run timeout 20 "$OCIRUN" --root "$ROOT" exec "$ID" mkdir /tmp/notified
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Permission denied"* ]]
  [ ! -e "$B/rootfs/tmp/notified" ]
  [ "$(jq -r .state.state.status "$TMP/exec-state")" = running ]
  [ "$(jq -r .state.state.pid "$TMP/exec-state")" = "$INIT" ]
  [ "$(jq -r .nfds "$TMP/exec-state")" = 1 ]
  kill "$agent2" 2>/dev/null || true
  oci delete -f "$ID"
  rm -rf "$ROOT/.seccomp-cache"
  assert_clean
}

@test "only stdio reaches the process; its cwd is inside the container" {
  start_container
  run oci exec "$ID" sh -c 'ls /proc/self/fd | tr "\n" " "; echo; readlink /proc/self/cwd' 5</dev/null
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 1 2 3 " ]
  [ "${lines[1]}" = / ]
  oci delete -f "$ID"
  assert_clean
}

@test "exec runs from a read-only copy of ocirun (CVE-2019-5736)" {
  start_container
  exec_until_ready sh -c 'echo ready; sleep 100'
  # on a writable mount the binary is re-exec'd from a read-only overlay
  if ! findmnt -n -o OPTIONS -T "$OCIRUN" | grep -q '^ro'; then
    assert_protected_exe "$EXEC_PID" "/$(basename "$OCIRUN")"
  fi
  signal_exec TERM
  oci delete -f "$ID"
  assert_clean
}

@test "--process FILE: execCPUAffinity and rlimits apply to the exec'd process" {
  start_container
  cat >"$TMP/process.json" <<'EOF'
{"args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status; ulimit -n"], "env": ["PATH=/bin"], "cwd": "/",
 "user": {"uid": 0, "gid": 0}, "execCPUAffinity": {"initial": "1", "final": "0"},
 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]}
EOF
  run oci exec -p "$TMP/process.json" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]##*	}" = 0 ]
  [ "${lines[1]}" = 123 ]
  oci delete -f "$ID"
  assert_clean
}

@test "--process-label and --apparmor this host cannot apply fail before anything starts" {
  start_container
  if ! selinuxenabled 2>/dev/null; then
    run oci exec --process-label system_u:system_r:container_t:s0 "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *"selinux label is specified in config, but selinux is disabled or not supported"* ]]
  fi
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
    run oci exec --apparmor some-profile "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *"some-profile"* ]]
  fi
  [ "$(oci ps -f json "$ID")" = "[$INIT]" ]
  oci delete -f "$ID"
  assert_clean
}

@test "exec in a --no-new-keyring container joins no new session keyring either, as runc's" {
  oci create --no-new-keyring -b "$B" "$ID"
  oci start "$ID"
  oci exec -d "$ID" sleep 100 </dev/null >/dev/null 2>&1
  [ "$(oci ps -f json "$ID" | jq length)" -eq 2 ]
  # /proc/keys is masked inside the default config: look from the host.
  ! grep -q " _ses\.$ID: " /proc/keys || false
  oci delete -f "$ID"
  assert_clean
}
