#!/usr/bin/env bats
# create/start/run/state/list/kill/delete with real busybox containers.

load helpers-lifecycle

setup() {
  lifecycle_setup
}

teardown() {
  lifecycle_teardown
}

@test "run: foreground exit code, output, container deleted" {
  bundle_args "$B" sh -c 'echo hello from $(hostname); exit 3'
  run oci run -b "$B" "$ID"
  [ "$status" -eq 3 ]
  [ "$output" = "hello from ocirun" ]
  assert_clean
}

@test "run: killed by a signal exits 128+N" {
  bundle_args "$B" sh -c 'echo ready; sleep 100'
  "$OCIRUN" --root "$ROOT" run -b "$B" "$ID" >"$TMP/out" &
  local pid=$!
  for i in $(seq 100); do grep -q ready "$TMP/out" && break; sleep 0.05; done
  oci kill "$ID" KILL
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 137 ]
  assert_clean
}

@test "run: signals are forwarded to the container's init" {
  bundle_args "$B" sh -c 'trap "exit 42" TERM; echo ready; while true; do sleep 0.05; done'
  "$OCIRUN" --root "$ROOT" run -b "$B" "$ID" >"$TMP/out" &
  local pid=$!
  for i in $(seq 100); do grep -q ready "$TMP/out" && break; sleep 0.05; done
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 42 ]
  assert_clean
}

@test "run --keep: the stopped container stays with its exit status" {
  bundle_args "$B" sh -c 'exit 7'
  run oci run --keep -b "$B" "$ID"
  [ "$status" -eq 7 ]
  run oci state "$ID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = stopped ]
  [ "$(echo "$output" | jq -r .pid)" = 0 ]
  [ "$(echo "$output" | jq -r .exitStatus)" = 7 ]
  oci delete "$ID"
  assert_clean
}

@test "run --no-subreaper: still waits for and reports its init" {
  bundle_args "$B" sh -c 'exit 6'
  run oci run --no-subreaper -b "$B" "$ID"
  [ "$status" -eq 6 ]
  assert_clean
}

@test "run from the bundle directory without -b" {
  bundle_args "$B" true
  cd "$B"
  run oci run "$ID"
  [ "$status" -eq 0 ]
  assert_clean
}

@test "create/start/state/list/kill/delete through every status (shim)" {
  bundle_args "$B" sleep 100
  # Not under `run`: the init keeps the caller's stdout until its process exits.
  oci create -b "$B" "$ID" >"$TMP/create.out" 2>&1
  [ ! -s "$TMP/create.out" ]
  run oci state "$ID"
  [ "$(echo "$output" | jq -r .status)" = created ]
  [ "$(echo "$output" | jq -r .ociVersion)" = 1.3.0 ]
  [ "$(echo "$output" | jq -r .bundle)" = "$B" ]
  [ "$(echo "$output" | jq -r .rootfs)" = "$B/rootfs" ]
  [[ "$(echo "$output" | jq -r .created)" =~ ^[0-9-]+T[0-9:]+(\.[0-9]+)?Z$ ]]
  local pid
  pid=$(echo "$output" | jq -r .pid)
  [ -d "/proc/$pid" ]
  run oci start "$ID"
  [ "$status" -eq 0 ]
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 100 " ]
  run oci list
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [[ "${lines[1]}" == "$ID "*" $pid "*" running "*" $B "*" root" ]]
  run oci list -q
  [ "$output" = "$ID" ]
  run oci list -f json
  [ "$(echo "$output" | jq -r '.[0].id')" = "$ID" ]
  [ "$(echo "$output" | jq -r '.[0] | keys_unsorted | join(",")')" = "ociVersion,id,pid,status,bundle,rootfs,created,owner" ]
  run oci kill "$ID" KILL
  [ "$status" -eq 0 ]
  wait_status "$ID" stopped
  # the shim recorded how the init ended
  for i in $(seq 40); do [ "$(oci state "$ID" | jq -r .exitStatus)" = 137 ] && break; sleep 0.05; done
  [ "$(oci state "$ID" | jq -r .exitStatus)" = 137 ]
  [ "$(oci state "$ID" | jq -r .pid)" = 0 ]
  run oci delete "$ID"
  [ "$status" -eq 0 ]
  assert_clean
}

@test "start returns after the exec: a short process is already running or done" {
  bundle_args "$B" sh -c 'echo started > /tmp/mark; sleep 100'
  # The init runs this right before its exec: a start that returned on the
  # release would see the init still in ocirun's image.
  bundle_jq "$B" '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 0.3"]}]'
  oci create -b "$B" "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  # (the overlay's /ocirun, a sealed /memfd:ocirun, or the binary itself)
  [[ "$(readlink "/proc/$pid/exe")" == *ocirun* ]]
  oci start "$ID"
  # No window where the init still runs ocirun's image: the exec is done.
  [[ "$(readlink "/proc/$pid/exe")" == */busybox ]]
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  oci delete -f "$ID"
  assert_clean
}

@test "start: exec failure after create is reported by start" {
  bundle_args "$B" /bin/vanishing
  cp "$B/rootfs/bin/busybox" "$B/rootfs/bin/vanishing"
  oci create -b "$B" "$ID"
  rm "$B/rootfs/bin/vanishing"
  run oci start "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *vanishing* ]]
  wait_status "$ID" stopped
  oci delete "$ID"
  assert_clean
}

@test "start: an init that died while waiting is noticed, never waited on" {
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  kill -KILL "$pid"
  run timeout 5 "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *stopped* ]] || [[ "$output" == *exited* ]]
  oci delete "$ID"
  assert_clean
}

@test "start: only a created container" {
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  oci start "$ID"
  run oci start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"already running"* ]]
  oci kill "$ID" KILL
  wait_status "$ID" stopped
  run oci start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *stopped* ]]
  oci delete "$ID"
  assert_clean
}

@test "start: a config without process cannot start" {
  bundle_jq "$B" 'del(.process)'
  oci create -b "$B" "$ID"
  run oci start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *process* ]]
  oci delete "$ID"
  assert_clean
}

@test "kill: signal names, numbers, default SIGTERM, unknown signal" {
  bundle_args "$B" sh -c 'trap "" USR1 HUP; trap "exit 5" TERM; while true; do sleep 0.05; done'
  oci run -d -b "$B" "$ID"
  sleep 0.2
  oci kill "$ID" SIGUSR1
  oci kill "$ID" usr1
  oci kill "$ID" 1
  oci kill "$ID" HUP
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  run oci kill "$ID" SIGNOPE
  [ "$status" -eq 1 ]
  [[ "$output" == *SIGNOPE* ]]
  run oci kill "$ID" 99999
  [ "$status" -eq 1 ]
  oci kill "$ID"
  wait_status "$ID" stopped
  for i in $(seq 40); do [ "$(oci state "$ID" | jq -r .exitStatus)" = 5 ] && break; sleep 0.05; done
  [ "$(oci state "$ID" | jq -r .exitStatus)" = 5 ]
  run oci kill "$ID" KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"not running"* ]]
  oci delete "$ID"
  assert_clean
}

@test "kill --all: every process of the container" {
  bundle_args "$B" sh -c 'sleep 100 & sleep 100 & wait'
  oci run -d -b "$B" "$ID"
  sleep 0.2
  run oci kill --all "$ID" KILL
  [ "$status" -eq 0 ]
  wait_status "$ID" stopped
  oci delete "$ID"
  assert_clean
}

@test "delete: running needs --force; created kills the init" {
  bundle_args "$B" sleep 100
  oci run -d -b "$B" "$ID"
  run oci delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *running* ]]
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  run oci delete --force "$ID"
  [ "$status" -eq 0 ]
  assert_clean
  oci create -b "$B" "$ID"
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  run oci delete "$ID"
  [ "$status" -eq 0 ]
  [ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
  assert_clean
}

@test "--pid-file: decimal, no newline, relative to the caller's cwd" {
  bundle_args "$B" sleep 100
  mkdir "$TMP/cwd"
  cd "$TMP/cwd"
  OCIRUN_SHIM=1 oci create -b "$B" --pid-file pid "$ID"
  [ -f "$TMP/cwd/pid" ]
  [ ! -e "$B/pid" ]
  [ "$(cat "$TMP/cwd/pid")" = "$(oci state "$ID" | jq -r .pid)" ]
  [ "$(wc -l <"$TMP/cwd/pid")" -eq 0 ]
  [[ "$(cat "$TMP/cwd/pid")" =~ ^[0-9]+$ ]]
  oci delete "$ID"
  assert_clean
}

@test "the config is copied at create: later bundle edits change nothing" {
  bundle_args "$B" sleep 100
  bundle_jq "$B" '.annotations = {"a": "1"}'
  oci create -b "$B" "$ID"
  bundle_jq "$B" '.annotations = {"a": "2"} | .process.args = ["false"]'
  [ "$(oci state "$ID" | jq -r .annotations.a)" = 1 ]
  oci start "$ID"
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  oci delete -f "$ID"
  assert_clean
}

@test "engine mode: with --pid-file the caller (a subreaper) is the init's parent" {
  bundle_args "$B" sh -c 'exit 9'
  run "$TOP_BUILDDIR/tests/helpers/subreaper" "$TMP/pid" \
    sh -c "'$OCIRUN' --root '$ROOT' create -b '$B' --pid-file '$TMP/pid' '$ID' && '$OCIRUN' --root '$ROOT' start '$ID'"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = parent=self ]
  [ "${lines[1]}" = exit=9 ]
  # No shim: nothing of ocirun stayed behind.
  ! pgrep -f -- "--root $ROOT" || false
  [ "$(oci state "$ID" | jq -r .status)" = stopped ]
  oci delete "$ID"
  assert_clean
}

@test "engine mode with run -d --pid-file" {
  bundle_args "$B" sh -c 'sleep 0.3; exit 4'
  run "$TOP_BUILDDIR/tests/helpers/subreaper" "$TMP/pid" \
    "$OCIRUN" --root "$ROOT" run -d -b "$B" --pid-file "$TMP/pid" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = parent=self ]
  [ "${lines[1]}" = exit=4 ]
  oci delete "$ID"
  assert_clean
}

@test "shim: detached, no caller fds, small, records the exit" {
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID" 3>"$TMP/held" 4<"$B/config.json"
  local init shim
  init=$(oci state "$ID" | jq -r .pid)
  shim=$(awk '/^PPid:/ {print $2}' "/proc/$init/status")
  [ "$(tr '\0' ' ' </proc/$shim/cmdline)" = "$OCIRUN --root $ROOT create -b $B $ID " ]
  # own session, only /dev/null on stdio, nothing else open but fd 3:
  # its container's state dir, held so that an exit it records after a
  # delete can never land in a new container of the same id
  [ "$(ps -o sid= -p "$shim" | tr -d ' ')" = "$shim" ]
  [ "$(ls "/proc/$shim/fd" | sort | tr '\n' ' ')" = "0 1 2 3 " ]
  [ "$(readlink "/proc/$shim/fd/1")" = /dev/null ]
  [ "$(readlink "/proc/$shim/fd/3")" = "$(readlink -f "$ROOT/$ID")" ]
  [ "$(readlink "/proc/$shim/cwd")" = / ]
  # private memory under 1 MiB
  local private
  private=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' "/proc/$shim/smaps_rollup")
  echo "shim private RSS: $private kB" >&3
  [ "$private" -lt 1024 ]
  oci start "$ID"
  oci kill "$ID" KILL
  wait_status "$ID" stopped
  for i in $(seq 40); do [ -d "/proc/$shim" ] || break; sleep 0.05; done
  [ ! -d "/proc/$shim" ] || grep -q '^State:.*Z' "/proc/$shim/status"
  [ "$(oci state "$ID" | jq -r .exitStatus)" = 137 ]
  oci delete "$ID"
  assert_clean
}

@test "state and list never hang on a container whose processes are gone" {
  bundle_args "$B" sleep 100
  oci run -d -b "$B" "$ID"
  local pid
  pid=$(oci state "$ID" | jq -r .pid)
  kill -KILL "$pid"
  run timeout 5 "$OCIRUN" --root "$ROOT" state "$ID"
  [ "$status" -eq 0 ]
  run timeout 5 "$OCIRUN" --root "$ROOT" list
  [ "$status" -eq 0 ]
  oci delete "$ID"
  assert_clean
}

@test "operations on different ids do not block each other" {
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID-a"
  # Hold the lock of a as a long-running operation would.
  flock "$ROOT/$ID-a" sleep 3 &
  local holder=$!
  sleep 0.1
  timeout 2 "$OCIRUN" --root "$ROOT" create -b "$B" "$ID-b" >/dev/null 2>&1
  run timeout 2 "$OCIRUN" --root "$ROOT" state "$ID-a"
  [ "$status" -eq 0 ]
  kill "$holder"
  oci delete "$ID-a"
  oci delete "$ID-b"
  assert_clean
}

@test "a reused pid is not taken for the container's init" {
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  # Pretend the init had started at another time: the same pid is then
  # some other process.
  sed -i 's/^start_time=.*/start_time=1/' "$ROOT/$ID/state"
  [ "$(oci state "$ID" | jq -r .status)" = stopped ]
  run oci kill "$ID" KILL
  [ "$status" -eq 1 ]
  local pid
  pid=$(awk -F= '/^pid=/ {p = $2} END {print p}' "$ROOT/$ID/state")
  [ -d "/proc/$pid" ]
  kill -KILL "$pid"
  oci delete "$ID"
  assert_clean
}

@test "shim with a two-step spawn (time namespace): the init is reparented to the shim" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "time"}]'
  bundle_args "$B" sleep 100
  oci run -d -b "$B" "$ID"
  local pid shim
  pid=$(oci state "$ID" | jq -r .pid)
  shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
  [[ "$(tr '\0' ' ' </proc/$shim/cmdline)" == *" run -d -b $B $ID " ]]
  oci kill "$ID" KILL
  wait_status "$ID" stopped
  for i in $(seq 40); do [ "$(oci state "$ID" | jq -r .exitStatus)" = 137 ] && break; sleep 0.05; done
  [ "$(oci state "$ID" | jq -r .exitStatus)" = 137 ]
  oci delete "$ID"
  assert_clean
}

@test "list: the JSON format shows the config's annotations; the table and -q do not read the config" {
  bundle_jq "$B" '.annotations = {"org.example.key": "value"}'
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  [ "$(oci list -f json | jq -r '.[0].annotations["org.example.key"]')" = value ]
  # a config copy that cannot be read any more hides nothing from them
  echo broken >"$ROOT/$ID/config.json"
  [[ "$(oci list | sed -n 2p)" == "$ID "* ]]
  [ "$(oci list -q)" = "$ID" ]
  oci delete -f "$ID"
  assert_clean
}
