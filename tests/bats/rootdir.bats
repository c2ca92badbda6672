#!/usr/bin/env bats
# A --root that is full or read-only: create fails with one line naming
# the path, and nothing half-written is left.

load helpers-lifecycle

setup() {
  lifecycle_setup
  bundle_args "$B" sleep 1000
  # Outside $TMP: assert_clean looks for mounts left there.
  MNT=$(mktemp -d /tmp/ocirun-rootdir.XXXXXX)
}

teardown() {
  umount "$MNT" 2>/dev/null || true
  lifecycle_teardown
  rm -rf "$MNT"
}

fill() {
  dd if=/dev/zero of="$1" bs=4k 2>/dev/null || true
}

@test "rootdir: a full --root: create fails naming the file, leaves nothing" {
  mount -t tmpfs -o size=64k tmpfs "$MNT"
  ROOT=$MNT/root
  mkdir "$ROOT"
  fill "$MNT/filler"
  run "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  assert_fails_cleanly "$ROOT/$ID/"
  [[ "$output" == *"No space left on device"* ]]
  # With room again, the same id works.
  rm "$MNT/filler"
  "$OCIRUN" --root "$ROOT" create -b "$B" "$ID" </dev/null >/dev/null 2>&1
  "$OCIRUN" --root "$ROOT" delete --force "$ID"
  assert_clean
}

@test "rootdir: a --root that fills up between the config copy and the state" {
  mount -t tmpfs -o size=64k tmpfs "$MNT"
  ROOT=$MNT/root
  mkdir "$ROOT"
  fill "$MNT/filler"
  # Room for the config copy (a few kB) but not much more.
  truncate -s -$(( $(stat -c %s "$B/config.json") + 4096 )) "$MNT/filler"
  run "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  if [ "$status" -eq 0 ]; then
    skip "the filesystem had room for everything"
  fi
  assert_fails_cleanly "$ROOT/$ID/"
}

@test "rootdir: a --root without free inodes: create fails naming the directory" {
  mount -t tmpfs -o size=1m,nr_inodes=2 tmpfs "$MNT"
  ROOT=$MNT/root
  mkdir "$ROOT"
  run "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  assert_fails_cleanly "$ROOT/$ID"
}

# create with --root $MNT/root on a read-only bind mount of $MNT; must
# fail with one line holding WHAT and EROFS.
create_on_read_only() {
  local what=$1
  mount --bind "$MNT" "$MNT"
  mount -o remount,bind,ro "$MNT"
  ROOT=$MNT/root
  run "$OCIRUN" --root "$ROOT" create -b "$B" "$ID"
  assert_fails_cleanly "$what"
  [[ "$output" == *"Read-only file system"* ]]
}

@test "rootdir: a read-only --root: create fails naming the directory, leaves nothing" {
  mkdir -p "$MNT/root"
  create_on_read_only "mkdir \`$MNT/root/$ID\`"
}

@test "rootdir: a read-only --root that does not exist yet" {
  create_on_read_only "$MNT/root"
}
