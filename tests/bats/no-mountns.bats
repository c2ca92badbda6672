#!/usr/bin/env bats
# A container without a mount namespace inherits ours (runtime-spec,
# config-linux.md): its rootfs bind and config.mounts are made in the
# host's mount namespace, where they can be seen while it runs, and are
# gone after delete, delete --force, a failed create, and delete --force of
# a create killed midway.  Propagation: none of them reaches a peer of the
# mount holding the rootfs.

load helpers-lifecycle
load ../helpers/leaks

setup() {
  lifecycle_setup
  chmod 755 "$B/rootfs"
  mkdir -p "$TMP/host"
  echo from-host >"$TMP/host/file"
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "mount"))
    | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .mounts += [{"destination": "/mnt/bind", "type": "bind", "source": "'"$TMP/host"'", "options": ["rbind", "ro"]},
                  {"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
  bundle_args "$B" sleep 1000
  own_snapshot "$TMP/before"
}

teardown() {
  lifecycle_teardown_mounts
}

# The propagation case mounts a tmpfs and its peer under $TMP.
lifecycle_teardown_mounts() {
  local id
  for id in $(ls "$ROOT" 2>/dev/null); do
    "$OCIRUN" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
  done
  umount -l "$TMP/peer" 2>/dev/null || true
  umount -l "$TMP/shared" 2>/dev/null || true
  umount -l "$TMP/hostmnt" 2>/dev/null || true
  lifecycle_teardown
}

# host_snapshot narrowed to what this test's container can leave: other
# suites may run containers on this host meanwhile.
own_snapshot() {
  host_snapshot "$1.all"
  grep -e "$TMP" -e "$ID" "$1.all" >"$1" || true
  rm -f "$1.all"
}

own_assert_no_leaks() {
  own_snapshot "$TMP/after"
  diff -u "$1" "$TMP/after"
}

# The mount points under the bundle, as the host's /proc/self/mountinfo has them.
bundle_mounts() {
  awk -v b="$B/" 'index($5, b) == 1 { print $5 }' /proc/self/mountinfo
}

assert_mounted_on_host() {
  local m
  m=$(bundle_mounts)
  echo "$m"
  for want in "$B/rootfs" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/mnt/bind" "$B/rootfs/mnt/tmp"; do
    grep -qx -- "$want" <<<"$m" || { echo "not mounted on the host: $want" >&2; return 1; }
  done
}

assert_gone() {
  local m
  m=$(bundle_mounts)
  [ -z "$m" ] || { echo "left mounted: $m" >&2; return 1; }
  own_assert_no_leaks "$TMP/before"
  assert_clean
}

@test "no mount namespace: the mounts are the host's while it runs, and delete removes them" {
  oci create -b "$B" "$ID"
  oci start "$ID"
  pid=$(oci state "$ID" | jq -r .pid)
  [ "$(readlink /proc/"$pid"/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
  assert_mounted_on_host
  # The host sees what the container sees there.
  [ "$(cat "$B/rootfs/mnt/bind/file")" = from-host ]
  run oci exec "$ID" sh -c 'cat /mnt/bind/file; echo x >/mnt/tmp/f && echo wrote; touch /mnt/bind/no 2>&1; touch /x 2>&1'
  echo "$output"
  [[ "$output" == from-host*wrote*"Read-only file system"*"Read-only file system"* ]]
  [ "$(cat "$B/rootfs/mnt/tmp/f")" = x ]
  oci kill "$ID" KILL
  wait_status "$ID" stopped
  oci delete "$ID"
  assert_gone
  # The bundle is as it was: the tmpfs took its file with it.
  [ ! -e "$B/rootfs/mnt/tmp/f" ]
}

@test "no mount namespace: delete --force of a running container removes the mounts" {
  oci run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1
  wait_status "$ID" running
  assert_mounted_on_host
  oci delete --force "$ID"
  assert_gone
}

@test "no mount namespace: a create that fails after the mounts leaves none" {
  bundle_args "$B" /no/such/binary
  run oci create -b "$B" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"/no/such/binary"* ]]
  assert_gone
}

@test "no mount namespace: delete --force of a create killed midway removes the mounts" {
  # A createContainer hook runs once every mount exists: create is killed
  # while it waits there, with the container half made.
  bundle_jq "$B" '.hooks.createContainer = [{"path": "/bin/sleep", "args": ["sleep", "1000"]}]'
  "$OCIRUN" --root "$ROOT" create -b "$B" "$ID" </dev/null >/dev/null 2>&1 &
  create=$!
  for i in $(seq 100); do
    [ -z "$(bundle_mounts | grep -x -- "$B/rootfs/mnt/tmp")" ] || break
    sleep 0.05
  done
  assert_mounted_on_host
  kill -KILL "$create"
  wait "$create" || true
  oci delete --force "$ID"
  assert_gone
}

@test "no mount namespace: rootfs on a shared mount, no container mount reaches its peer" {
  # $TMP/shared is a shared tmpfs with a peer at $TMP/peer: what is mounted
  # under one appears under the other.
  mkdir "$TMP/shared" "$TMP/peer"
  mount -t tmpfs tmpfs "$TMP/shared"
  mount --make-shared "$TMP/shared"
  mount --bind "$TMP/shared" "$TMP/peer"
  cp -a "$B" "$TMP/shared/bundle"
  B=$TMP/shared/bundle
  oci run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1
  wait_status "$ID" running
  assert_mounted_on_host
  # The rootfs bind propagates (the kernel gives a shared parent's peers a
  # copy of a new mount), nothing made under it does.
  peer=$(awk -v p="$TMP/peer/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo)
  echo "$peer"
  [ "$peer" = "$TMP/peer/bundle/rootfs" ]
  oci delete --force "$ID"
  [ -z "$(awk -v p="$TMP/peer/" 'index($5, p) == 1' /proc/self/mountinfo)" ]
  [ -z "$(bundle_mounts)" ]
  umount "$TMP/peer" "$TMP/shared"
  assert_gone
}

@test "no mount namespace: delete resolves inside the rootfs and needs no mount ids (a crash before they were written)" {
  # A destination through a symlink that names a host mount point: the
  # mount lands inside the rootfs, and delete must not detach the host's.
  mkdir -p "$TMP/hostmnt"
  mount -t tmpfs hostmnt "$TMP/hostmnt"
  mkdir -p "$B/rootfs/mnt"
  ln -s "$TMP/hostmnt" "$B/rootfs/mnt/link"
  bundle_jq "$B" '.mounts += [{"destination": "/mnt/link", "type": "tmpfs", "source": "tmpfs"}]'
  oci create -b "$B" "$ID"
  grep -q -- " $B/rootfs$TMP/hostmnt " /proc/self/mountinfo
  # Drop the "<seq> = <mount id>" records, as if create died after each mount.
  journal=$ROOT/$ID/mounts
  tr '\0' '\n' <"$journal" | grep -v '^[0-9]* = ' | tr '\n' '\0' >"$journal.new"
  mv "$journal.new" "$journal"
  oci delete --force "$ID"
  [ -z "$(bundle_mounts)" ]
  mountpoint -q "$TMP/hostmnt"
  umount "$TMP/hostmnt"
  assert_gone
}

@test "no mount namespace: rootfsPropagation applies to the rootfs bind; --no-pivot still chroots; nothing left" {
  bundle_args "$B" sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  for p in shared slave private unbindable; do
    bundle_jq "$B" ".linux.rootfsPropagation = \"$p\""
    run oci run -b "$B" "$ID"
    echo "$p: $output"
    [ "$status" -eq 0 ]
    case $p in
      shared) [[ "$output" == *"shared:"* ]] ;;
      unbindable) [[ "$output" == *"unbindable"* ]] ;;
      *) [[ "$output" != *"shared:"* && "$output" != *"master:"* ]] ;;
    esac
    [ -z "$(bundle_mounts)" ]
  done
  # The host's "/" is never moved or covered: --no-pivot is a chroot too.
  bundle_args "$B" sh -c 'echo inside; ls /mnt'
  run oci run --no-pivot -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == inside*bind*tmp* ]]
  assert_gone
}
