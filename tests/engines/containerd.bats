#!/usr/bin/env bats
# containerd 1.6 (its runc shims, driven by ctr) runs the runtime under
# test end to end.  Run through tests/engines/run.sh [--runtime PATH].

load helpers
load podman
load containerd

bats_require_minimum_version 1.5.0

setup_file() {
  engines_setup_file
  ctd_start
  ctd_import_image
}

teardown_file() {
  local rc=0
  ctd_teardown
  ctd_stop
  ctd_cleanup_host || rc=1
  engines_teardown_file || rc=1
  return $rc
}

setup() {
  engines_setup
}

teardown() {
  ctd_teardown
  local rc=0
  engines_teardown || rc=1
  ctd_remove_left_sockets || rc=1
  # What containerd could not delete while its shim lived.
  if [ -n "$(ctrx containers list --quiet)" ]; then
    ctd_teardown
    rc=1
  fi
  return $rc
}

@test "ctr: run --rm prints the output and passes the exit code (runc shim, BinaryName from ctr)" {
  run ctr_run hello --rm -- sh -c 'echo hello from ctr'
  [ "$status" -eq 0 ]
  [ "$output" = "hello from ctr" ]
  run -42 ctr_run fail --rm -- sh -c 'exit 42'
  [ -z "$(ctrx containers list --quiet)" ]
}

@test "ctr: a detached task, then task exec, task ps, pause/resume, kill, delete" {
  run ctr_run life -d -- sh -c 'trap "exit 3" TERM; sleep 1000 & wait'
  [ "$status" -eq 0 ]
  [ "$(ctr_task_status life)" = RUNNING ]
  # It is the runtime under test that keeps it, under the private root.
  [ -d "$ENGINES_STATE/runc/$CTD_NS/life" ]

  run ctrx task exec --fifo-dir "$(ctd_dir)/fifo" --exec-id e1 --cwd /tmp --user 65534 life \
    sh -c 'echo "exec in $(pwd) as $(id -u)"; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "exec in /tmp as 65534" ]

  # task ps lists the init process and the sleep under it.
  local init_pid
  init_pid=$(ctrx task list | awk '$1 == "life" {print $2}')
  run ctrx task ps life
  [ "$status" -eq 0 ]
  echo "$output" | grep -q "^$init_pid "
  [ "$(echo "$output" | grep -c '^[0-9]')" -eq 2 ]

  ctrx task pause life
  [ "$(ctr_task_status life)" = PAUSED ]
  ctrx task resume life
  [ "$(ctr_task_status life)" = RUNNING ]
  # (The sleep: once in six runs with crun, ctr lost the output of an exec
  # that exited at once.)
  run ctrx task exec --fifo-dir "$(ctd_dir)/fifo" --exec-id e2 life sh -c 'echo resumed; sleep 0.2'
  [ "$status" -eq 0 ]
  [ "$output" = resumed ]
  # An exec that cannot start: the runtime's reason reaches the user.
  run ctrx task exec --fifo-dir "$(ctd_dir)/fifo" --exec-id e3 life /no/such/command
  [ "$status" -ne 0 ]
  echo "$output" | grep -q '/no/such/command'
  echo "$output" | grep -qi 'no such file or directory'

  ctrx task kill --signal TERM life
  wait_for 5 _task_not_running life
  [ "$(ctr_task_status life)" = STOPPED ]
  run ctr_task_delete life
  [ "$status" -eq 0 ]
  [ "$output" = 3 ]
  ctrx containers delete life
}

@test "ctr: task kill --signal KILL, and delete reports 137" {
  ctr_run victim -d -- sleep 1000
  ctrx task kill --signal KILL victim
  wait_for 5 _task_not_running victim
  run ctr_task_delete victim
  [ "$output" = 137 ]
  # Killing a task that is gone is an error, not a hang.
  run ctrx task kill victim
  [ "$status" -ne 0 ]
  ctrx containers delete victim
}

@test "ctr: a task whose runtime state is already gone deletes cleanly" {
  # The shim ignores a delete error that says "does not exist" (runc's
  # words): the runtime's message must say it too.
  ctr_run gone -d -- sleep 1000
  ctrx task kill --signal KILL gone
  wait_for 5 _task_not_running gone
  local root=$ENGINES_STATE/runc/$CTD_NS
  [ "$("$ENGINES_RUNTIME" --root "$root" state gone | jq -r .status)" = stopped ]
  "$ENGINES_RUNTIME" --root "$root" delete gone
  run "$ENGINES_RUNTIME" --root "$root" delete gone
  [ "$status" -ne 0 ]
  echo "$output" | grep -q 'does not exist'
  run ctr_task_delete gone
  [ "$status" -eq 0 ]
  [ "$output" = 137 ]
  ctrx containers delete gone
}

@test "ctr: a command that does not exist: the runtime's message reaches the user" {
  run ctr_run nocmd --rm -- /no/such/command
  [ "$status" -ne 0 ]
  echo "$output" | grep -q '/no/such/command'
  echo "$output" | grep -qi 'no such file or directory'
  ! echo "$output" | grep -q '"level"'
  ctrx containers delete nocmd 2>/dev/null || true
}

@test "ctr: -t allocates a terminal through the shim's console socket" {
  local C
  C=$(ctd_dir)
  # ctr -t wants a terminal on its own stdin: script(1) gives it one.
  run script -qec "ctr --address $C/containerd.sock --namespace $CTD_NS run --rm -t \
    --fifo-dir $C/fifo --cgroup $(engines_cgroup_parent)/tty \
    --runc-binary $ENGINES_RUNTIME --runc-root $ENGINES_STATE/runc \
    $ENGINES_IMAGE tty sh -c 'tty; [ -t 0 ] && echo both-tty'" /dev/null </dev/null
  [ "$status" -eq 0 ]
  # script(1) passes the terminal's bytes on: CRs, and the echo (^@) of the
  # NUL ctr writes to the terminal at the start.
  [ "$(printf '%s' "$output" | tr -d '\000\r' | sed 's/^^@//')" = $'/dev/pts/0\nboth-tty' ]
}

@test "ctr: run --rootfs, a rootfs dir not managed by a snapshotter" {
  local rootfs=$BATS_TEST_TMPDIR/rootfs
  mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$(engines_rootfs_tar)"
  # No image config, so no PATH: absolute paths.
  CTR_IMAGE=$rootfs run ctr_run bare --rm --rootfs -- /bin/sh -c 'echo from rootfs; exit 7'
  [ "$status" -eq 7 ]
  [ "$output" = "from rootfs" ]
}

@test "ctr: the runtime configured in containerd's config (runtime v1 plugin)" {
  CTR_SHIM=v1 run ctr_run viaconfig --rm -- sh -c 'echo via config; exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = "via config" ]
  # A detached one: state, kill, delete through the config's runtime.
  CTR_SHIM=v1 ctr_run v1life -d -- sleep 1000
  [ "$(ctr_task_status v1life)" = RUNNING ]
  [ -d "$ENGINES_STATE/v1/$CTD_NS/v1life" ]
  ctrx task kill --signal KILL v1life
  wait_for 5 _task_not_running v1life
  run ctr_task_delete v1life
  [ "$output" = 137 ]
  ctrx containers delete v1life
}

@test "ctr: 10 containers in a row leave no mount, cgroup, state dir or process" {
  local i
  for i in $(seq 10); do
    run ctr_run "row$i" --rm -- echo "run $i"
    [ "$status" -eq 0 ]
    [ "$output" = "run $i" ]
  done
  [ -z "$(ctrx containers list --quiet)" ]
  [ -z "$(ctd_left_sockets)" ]
}
