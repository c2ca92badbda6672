#!/usr/bin/env bats
# config.hooks as runtime-spec v1.3.0 says: each kind at its point of the
# lifecycle and in its namespaces, the state on stdin, args/env as given,
# timeouts, and what a failure of each kind does.

load helpers-lifecycle

setup() {
  lifecycle_setup
  LOG=$TMP/hooks.log
  : >"$LOG"
  bundle_args "$B" sleep 100
  # The hook scripts run on the host (and, for startContainer, inside the
  # container, where the bundle's log is bind-mounted at /hooklog).
  HOOK=$TMP/hook.sh
  cat >"$HOOK" <<'EOF'
#!/bin/sh
# hook.sh LOG NAME [EXIT]: record NAME, the state from stdin, the pid/mount
# namespaces we run in, argv and env; exit EXIT.
log=$1 name=$2
state=$(cat)
echo "$name $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/pid) $state" >>"$log"
exit "${3:-0}"
EOF
  chmod +x "$HOOK"
}

teardown() {
  lifecycle_teardown
}

# add_hook KIND PATH ARGS-JSON [EXTRA-JSON]
add_hook() {
  bundle_jq "$B" ".hooks.$1 += [{\"path\": \"$2\", \"args\": $3} + ${4:-{\}}]"
}

# A hook of KIND that logs NAME (and exits EXIT).
log_hook() {
  add_hook "$1" "$HOOK" "[\"hook.sh\", \"${3:-$LOG}\", \"$2\", \"${4:-0}\"]"
}

names() {
  cut -d' ' -f1 "$LOG" | tr '\n' ' '
}

# The state JSON that hook NAME read.
state_of() {
  grep "^$1 " "$LOG" | head -1 | cut -d' ' -f4-
}

@test "hooks: every kind runs at its point, in order" {
  for k in prestart createRuntime createContainer poststart poststop; do
    log_hook $k ${k}1
    log_hook $k ${k}2
  done
  oci create -b "$B" "$ID"
  [ "$(names)" = "prestart1 prestart2 createRuntime1 createRuntime2 createContainer1 createContainer2 " ]
  oci start "$ID"
  [ "$(names)" = "prestart1 prestart2 createRuntime1 createRuntime2 createContainer1 createContainer2 poststart1 poststart2 " ]
  [ "$(oci state "$ID" | jq -r .status)" = running ]
  oci kill "$ID" KILL
  wait_status "$ID" stopped
  oci delete "$ID"
  [ "$(names)" = "prestart1 prestart2 createRuntime1 createRuntime2 createContainer1 createContainer2 poststart1 poststart2 poststop1 poststop2 " ]
  assert_clean
}

@test "hooks: runtime namespace for prestart/createRuntime/poststart/poststop, container's for createContainer" {
  host_mnt=$(readlink /proc/self/ns/mnt)
  for k in prestart createRuntime createContainer poststart poststop; do
    log_hook $k $k
  done
  oci run -d -b "$B" "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  ctr_mnt=$(readlink /proc/$pid/ns/mnt)
  ctr_pid=$(readlink /proc/$pid/ns/pid)
  oci delete -f "$ID"
  for k in prestart createRuntime poststart poststop; do
    [ "$(grep "^$k " "$LOG" | cut -d' ' -f2)" = "$host_mnt" ]
  done
  [ "$(grep "^createContainer " "$LOG" | cut -d' ' -f2)" = "$ctr_mnt" ]
  [ "$ctr_mnt" != "$host_mnt" ]
  # createContainer runs in the container's pid namespace too.
  [ "$(grep "^createContainer " "$LOG" | cut -d' ' -f3)" = "$ctr_pid" ]
}

@test "hooks: in a user namespace createContainer runs as the container's root, the others as ours" {
  bundle_jq "$B" '.linux.namespaces += [{"type": "user"}] |
    .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chown -R 100000:100000 "$B/rootfs"
  chmod 755 "$TMP" "$B"
  chmod 666 "$LOG"
  for k in prestart createContainer poststart; do
    add_hook $k /bin/sh "[\"sh\", \"-c\", \"echo $k \$(readlink /proc/self/ns/user) \$(id -u) >> $LOG\"]"
  done
  oci create -b "$B" "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  ctr_user=$(readlink /proc/$pid/ns/user)
  oci start "$ID"
  oci delete -f "$ID"
  cat "$LOG"
  [ "$(grep ^prestart "$LOG")" = "prestart $(readlink /proc/self/ns/user) 0" ]
  [ "$(grep ^createContainer "$LOG")" = "createContainer $ctr_user 0" ]
  [ "$(grep ^poststart "$LOG")" = "poststart $(readlink /proc/self/ns/user) 0" ]
  [ "$ctr_user" != "$(readlink /proc/self/ns/user)" ]
  assert_clean
}

@test "hooks: the state on stdin (id, bundle, pid, status, annotations)" {
  bundle_jq "$B" '.annotations = {"org.test": "a<b"}'
  for k in prestart createRuntime createContainer poststart poststop; do
    log_hook $k $k
  done
  oci create -b "$B" "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  oci start "$ID"
  oci delete -f "$ID"
  for k in prestart createRuntime createContainer poststart poststop; do
    s=$(state_of $k)
    echo "$k: $s"
    [ "$(jq -r .id <<<"$s")" = "$ID" ]
    [ "$(jq -r .bundle <<<"$s")" = "$B" ]
    [ "$(jq -r .ociVersion <<<"$s")" != null ]
    [ "$(jq -r '.annotations["org.test"]' <<<"$s")" = "a<b" ]
  done
  for k in prestart createRuntime createContainer; do
    [ "$(jq -r .status <<<"$(state_of $k)")" = created ]
    [ "$(jq -r .pid <<<"$(state_of $k)")" = "$pid" ]
  done
  [ "$(jq -r .status <<<"$(state_of poststart)")" = running ]
  [ "$(jq -r .pid <<<"$(state_of poststart)")" = "$pid" ]
  [ "$(jq -r .status <<<"$(state_of poststop)")" = stopped ]
}

@test "hooks: startContainer runs inside the container at start, before the process" {
  mkdir "$TMP/shared"
  bundle_jq "$B" ".mounts += [{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$TMP/shared\", \"options\": [\"bind\"]}]"
  # Its path resolves in the container: the container's busybox sh.
  add_hook startContainer /bin/sh '["sh", "-c", "cat > /shared/state; echo $MARK $(readlink /proc/self/ns/mnt) > /shared/start; test -e /proc/1"]'
  bundle_jq "$B" '.process.env += ["MARK=from-process-env"]'
  bundle_args "$B" sh -c 'cat /shared/start > /shared/seen; sleep 100'
  oci create -b "$B" "$ID"
  [ ! -e "$TMP/shared/start" ]
  pid=$(oci state "$ID" | jq -r .pid)
  oci start "$ID"
  for i in $(seq 50); do [ -s "$TMP/shared/seen" ] && break; sleep 0.1; done
  # The process saw what the hook wrote: the hook ran first.
  [ "$(cut -d' ' -f1 "$TMP/shared/seen")" = from-process-env ]
  [ "$(cut -d' ' -f2 "$TMP/shared/seen")" = "$(readlink /proc/$pid/ns/mnt)" ]
  [ "$(jq -r .status "$TMP/shared/state")" = created ]
  [ "$(jq -r .pid "$TMP/shared/state")" = "$pid" ]
  oci delete -f "$ID"
}

@test "hooks: poststart runs after the process exec'd, and start returns after it" {
  # runtime.md lifecycle steps 8-9: the process runs, then poststart.  The
  # hook reads the pid from its state and records what that pid executes:
  # before the exec it would still be ocirun's sealed copy.  The slow
  # startContainer hook (run by the init right before its exec) opens a
  # window that a poststart run too early would fall into.
  add_hook startContainer /bin/sh '["sh", "-c", "sleep 0.3"]'
  add_hook poststart /bin/sh "[\"sh\", \"-c\", \"pid=\$(jq -r .pid); readlink /proc/\$pid/exe > $TMP/exe; sleep 0.3; echo done > $TMP/done\"]"
  bundle_args "$B" sleep 100
  oci create -b "$B" "$ID"
  oci start "$ID"
  # start waited for the hook (and its sleep) to finish
  [ "$(cat "$TMP/done")" = done ]
  echo "exe at poststart: $(cat "$TMP/exe")"
  [[ "$(cat "$TMP/exe")" == */busybox ]]
  oci delete -f "$ID"
  assert_clean
}

@test "hooks: args[0] is argv0, env exactly as given; absent env inherits ours" {
  printf '#!/bin/sh\necho "$0|$*|$(env | sort | tr "\\n" " ")" >>"%s"\n' "$LOG" >"$TMP/argv.sh"
  chmod +x "$TMP/argv.sh"
  # busybox picks its applet by argv0: "sh" runs the script only if
  # args[0] is argv0.
  add_hook prestart /bin/busybox "[\"sh\", \"$TMP/argv.sh\", \"a\", \"b c\"]" '{"env": ["ONLY=1"]}'
  add_hook prestart /bin/busybox "[\"sh\", \"$TMP/argv.sh\"]" '{"env": []}'
  bundle_jq "$B" ".hooks.prestart += [{\"path\": \"$TMP/argv.sh\"}]"
  OCIRUN_TEST_INHERIT=yes oci create -b "$B" "$ID"
  oci delete -f "$ID"
  cat "$LOG"
  line1=$(sed -n 1p "$LOG") line2=$(sed -n 2p "$LOG") line3=$(sed -n 3p "$LOG")
  [[ "$line1" == "$TMP/argv.sh|a b c|"* ]]
  # env: ONLY=1 and what sh itself sets (PWD...), nothing of ours.
  [[ "$line1" == *"ONLY=1"* ]]
  [[ "$line1" != *OCIRUN_TEST_INHERIT* ]]
  [[ "$line2" != *OCIRUN_TEST_INHERIT* ]]
  [[ "$line2" != *ONLY=1* ]]
  # No args: argv0 is the path; no env: ours.
  [[ "$line3" == "$TMP/argv.sh||"* ]]
  [[ "$line3" == *OCIRUN_TEST_INHERIT=yes* ]]
}

@test "hooks: the working directory of runtime-namespace hooks is the bundle" {
  add_hook prestart /bin/sh "[\"sh\", \"-c\", \"pwd >> $LOG\"]"
  add_hook poststop /bin/sh "[\"sh\", \"-c\", \"pwd >> $LOG\"]"
  (cd / && oci create -b "$B" "$ID")
  oci delete -f "$ID"
  [ "$(cat "$LOG")" = "$B"$'\n'"$B" ]
}

# A failing create-time hook: create fails naming it, nothing is left, the
# later hooks of that create do not run and poststop still runs.
create_hook_fails() {
  local kind=$1
  for k in prestart createRuntime createContainer; do
    if [ $k = "$kind" ]; then
      log_hook $k "$k-fails" "$LOG" 3
    else
      log_hook $k $k
    fi
  done
  log_hook poststart poststart
  log_hook poststop poststop
  run oci create -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$kind hook #0"*"exited with status 3"* ]]
  assert_clean
  [[ "$(names)" == *"$kind-fails poststop " ]]
}

@test "hooks: a failing prestart hook fails create, destroys the container, runs poststop" {
  create_hook_fails prestart
  [ "$(names)" = "prestart-fails poststop " ]
}

@test "hooks: a failing createRuntime hook fails create, destroys the container, runs poststop" {
  create_hook_fails createRuntime
  [ "$(names)" = "prestart createRuntime-fails poststop " ]
}

@test "hooks: a failing createContainer hook fails create, destroys the container, runs poststop" {
  create_hook_fails createContainer
  [ "$(names)" = "prestart createRuntime createContainer-fails poststop " ]
}

@test "hooks: a failing startContainer hook fails start, destroys the container, runs poststop" {
  add_hook startContainer /bin/sh '["sh", "-c", "echo from-the-hook >&2; exit 4"]'
  log_hook poststart poststart
  log_hook poststop poststop
  oci create -b "$B" "$ID"
  run oci start "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"startContainer hook #0 \`/bin/sh\` exited with status 4: from-the-hook"* ]]
  assert_clean
  [ "$(names)" = "poststop " ]
  # engines delete --force after a failed start: silent
  run oci delete --force "$ID"
  [ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "hooks: a failing poststart hook fails start, stops and destroys the container, runs poststop" {
  log_hook poststart poststart1 "$LOG" 5
  log_hook poststart poststart2
  log_hook poststop poststop
  oci create -b "$B" "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  run oci start "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"poststart hook #0"*"exited with status 5"* ]]
  ! kill -0 "$pid" 2>/dev/null || false
  assert_clean
  [ "$(names)" = "poststart1 poststop " ]
}

@test "hooks: a failing poststop hook is a warning; the others run and delete succeeds" {
  log_hook poststop poststop1 "$LOG" 1
  add_hook poststop /nonexistent/hook '["x"]'
  log_hook poststop poststop3
  oci create -b "$B" "$ID"
  run oci delete -f "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"poststop hook #0"*"exited with status 1"* ]]
  [[ "$output" == *"poststop hook #1 \`/nonexistent/hook\`: exec"*"No such file or directory"* ]]
  [ "$(names)" = "poststop1 poststop3 " ]
  assert_clean
}

@test "hooks: a hook past its timeout is killed and fails the operation" {
  add_hook createRuntime /bin/sh "[\"sh\", \"-c\", \"sleep 30; echo survived >> $LOG\"]" '{"timeout": 1}'
  log_hook poststop poststop
  start=$(date +%s)
  run oci create -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [ $(( $(date +%s) - start )) -lt 10 ]
  [[ "$output" == *"createRuntime hook #0 \`/bin/sh\` timed out after 1 s and was killed"* ]]
  assert_clean
  # The hook's own children died with it.
  ! pgrep -f "sleep 30; echo survived" >/dev/null || false
  [ "$(names)" = "poststop " ]
}

@test "hooks: a hook within its timeout succeeds" {
  add_hook prestart /bin/sh '["sh", "-c", "sleep 0.2"]' '{"timeout": 5}'
  oci create -b "$B" "$ID"
  oci delete -f "$ID"
  assert_clean
}

@test "hooks: a hook that never reads its stdin does not hurt us" {
  # A state far larger than a pipe's buffer.
  head -c 200000 /dev/zero | tr '\0' x >"$TMP/big"
  jq --rawfile big "$TMP/big" '.annotations = {"big": $big}' "$B/config.json" >"$TMP/c.json"
  mv "$TMP/c.json" "$B/config.json"
  for k in prestart createRuntime createContainer poststart poststop; do
    add_hook $k /bin/true '["true"]'
  done
  oci create -b "$B" "$ID"
  oci start "$ID"
  oci delete -f "$ID"
  assert_clean
}

@test "hooks: a missing hook binary fails create naming it" {
  add_hook createRuntime /nonexistent/hook '["hook"]'
  run oci create -b "$B" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"createRuntime hook #0 \`/nonexistent/hook\`: exec"*"No such file or directory"* ]]
  assert_clean
}

@test "hooks: run calls every kind and deletes the container" {
  for k in prestart createRuntime createContainer poststart poststop; do
    log_hook $k $k
  done
  bundle_args "$B" true
  oci run -b "$B" "$ID"
  [ "$(names)" = "prestart createRuntime createContainer poststart poststop " ]
  assert_clean
}

@test "delete --force of a missing container is silent; plain delete is an error" {
  run oci delete --force nosuch
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run oci delete nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"nosuch"*"does not exist"* ]]
  run oci delete --force "bad/id"
  [ "$status" -eq 1 ]
}

@test "hooks: a poststop hook past its timeout is killed with a warning; the next still runs" {
  add_hook poststop /bin/sh '["sh", "-c", "sleep 30"]' '{"timeout": 1}'
  log_hook poststop after
  oci create -b "$B" "$ID"
  start=$(date +%s)
  run oci delete -f "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ $(( $(date +%s) - start )) -lt 10 ]
  [[ "$output" == *"poststop hook #0 \`/bin/sh\` timed out after 1 s and was killed"* ]]
  [ "$(names)" = "after " ]
  assert_clean
}

# `run` releases its own init over the sync channel (no exec fifo): the
# hooks of start must behave as with create + start.
@test "hooks: run, every kind in order; poststart sees the exec'd process and the running state" {
  for k in prestart createRuntime createContainer poststop; do
    log_hook $k $k
  done
  add_hook startContainer /bin/sh '["sh", "-c", "sleep 0.2"]'
  add_hook poststart /bin/sh "[\"sh\", \"-c\", \"pid=\$(jq -r .pid); readlink /proc/\$pid/exe > $TMP/exe; $OCIRUN --root $ROOT state $ID | jq -r .status > $TMP/status; echo poststart >> $LOG\"]"
  bundle_args "$B" sh -c 'sleep 0.5; exit 3'
  run oci run -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 3 ]
  [ "$(names)" = "prestart createRuntime createContainer poststart poststop " ]
  [[ "$(cat "$TMP/exe")" == */busybox ]]
  [ "$(cat "$TMP/status")" = running ]
  assert_clean
}

@test "hooks: run, a failing startContainer hook fails run, destroys the container, runs poststop" {
  add_hook startContainer /bin/sh '["sh", "-c", "echo from-the-hook >&2; exit 4"]'
  log_hook poststart poststart
  log_hook poststop poststop
  run oci run -b "$B" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"startContainer hook #0 \`/bin/sh\` exited with status 4: from-the-hook"* ]]
  [ "$(names)" = "poststop " ]
  assert_clean
}
