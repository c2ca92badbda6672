#!/usr/bin/env bats
# Podman 4.3 (conmon 2.1) drives the runtime under test end to end.
# Run through tests/engines/run.sh [--runtime PATH].

load helpers
load podman

bats_require_minimum_version 1.5.0

setup_file() {
  engines_setup_file
  podman_setup_file
}

teardown_file() {
  engines_teardown_file
}

setup() {
  engines_setup
}

teardown() {
  podman_teardown
  engines_teardown
}

@test "podman: run prints the container's output, with JSON errors and private limits" {
  run pm run --rm "$ENGINES_IMAGE" sh -c 'echo hello from $(hostname); ulimit -n; ulimit -u'
  [ "$status" -eq 0 ]
  [ "${lines[0]%% *}" = hello ]
  [ "${lines[1]}" = 20000 ]
  [ "${lines[2]}" = 32768 ]
  # podman asked for JSON error lines: the runtime is in runtime_supports_json.
  grep -q -- '--log-format=json --log .* create --bundle' "$ENGINES_TMP/podman/runtime-calls.log"
}

@test "podman: stdin reaches the container (-i)" {
  run pm run --rm -i "$ENGINES_IMAGE" sh -c 'read line; echo "got $line"' <<<"ping"
  [ "$status" -eq 0 ]
  [ "$output" = "got ping" ]
}

@test "podman: the container's exit code is podman's" {
  local code
  for code in 0 1 42 255; do
    run pm run --rm "$ENGINES_IMAGE" sh -c "exit $code"
    [ "$status" -eq "$code" ]
  done
  # Killed by a signal: 128 + the signal number.  The shell is not pid 1
  # (which SIGKILL from inside cannot kill): --init bind-mounts podman's
  # catatonit as pid 1, which reports the signal as 128 + 9.
  run -137 pm run --rm --init "$ENGINES_IMAGE" sh -c 'kill -KILL $$'
}

@test "podman: a command that does not exist: the runtime's message reaches the user" {
  run -127 pm run --name nocmd "$ENGINES_IMAGE" /no/such/command
  # One line: the runtime's error, and no noise from podman's cleanup after
  # it (podman then runs delete --force, which is silent in runc when the
  # container is not there).
  [ "${#lines[@]}" -eq 1 ]
  echo "$output" | grep -q '/no/such/command'
  echo "$output" | grep -qi 'no such file or directory'
  # The runtime's JSON error line was parsed, not shown raw: its last error
  # message is what the user reads, word for word.
  ! echo "$output" | grep -q '"level"'
  local id msg
  id=$(pm inspect --format '{{.Id}}' nocmd)
  msg=$(jq -r 'select(.level == "error") | .msg' \
    "$ENGINES_TMP/podman/runroot/vfs-containers/$id/userdata/oci-log" | tail -1)
  [ -n "$msg" ]
  [[ $output == *"$msg"* ]]
  # Not executable: 126.
  run -126 pm run --rm "$ENGINES_IMAGE" /etc/passwd
  echo "$output" | grep -qi 'permission denied'
  pm rm -f nocmd
}

@test "podman: -d, then exec, top, state, pause/unpause, kill, rm" {
  run pm run -d --name life "$ENGINES_IMAGE" sh -c 'trap "exit 3" TERM; sleep 1000 & wait'
  [ "$status" -eq 0 ]
  local id=$output
  [ "$(pm inspect --format '{{.State.Status}}' life)" = running ]

  # What podman reads from the runtime matches what podman knows.
  local pid state
  pid=$(pm inspect --format '{{.State.Pid}}' life)
  state=$("$ENGINES_TMP/bin/$ENGINES_RUNTIME_NAME" state "$id")
  [ "$(jq -r .id <<<"$state")" = "$id" ]
  [ "$(jq -r .status <<<"$state")" = running ]
  [ "$(jq -r .pid <<<"$state")" = "$pid" ]
  [ -d "$(jq -r .bundle <<<"$state")" ]

  run pm exec -e FOO=bar life sh -c 'echo in $FOO; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "in bar" ]

  # An exec that cannot start: 127, and the runtime's reason.
  run -127 pm exec life /no/such/command
  echo "$output" | grep -q '/no/such/command'
  echo "$output" | grep -qi 'no such file or directory'

  # exec with a terminal: the runtime hands conmon the pty master.
  run pm exec -t life sh -c 'tty; [ -t 1 ] && echo exec-tty'
  [ "$status" -eq 0 ]
  [[ ${lines[0]%$'\r'} == /dev/pts/* ]]
  [ "${lines[1]%$'\r'}" = exec-tty ]

  # podman update hands new limits to the runtime's update command.
  pm update --memory 48m --cpu-shares 512 life
  run pm exec life cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares
  [ "${lines[*]}" = "50331648 512" ]
  grep -q "^update --resources" "$ENGINES_TMP/podman/runtime-calls.log"

  run pm top life pid args
  [ "$status" -eq 0 ]
  echo "$output" | grep -q 'sleep 1000'

  pm pause life
  [ "$(pm inspect --format '{{.State.Status}}' life)" = paused ]
  [ "$(jq -r .status <<<"$("$ENGINES_TMP/bin/$ENGINES_RUNTIME_NAME" state "$id")")" = paused ]
  pm unpause life
  [ "$(pm inspect --format '{{.State.Status}}' life)" = running ]
  run pm exec life echo after unpause
  [ "$output" = "after unpause" ]

  pm kill --signal TERM life
  run pm wait life
  [ "$output" = 3 ]
  # Started again: the runtime creates a container under the same id.
  pm start life
  [ "$(pm inspect --format '{{.State.Status}}' life)" = running ]
  run pm exec life echo again
  [ "$output" = again ]
  pm rm -f --time 0 life
  run pm container exists life
  [ "$status" -eq 1 ]
}

@test "podman: stop sends SIGTERM, then SIGKILL after the timeout" {
  pm run -d --name polite "$ENGINES_IMAGE" sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
  pm run -d --name stubborn "$ENGINES_IMAGE" sh -c 'trap "" TERM; sleep 1000 & wait'
  local t0=$SECONDS
  pm stop --time 10 polite
  [ $((SECONDS - t0)) -lt 5 ]
  [ "$(pm inspect --format '{{.State.ExitCode}}' polite)" = 0 ]
  t0=$SECONDS
  pm stop --time 2 stubborn
  [ $((SECONDS - t0)) -ge 2 ]
  [ "$(pm inspect --format '{{.State.ExitCode}}' stubborn)" = 137 ]
  pm rm polite stubborn
}

@test "podman: a signal to an attached podman run reaches the container" {
  local out=$BATS_TEST_TMPDIR/out
  PM_EXEC=1 pm run --name proxied "$ENGINES_IMAGE" \
    sh -c 'trap "echo got TERM; exit 9" TERM; echo ready; sleep 1000 & wait' >"$out" 2>&1 3>&- &
  local pid=$!
  wait_for 10 grep -q ready "$out"
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  [ "$code" -eq 9 ]
  grep -q 'got TERM' "$out"
  pm rm proxied
}

@test "podman: kill (SIGKILL by default) and rm -f of a running container" {
  pm run -d --name victim "$ENGINES_IMAGE" sleep 1000
  pm kill victim
  run pm wait victim
  [ "$output" = 137 ]
  pm rm victim
  pm run -d --name forced "$ENGINES_IMAGE" sleep 1000
  pm rm -f --time 0 forced
  run pm container exists forced
  [ "$status" -eq 1 ]
}

@test "podman: a container that exits by itself is cleaned up by conmon's exit command" {
  pm run -d --name short "$ENGINES_IMAGE" true
  run pm wait short
  [ "$output" = 0 ]
  # podman container cleanup (run by conmon) deletes the runtime's state.
  wait_for 5 dir_empty "$(pm_runtime_root)"
  pm rm short
}

@test "podman: --memory is honoured inside the container" {
  run pm run --rm --memory 64m --memory-swap 64m "$ENGINES_IMAGE" \
    sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
  [ "$status" -eq 0 ]
  [ "$output" = 67108864 ]
  # podman's default pids limit (containers.conf pids_limit) is applied too.
  run pm run --rm "$ENGINES_IMAGE" cat /sys/fs/cgroup/pids/pids.max
  [ "$output" = 2048 ]
  # Allocating more than the limit gets the container OOM-killed.
  run pm run --rm --memory 64m --memory-swap 64m "$ENGINES_IMAGE" \
    dd if=/dev/zero of=/dev/null bs=128M count=1
  [ "$status" -eq 137 ]
}

@test "podman: volumes, tmpfs, devices and sysctls reach the container" {
  local vol=$BATS_TEST_TMPDIR/vol
  mkdir -p "$vol"
  echo from-host >"$vol/in"
  run pm run --rm -v "$vol:/data" --tmpfs /scratch:size=1m \
    --device /dev/zero:/dev/myzero --sysctl kernel.shmmax=4096000 "$ENGINES_IMAGE" sh -c '
      cat /data/in; echo from-container >/data/out
      grep " /scratch " /proc/mounts | cut -d" " -f3
      head -c 3 /dev/myzero | od -An -tx1
      cat /proc/sys/kernel/shmmax'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-host ]
  [ "${lines[1]}" = tmpfs ]
  [ "$(echo ${lines[2]})" = "00 00 00" ]
  [ "${lines[3]}" = 4096000 ]
  [ "$(cat "$vol/out")" = from-container ]
  # :ro is read-only inside.
  run pm run --rm -v "$vol:/data:ro" "$ENGINES_IMAGE" sh -c 'echo x >/data/out'
  [ "$status" -ne 0 ]
  echo "$output" | grep -qi 'read-only file system'
}

@test "podman: -t allocates a terminal" {
  run pm run --rm -t "$ENGINES_IMAGE" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty'
  [ "$status" -eq 0 ]
  [ "${lines[0]%$'\r'}" = /dev/pts/0 ]
  [ "${lines[1]%$'\r'}" = both-tty ]
  # Without -t: no terminal.
  run pm run --rm "$ENGINES_IMAGE" sh -c 'tty'
  [ "$status" -ne 0 ]
  [ "$output" = "not a tty" ]
}

@test "podman: --read-only makes / read-only and keeps /tmp writable" {
  run pm run --rm --read-only "$ENGINES_IMAGE" sh -c 'touch /etc/x'
  [ "$status" -ne 0 ]
  echo "$output" | grep -qi 'read-only file system'
  run pm run --rm --read-only "$ENGINES_IMAGE" sh -c 'touch /tmp/x && echo ok'
  [ "$output" = ok ]
}

@test "podman: default capabilities, and --cap-drop ALL drops them all" {
  run pm run --rm "$ENGINES_IMAGE" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  [ "$status" -eq 0 ]
  # podman 4.3's default set: AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID
  # KILL MKNOD NET_BIND_SERVICE NET_RAW SETFCAP SETGID SETPCAP SETUID
  # SYS_CHROOT.
  [ "${lines[0]}" = "CapEff:	00000000a80425fb" ]
  [ "${lines[1]}" = "CapBnd:	00000000a80425fb" ]
  run pm run --rm --cap-drop ALL "$ENGINES_IMAGE" grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | awk '{print $2}' | sort -u)" = 0000000000000000 ]
  run pm run --rm --cap-drop ALL "$ENGINES_IMAGE" chown 65534 /tmp
  [ "$status" -ne 0 ]
  # Exactly one back: NET_ADMIN is bit 12.
  run pm run --rm --cap-drop ALL --cap-add NET_ADMIN "$ENGINES_IMAGE" grep '^CapEff' /proc/self/status
  [ "$output" = "CapEff:	0000000000001000" ]
}

@test "podman: the default seccomp profile is applied" {
  run pm run --rm "$ENGINES_IMAGE" grep '^Seccomp:' /proc/self/status
  [ "$output" = "Seccomp:	2" ]
  run pm run --rm --security-opt seccomp=unconfined "$ENGINES_IMAGE" grep '^Seccomp:' /proc/self/status
  [ "$output" = "Seccomp:	0" ]
  # NoNewPrivs follows --security-opt no-new-privileges.
  run pm run --rm --security-opt no-new-privileges "$ENGINES_IMAGE" grep '^NoNewPrivs:' /proc/self/status
  [ "$output" = "NoNewPrivs:	1" ]
}

@test "podman: --user, --workdir and -e" {
  run pm run --rm --user 65534:65534 --workdir /tmp -e GREETING='hi there' "$ENGINES_IMAGE" \
    sh -c 'id -u; id -g; pwd; echo "$GREETING"'
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "65534 65534 /tmp hi there" ]
  run pm run --rm --user nobody "$ENGINES_IMAGE" id -un
  [ "$output" = nobody ]
}

@test "podman: 20 containers in a row leave no mount, cgroup, state dir or process" {
  local i
  for i in $(seq 20); do
    run pm run --rm "$ENGINES_IMAGE" echo "run $i"
    [ "$status" -eq 0 ]
    [ "$output" = "run $i" ]
  done
  [ -z "$(pm ps -aq)" ]
  dir_empty "$(pm_runtime_root)"
  # engines_teardown checks mounts, cgroups and processes.
}
