#!/usr/bin/env bats
# Bad input: one line naming the thing at fault, exit 1, nothing left
# behind (state dir, mount, cgroup, process).

load helpers-lifecycle

setup() {
  lifecycle_setup
  bundle_args "$B" sleep 100
}

teardown() {
  lifecycle_teardown
}

@test "unknown id: state, start, kill, delete" {
  for cmd in state start kill delete; do
    run oci $cmd nosuch
    assert_fails_cleanly "nosuch"
    [[ "$output" == *"does not exist"* ]]
  done
}

@test "invalid ids: slash, dot-dot, leading dot, empty, other characters" {
  for id in a/b .. .seccomp-cache .x "" "a b" "x:y" "../etc"; do
    run oci create -b "$B" "$id"
    assert_fails_cleanly "container id"
    run oci state "$id"
    assert_fails_cleanly "container id"
  done
}

@test "duplicate id" {
  oci create -b "$B" "$ID"
  run oci create -b "$B" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"$ID"*"already exists"* ]]
  # the first one is untouched
  [ "$(oci state "$ID" | jq -r .status)" = created ]
  oci delete "$ID"
  assert_clean
}

@test "missing bundle" {
  run oci create -b "$TMP/nope" "$ID"
  assert_fails_cleanly "$TMP/nope"
  run oci run -b "$TMP/nope" "$ID"
  assert_fails_cleanly "$TMP/nope"
}

@test "broken config.json" {
  echo '{"ociVersion": "1.0.0", "process": ' >"$B/config.json"
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "config.json"
}

@test "missing config.json" {
  rm "$B/config.json"
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "config.json"
}

@test "missing rootfs" {
  rm -rf "$B/rootfs"
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "rootfs"
}

@test "missing process.args[0]" {
  bundle_args "$B" /bin/does-not-exist
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "/bin/does-not-exist"
  bundle_args "$B" does-not-exist
  run oci run -b "$B" "$ID"
  assert_fails_cleanly "does-not-exist"
}

@test "non-executable process.args[0]" {
  bundle_args "$B" /etc/passwd
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "/etc/passwd"
}

@test "a failure inside the container during create comes back to create" {
  bundle_jq "$B" '.mounts += [{"destination": "/mnt/x", "type": "nosuchfs", "source": "none"}]'
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "/mnt/x"
}

@test "terminal without --console-socket in create" {
  bundle_jq "$B" '.process.terminal = true'
  run oci create -b "$B" "$ID"
  assert_fails_cleanly "console socket"
}

@test "--console-socket that nobody listens on" {
  bundle_jq "$B" '.process.terminal = true'
  run oci create -b "$B" --console-socket "$TMP/nosock" "$ID"
  assert_fails_cleanly "$TMP/nosock"
}

@test "bad flags and operand counts" {
  run oci create --nosuchflag "$ID"
  [ "$status" -eq 1 ]
  run oci create
  [ "$status" -eq 1 ]
  run oci kill
  [ "$status" -eq 1 ]
  run oci list extra
  [ "$status" -eq 1 ]
  run oci create --preserve-fds x "$ID"
  [ "$status" -eq 1 ]
  assert_clean
}

@test "Debian's runc agrees: exit 1 and nothing left for each bad input" {
  command -v runc >/dev/null || skip "runc not installed"
  # runc 1.1 does not know ociVersion 1.3.0
  bundle_jq "$B" '.ociVersion = "1.0.2"'
  cp -a "$B" "$TMP/noarg0"
  bundle_args "$TMP/noarg0" /bin/does-not-exist
  cp -a "$B" "$TMP/noexec"
  bundle_args "$TMP/noexec" /etc/passwd
  cp -a "$B" "$TMP/norootfs"
  rm -rf "$TMP/norootfs/rootfs"
  cp -a "$B" "$TMP/broken"
  echo '{"ociVersion": ' >"$TMP/broken/config.json"
  local rt cases c
  cases=("state nosuch" "start nosuch" "kill nosuch" "delete nosuch" "create -b $B a/b" "create -b $B .."
    "create -b $TMP/nope $ID" "create -b $TMP/noarg0 $ID" "create -b $TMP/noexec $ID"
    "create -b $TMP/norootfs $ID" "create -b $TMP/broken $ID")
  for rt in "$OCIRUN" runc; do
    for c in "${cases[@]}"; do
      run $rt --root "$ROOT" $c
      [ "$status" -eq 1 ] || { echo "$rt $c: status $status: $output"; return 1; }
      assert_clean
    done
  done
}
