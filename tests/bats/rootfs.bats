#!/usr/bin/env bats
# The inside-the-container setup (hostname, rootfs, mounts, /dev, masked and
# readonly paths, sysctl, terminal, user, capabilities, limits, exec) on
# busybox bundles, checked from inside; hostile bundles never touch the host.
# Containers run with `ocirun run`; ROOTFS_DRIVER=harness runs the same cases
# through tests/helpers/init-harness (the src/linux modules without the core),
# ROOTFS_DRIVER=runc through Debian's runc, to compare.

load ../helpers/bundle

HARNESS="$TOP_BUILDDIR/tests/helpers/init-harness"
# rootfs-no-openat2.bats runs this suite again through a wrapper.
WRAP=${ROOTFS_WRAP:-}

setup() {
  TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ocirun-rootfs.XXXXXX")
  B=$TMP/bundle
  HOSTDIR=$TMP/host
  mkdir -p "$HOSTDIR"
  echo original >"$HOSTDIR/file"
  make_bundle "$B"
  # The template comes from mktemp -d (0700): a non-root user could not
  # even reach "/".
  chmod 755 "$B/rootfs"
}

# Other suites may run containers at the same time, so the whole host's
# state is no baseline: nothing of ours (under $TMP) may stay mounted and
# no container may stay in our state directory.
teardown() {
  local left containers=""
  [ -z "${RACER:-}" ] || kill "$RACER" 2>/dev/null || true
  left=$(grep -F "$TMP" /proc/self/mountinfo || true)
  if [ -d "$TMP/state" ]; then
    containers=$(ls -A "$TMP/state")
  fi
  rm -rf "$TMP"
  [ -z "$left" ] || {
    echo "left mounted on the host: $left"
    false
  }
  [ -z "$containers" ] || {
    echo "containers left behind: $containers"
    false
  }
}

# Run the bundle once: FLAGS are run's own (--no-pivot, --console-socket).
run_bundle() {
  if [ "${ROOTFS_DRIVER:-ocirun}" = harness ]; then
    $WRAP "$HARNESS" "$@" "$B"
  elif [ "${ROOTFS_DRIVER:-ocirun}" = runc ]; then
    runc --root "$TMP/state" run "$@" -b "$B" "rootfs-$BATS_TEST_NUMBER-$RANDOM"
  else
    $WRAP "$OCIRUN" --root "$TMP/state" run "$@" -b "$B" "rootfs-$BATS_TEST_NUMBER-$RANDOM"
  fi
}

# Run the bundle's process; $status and $output as bats' run sets them.
ctr() {
  bundle_args "$B" "$@"
  run run_bundle
}

# Run a shell snippet in the container.
ctr_sh() {
  ctr sh -c "$1"
}

host_dir_unchanged() {
  [ "$(ls -A "$HOSTDIR")" = file ] && [ "$(cat "$HOSTDIR/file")" = original ]
}

@test "default config: the mounts runc makes, in order" {
  ctr cat /proc/self/mountinfo
  echo "$output"; [ "$status" -eq 0 ]
  mounts=$(awk '{print $5, $(NF-2)}' <<<"$output" | head -13 | tr '\n' ';')
  [ "$mounts" = "/ ext4;/proc proc;/dev tmpfs;/dev/pts devpts;/dev/shm tmpfs;/dev/mqueue mqueue;/sys sysfs;/sys/fs/cgroup tmpfs;/sys/fs/cgroup/cpu cgroup;/sys/fs/cgroup/cpuacct cgroup;/sys/fs/cgroup/cpuset cgroup;/sys/fs/cgroup/memory cgroup;/sys/fs/cgroup/devices cgroup;" ] || {
    echo "$mounts"
    false
  }
  grep -E '^[0-9]+ [0-9]+ [^ ]+ [^ ]+ /sys ro,nosuid,nodev,noexec' <<<"$output"
  grep -E ' /sys/fs/cgroup ro,nosuid,nodev,noexec' <<<"$output"
  grep -E ' /sys/fs/cgroup/memory ro,' <<<"$output"
  grep -E ' /dev/pts rw,nosuid,noexec.* devpts devpts rw,gid=5,mode=620,ptmxmode=666' <<<"$output"
}

@test "root.readonly makes / read-only, and rw when false" {
  bundle_jq "$B" '.root.readonly = true'
  ctr_sh 'touch /x 2>&1; echo rc=$?'
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" == *"rc=1"* ]]
  bundle_jq "$B" '.root.readonly = false'
  ctr_sh 'touch /x && echo made'
  [ "$output" = made ]
  [ -f "$B/rootfs/x" ]
}

@test "hostname and domainname; a hostname without a uts namespace is an error" {
  bundle_jq "$B" '.hostname = "box" | .domainname = "example.org"'
  ctr_sh 'hostname; cat /proc/sys/kernel/domainname'
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = "box
example.org" ]
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "uts"))'
  ctr true
  [ "$status" -ne 0 ]
  [[ "$output" == *"unable to set hostname without a private UTS namespace"* ]]
  [ "$(hostname)" != box ]
}

@test "/dev: default devices, ptmx, fd symlinks" {
  ctr_sh 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; echo hi >/dev/null && head -c 3 /dev/zero | wc -c'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
  [ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
  [ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
  [ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
  [ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
  [ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
  [ "${lines[6]}" = "pts/ptmx" ]
  [ "${lines[7]}" = "/proc/self/fd" ]
  [ "${lines[8]}" = "/proc/self/fd/0" ]
  [ "${lines[9]}" = "/proc/self/fd/1" ]
  [ "${lines[10]}" = "/proc/self/fd/2" ]
  [ "${lines[11]}" = "3" ]
}

@test "linux.devices: type, major, minor, fileMode, uid, gid; a device through a symlink stays inside" {
  ln -s "$HOSTDIR" "$B/rootfs/devlink"
  bundle_jq "$B" '.linux.devices = [
    {"path": "/dev/mine", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1001},
    {"path": "/dev/sub/blk", "type": "b", "major": 7, "minor": 0},
    {"path": "/dev/fifo", "type": "p"},
    {"path": "/devlink/null", "type": "c", "major": 1, "minor": 3}]'
  ctr_sh 'stat -c "%n %F %t:%T %a %u:%g" /dev/mine /dev/sub/blk /dev/fifo; ls "'"$HOSTDIR"'"'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/mine character special file 1:3 600 1000:1001" ]
  [ "${lines[1]}" = "/dev/sub/blk block special file 7:0 666 0:0" ]
  [ "${lines[2]}" = "/dev/fifo fifo 0:0 666 0:0" ]
  # the symlink's absolute target was made inside the rootfs, not on the host
  [ -c "$B/rootfs$HOSTDIR/null" ]
  host_dir_unchanged
}

@test "/dev in a user namespace: devices are bind mounts of the host's nodes" {
  [ "${ROOTFS_DRIVER:-ocirun}" = ocirun ] || skip "the harness makes no user namespace (and runc 1.1 differs in the cgroup2 case)"
  # the namespace's root is host uid 100000: it must reach the rootfs
  chmod 755 "$TMP" "$B"
  bundle_jq "$B" '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]
    | .mounts += [{"destination": "/tmp/cg2", "type": "cgroup2", "source": "cgroup2", "options": ["ro"]}]'
  ctr_sh 'stat -c "%n %t:%T" /dev/null /dev/tty /dev/fuse; echo x >/dev/null && echo writes; grep -E " /dev/(null|fuse) " /proc/self/mountinfo | cut -d" " -f4,5; grep " /tmp/cg2 " /proc/self/mountinfo | cut -d" " -f4,6; test -f /tmp/cg2/cgroup.procs && echo cgroup-dir'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null 1:3" ]
  [ "${lines[1]}" = "/dev/tty 5:0" ]
  [ "${lines[2]}" = "/dev/fuse a:e5" ]
  [ "${lines[3]}" = writes ]
  [ "${lines[4]}" = "/null /dev/null" ]
  [ "${lines[5]}" = "/fuse /dev/fuse" ]
  # no cgroup namespace: the kernel refuses a fresh cgroup2 mount, so the
  # container's own cgroup is bound instead (its root is not "/")
  [[ "${lines[6]}" == /?*" ro,"* ]]
  [ "${lines[7]}" = cgroup-dir ]
}

@test "/dev bind-mounted from the host is left alone" {
  bundle_jq "$B" '.mounts |= map(select(.destination | startswith("/dev") | not)) | .mounts += [{"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind", "nosuid"]}]'
  ctr_sh 'test -L /dev/ptmx && echo symlink || echo host-ptmx; test -e /dev/kmsg && echo host-dev'
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = "host-ptmx
host-dev" ]
}

@test "maskedPaths and readonlyPaths" {
  mkdir -p "$B/rootfs/secretdir"
  echo secret >"$B/rootfs/secretdir/f"
  echo secret >"$B/rootfs/etc/secret"
  bundle_jq "$B" '.linux.maskedPaths += ["/etc/secret", "/secretdir", "/does/not/exist"] | .linux.readonlyPaths += ["/etc", "/nope"]'
  ctr_sh 'wc -c </etc/secret; ls -A /secretdir | wc -l; touch /etc/x 2>&1; grep -c . /proc/keys; ls -A /sys/firmware | wc -l; touch /sys/firmware/x 2>&1; echo 1 >/proc/sys/kernel/domainname 2>&1; grep -E " /proc/(sys|kcore|acpi) " /proc/self/mountinfo | cut -d" " -f5,6'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  [ "${lines[3]}" = 0 ]
  [ "${lines[4]}" = 0 ]
  [[ "${lines[5]}" == *"Read-only file system"* ]]
  [[ "${lines[6]}" == *"Read-only file system"* ]]
  [ "$(cat "$B/rootfs/etc/secret")" = secret ]
  grep -q '^/proc/sys ro,' <<<"$output"
  grep -q '^/proc/acpi ro,' <<<"$output"
}

@test "bind mounts: ro is really read-only, rw writes through, files, missing targets created" {
  mkdir -p "$TMP/src/sub"
  echo data >"$TMP/src/f"
  bundle_jq "$B" '.mounts += [
    {"destination": "/ro", "type": "bind", "source": "'"$TMP"'/src", "options": ["bind", "ro"]},
    {"destination": "/rw/deep", "type": "bind", "source": "'"$TMP"'/src", "options": ["rbind"]},
    {"destination": "/etc/onefile", "type": "none", "source": "'"$TMP"'/src/f", "options": ["bind", "ro"]}]'
  ctr_sh 'touch /ro/x 2>&1; cat /etc/onefile; echo new >/rw/deep/made; echo >/etc/onefile 2>&1; grep -E " /(ro|rw/deep|etc/onefile) " /proc/self/mountinfo | cut -d" " -f5,6'
  echo "$output"; [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = data ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  grep -q '^/ro ro' <<<"$output"
  grep -q '^/etc/onefile ro' <<<"$output"
  grep -q '^/rw/deep rw' <<<"$output"
  [ "$(cat "$TMP/src/made")" = new ]
  [ -d "$B/rootfs/rw/deep" ] && [ -f "$B/rootfs/etc/onefile" ]
}

@test "a relative bind source is relative to the bundle" {
  mkdir -p "$B/shared"
  echo inbundle >"$B/shared/f"
  bundle_jq "$B" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "shared", "options": ["bind"]}]'
  ctr cat /mnt/f
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = inbundle ]
}

@test "mount options: nosuid, noexec, nodev, tmpfs data, recursive rro" {
  mkdir -p "$TMP/src"
  bundle_jq "$B" '.mounts += [
    {"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "nosuid", "nodev", "size=1m", "mode=700"]},
    {"destination": "/r", "type": "bind", "source": "/dev", "options": ["rbind", "rro"]},
    {"destination": "/nr", "type": "bind", "source": "/dev", "options": ["rbind", "ro"]}]'
  ctr_sh 'printf "#!/bin/sh\necho ran\n" >/t/s && chmod +x /t/s && /t/s 2>&1; echo exec=$?; stat -c %a /t; awk "\$5 == \"/t\" {print \$6, \$NF}" /proc/self/mountinfo; touch /r/shm/x 2>&1; echo rro=$?; touch /nr/shm/ocirun-test-$$ && echo ro-not-recursive && rm /nr/shm/ocirun-test-$$'
  echo "$output"; [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Permission denied"* ]]
  [ "${lines[1]}" = "exec=126" ]
  [ "${lines[2]}" = 700 ]
  [[ "${lines[3]}" == "rw,nosuid,nodev,noexec"*"size=1024k,mode=700" ]]
  [[ "$output" == *"rro=1"* ]]
  [[ "$output" == *"ro-not-recursive"* ]]
}

@test "mount options: atime group, sync/dirsync, nosymfollow, per-mount propagation, remount" {
  bundle_jq "$B" '.mounts += [
    {"destination": "/a", "type": "tmpfs", "source": "tmpfs", "options": ["noatime", "nodiratime", "sync", "dirsync", "nosymfollow"]},
    {"destination": "/st", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime"]},
    {"destination": "/rl", "type": "tmpfs", "source": "tmpfs", "options": ["norelatime", "relatime"]},
    {"destination": "/sh", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]},
    {"destination": "/un", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]},
    {"destination": "/pr", "type": "tmpfs", "source": "tmpfs", "options": ["rshared", "rprivate"]},
    {"destination": "/rw", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "rw", "exec", "suid", "dev", "atime", "diratime", "async"]}]'
  ctr_sh 'for d in /a /st /rl /sh /un /pr /rw; do awk -v d=$d "\$5 == d {opt=\$7; if (opt == \"-\") opt=\"none\"; print d, \$6, opt}" /proc/self/mountinfo; done;'\
'    grep " /a " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f3;'\
'    ln -s /etc/passwd /a/link; cat /a/link >/dev/null 2>&1; echo nosymfollow=$?;'\
'    touch /rw/f && echo rw-writable'
  echo "$output"; [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/a rw,noatime,nodiratime,nosymfollow none" ]]
  [[ "${lines[1]}" == "/st rw none" ]]
  [[ "${lines[2]}" == "/rl rw,relatime none" ]]
  [[ "${lines[3]}" == "/sh rw,relatime shared:"* ]]
  [[ "${lines[4]}" == "/un rw,relatime unbindable" ]]
  [[ "${lines[5]}" == "/pr rw,relatime none" ]]
  # atime clears noatime: the kernel's default, relatime
  [[ "${lines[6]}" == "/rw rw,relatime none" ]]
  # sync and dirsync are superblock flags
  [[ "${lines[7]}" == "rw,sync,dirsync"* ]]
  [ "${lines[8]}" = nosymfollow=1 ]
  [ "${lines[9]}" = rw-writable ]
}

@test "a failing create leaves no mount, state or process behind" {
  [ "${ROOTFS_DRIVER:-ocirun}" = ocirun ] || skip "ocirun's own cleanup"
  mkdir -p "$TMP/src"
  before=$(cut -d' ' -f5 /proc/self/mountinfo | sort)
  for bad in \
    '{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=nonsense"]}' \
    '{"destination": "/x", "type": "nosuchfs", "source": "none"}' \
    "{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"$TMP/missing\", \"options\": [\"bind\"]}" \
    '{"destination": "/proc/sys/x", "type": "tmpfs", "source": "tmpfs"}'; do
    cp "$B/config.json" "$TMP/config.orig"
    bundle_jq "$B" ".mounts += [{\"destination\": \"/ok\", \"type\": \"bind\", \"source\": \"$TMP/src\", \"options\": [\"rbind\"]}, $bad]"
    run "$OCIRUN" --root "$TMP/state" run -b "$B" "rootfs-fail-$BATS_TEST_NUMBER"
    echo "$bad: $output"
    [ "$status" -ne 0 ]
    [ -z "$(ls -A "$TMP/state" 2>/dev/null)" ]
    ! grep -F "$TMP" /proc/self/mountinfo || false
    cp "$TMP/config.orig" "$B/config.json"
  done
  after=$(cut -d' ' -f5 /proc/self/mountinfo | sort)
  # Only mounts of others running meanwhile may differ; none of ours.
  ! comm -13 <(echo "$before") <(echo "$after") | grep -F -e "$TMP" -e "$B" || false
  host_dir_unchanged
}

@test "tmpcopyup: a tmpfs over a directory starts with its content, owners and modes" {
  mkdir -p "$B/rootfs/data/sub"
  echo kept >"$B/rootfs/data/sub/f"
  chown 1000:1001 "$B/rootfs/data/sub/f"
  chmod 4755 "$B/rootfs/data/sub/f"
  ln -s /etc/passwd "$B/rootfs/data/link"
  bundle_jq "$B" '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]},
    {"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}]'
  ctr_sh 'cat /data/sub/f; stat -c "%u:%g %a" /data/sub/f; readlink /data/link; echo new >/data/new; cat /data/new; head -1 /etc/passwd; touch /etc/x 2>&1; grep -E " /(data|etc) " /proc/self/mountinfo | cut -d" " -f5,6,9'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = kept ]
  [ "${lines[1]}" = "1000:1001 4755" ]
  [ "${lines[2]}" = /etc/passwd ]
  [ "${lines[3]}" = new ]
  [[ "${lines[4]}" == root:* ]]
  [[ "${lines[5]}" == *"Read-only file system"* ]]
  [[ "${lines[6]}" == "/data rw,"*" tmpfs" ]]
  [[ "${lines[7]}" == "/etc ro,"*" tmpfs" ]]
  [ ! -e "$B/rootfs/data/new" ]
}

@test "id-mapped bind mounts: uidMappings/gidMappings on a mount, idmap and ridmap" {
  mkdir -p "$TMP/src"
  touch "$TMP/src/rootfile" "$TMP/src/userfile"
  chown 1000:1000 "$TMP/src/userfile"
  bundle_jq "$B" '.mounts += [{"destination": "/m", "type": "bind", "source": "'"$TMP"'/src", "options": ["rbind", "ridmap"],
    "uidMappings": [{"containerID": 0, "hostID": 2000, "size": 100}], "gidMappings": [{"containerID": 0, "hostID": 3000, "size": 100}]}]'
  ctr_sh 'stat -c "%n %u:%g" /m/rootfile /m/userfile; touch /m/new 2>&1; true'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/m/rootfile 2000:3000" ]
  [ "${lines[1]}" = "/m/userfile 65534:65534" ]
  # uid 0 has no place in the mount's mapping: the kernel refuses the file
  [ "${lines[2]}" = "touch: /m/new: Value too large for defined data type" ]
  [ "$(stat -c %u:%g "$TMP/src/rootfile")" = 0:0 ]
  [ ! -e "$TMP/src/new" ]
  bundle_jq "$B" '.mounts[-1].type = "tmpfs" | .mounts[-1].source = "tmpfs" | .mounts[-1].options = ["idmap"]'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"only bind mounts can be id-mapped"* ]]
}

@test "cgroup2 and mqueue mounts, and an unknown option reaches the filesystem" {
  bundle_jq "$B" '.mounts += [{"destination": "/cg2", "type": "cgroup2", "source": "cgroup2", "options": ["ro"]}]'
  ctr_sh 'test -f /cg2/cgroup.procs && echo has-procs; grep " /cg2 " /proc/self/mountinfo | cut -d" " -f6,9'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = has-procs ]
  [[ "${lines[1]}" == "ro,"*" cgroup2" ]]
  bundle_jq "$B" '.mounts += [{"destination": "/bad", "type": "tmpfs", "source": "tmpfs", "options": ["bogusopt=1"]}]'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"mount \`tmpfs\` (type tmpfs, options bogusopt=1) on \`/bad\`: Invalid argument"* ]]
}

@test "hostile bundle: a destination that is a symlink to a host path" {
  ln -s "$HOSTDIR" "$B/rootfs/evil"
  bundle_jq "$B" '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"}, {"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}]'
  ctr_sh 'grep -c " /'"${HOSTDIR#/}"'\(/sub\)\? " /proc/self/mountinfo'
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = 2 ]
  host_dir_unchanged
  [ -d "$B/rootfs$HOSTDIR/sub" ]
}

@test "hostile bundle: a ../.. chain and a bind source through it stay inside" {
  ln -s "../../../../../../../../../..$HOSTDIR" "$B/rootfs/up"
  mkdir -p "$TMP/src"
  bundle_jq "$B" '.mounts += [{"destination": "/up/x/y", "type": "bind", "source": "'"$TMP"'/src", "options": ["bind"]}, {"destination": "/../../../../tmp/z", "type": "tmpfs", "source": "tmpfs"}]'
  ctr true
  echo "$output"; [ "$status" -eq 0 ]
  host_dir_unchanged
  [ -d "$B/rootfs$HOSTDIR/x/y" ]
  [ -d "$B/rootfs/tmp/z" ]
}

@test "hostile bundle: a destination swapped for a symlink while mounting never reaches the host" {
  mkdir -p "$TMP/src" "$B/rootfs/race"
  echo bound >"$TMP/src/f"
  ln -s "$HOSTDIR" "$B/rootfs/race.link"
  bundle_jq "$B" '.mounts += [
    {"destination": "/race/sub", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/race/bind", "type": "bind", "source": "'"$TMP"'/src", "options": ["bind", "ro"]},
    {"destination": "/race/dev", "type": "devpts", "source": "devpts", "options": ["newinstance"]}]'
  bundle_args "$B" true
  # Swap /race and a symlink to the host directory (renameat2 RENAME_EXCHANGE)
  # as fast as possible while containers start.
  python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
while True:
    libc.syscall(316, -100, b"race", -100, b"race.link", 2)
' "$B/rootfs" &
  RACER=$!
  ok=0
  for _ in $(seq 40); do
    if run_bundle 2>/dev/null; then ok=$((ok + 1)); fi
  done
  kill "$RACER"
  wait "$RACER" || true
  RACER=
  echo "$ok of 40 runs succeeded"
  host_dir_unchanged
}

@test "hostile bundle: proc through a symlink is refused" {
  rmdir "$B/rootfs/proc"
  ln -s /etc "$B/rootfs/proc"
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"/proc"* ]]
}

@test "--no-pivot" {
  bundle_args "$B" sh -c 'cat /proc/self/mountinfo | head -1 | cut -d" " -f5; ls /'
  run run_bundle --no-pivot
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = / ]
  [[ "$output" == *"bin"* ]]
}

@test "rootfsPropagation" {
  bundle_jq "$B" '.linux.rootfsPropagation = "shared"'
  ctr_sh 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
  echo "$output"; [ "$status" -eq 0 ]
  [[ "$output" == *"shared:"* ]]
  bundle_jq "$B" '.linux.rootfsPropagation = "private"'
  ctr_sh 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
  echo "$output"; [ "$status" -eq 0 ]
  [[ "$output" != *"shared:"* ]] && [[ "$output" != *"master:"* ]]
}

@test "user, groups, umask, cwd (created when missing), HOME" {
  bundle_jq "$B" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7], "umask": 63} | .process.cwd = "/work/dir"'
  ctr_sh 'id; umask; pwd; echo HOME=$HOME'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "uid=1000 gid=1001 groups=5,7" ]
  [ "${lines[1]}" = 0077 ]
  [ "${lines[2]}" = /work/dir ]
  [ "${lines[3]}" = HOME=/ ]
  bundle_jq "$B" '.process.user = {"uid": 0, "gid": 0} | .process.env += ["HOME=/custom"]'
  ctr_sh 'id; umask; echo HOME=$HOME'
  echo "$output"
  [ "${lines[0]}" = "uid=0(root) gid=0(root)" ]
  [ "${lines[1]}" = 0022 ]
  [ "${lines[2]}" = HOME=/custom ]
}

@test "capabilities: all five sets, for root and for a user" {
  bundle_jq "$B" '.process.capabilities = {
    "bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
    "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"],
    "inheritable": ["CAP_CHOWN"], "ambient": ["CAP_CHOWN"]} | .process.user = {"uid": 1000, "gid": 1000}'
  ctr grep ^Cap /proc/self/status
  echo "$output"; [ "$status" -eq 0 ]
  # exec recomputes: ambient CHOWN lands in permitted and effective
  [ "${lines[0]}" = "CapInh:	0000000000000001" ]
  [ "${lines[1]}" = "CapPrm:	0000000000000001" ]
  [ "${lines[2]}" = "CapEff:	0000000000000001" ]
  [ "${lines[3]}" = "CapBnd:	0000000000000421" ]
  [ "${lines[4]}" = "CapAmb:	0000000000000001" ]
}

@test "capabilities: an unknown name is an error naming it; none given drops all" {
  bundle_jq "$B" '.process.capabilities.bounding += ["CAP_FLY"]'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown capability \`CAP_FLY\`"* ]]
  bundle_jq "$B" 'del(.process.capabilities)'
  ctr grep -E '^Cap(Eff|Bnd)' /proc/self/status
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = "CapEff:	0000000000000000
CapBnd:	0000000000000000" ]
}

@test "noNewPrivileges, rlimits, oomScoreAdj" {
  bundle_jq "$B" '.process.noNewPrivileges = true | .process.oomScoreAdj = 123 | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}, {"type": "RLIMIT_NPROC", "soft": 1000, "hard": 2000}]'
  ctr_sh 'grep NoNewPrivs /proc/self/status; ulimit -n; ulimit -Hn; ulimit -u; cat /proc/self/oom_score_adj'
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = "NoNewPrivs:	1
321
654
1000
123" ]
  bundle_jq "$B" '.process.noNewPrivileges = false'
  ctr grep NoNewPrivs /proc/self/status
  [ "$output" = "NoNewPrivs:	0" ]
}

@test "scheduler, ioPriority, personality, execCPUAffinity.final" {
  bundle_jq "$B" '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5} | .process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0} | .linux.personality = {"domain": "LINUX32"} | .process.execCPUAffinity = {"final": "0"}'
  ctr_sh 'grep -E "^policy" /proc/self/sched | tr -d " "; cut -d" " -f19 /proc/self/stat; ionice; uname -m; grep Cpus_allowed_list /proc/self/status | tr -d "\t "'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "policy:3" ]
  [ "${lines[1]}" = 5 ]
  [ "${lines[2]}" = "idle" ]
  [ "${lines[3]}" = "i686" ]
  [ "${lines[4]}" = "Cpus_allowed_list:0" ]
}

@test "exec: PATH of process.env, not the host's; errors name the binary" {
  bundle_jq "$B" '.process.env = ["PATH=/nowhere"]'
  ctr true
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'true'*'executable file not found in $PATH'* ]]
  bundle_jq "$B" '.process.env = ["PATH=/nowhere:/bin"]'
  ctr true
  echo "$output"; [ "$status" -eq 0 ]
  chmod -x "$B/rootfs/bin/busybox"
  ctr /bin/true
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'/bin/true'*'Permission denied'* ]]
}

@test "terminal: the master goes over the console socket, consoleSize applies, /dev/console is the pty" {
  [ "${ROOTFS_DRIVER:-ocirun}" != runc ] || skip "runc run in the foreground keeps the pty open: recvtty never sees EOF"
  bundle_jq "$B" '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
  bundle_args "$B" sh -c 'tty; stty size; stat -c %t:%T /dev/console "$(tty)"; test -t 0 && test -t 1 && test -t 2 && echo all-ttys'
  python3 "$TOP_SRCDIR/tests/helpers/recvtty.py" "$TMP/console.sock" >"$TMP/console.out" &
  recv=$!
  for _ in $(seq 50); do [ -S "$TMP/console.sock" ] && break; sleep 0.1; done
  run run_bundle --console-socket "$TMP/console.sock"
  wait "$recv"
  echo "$output"; [ "$status" -eq 0 ]
  out=$(tr -d '\r' <"$TMP/console.out")
  echo "$out"
  [ "$(sed -n 1p <<<"$out")" = "name=/dev/pts/0" ]
  [ "$(sed -n 2p <<<"$out")" = "/dev/pts/0" ]
  [ "$(sed -n 3p <<<"$out")" = "33 111" ]
  [ "$(sed -n 4p <<<"$out")" = "$(sed -n 5p <<<"$out")" ]
  [ "$(sed -n 6p <<<"$out")" = all-ttys ]
}

@test "linux.sysctl: namespaced keys are written, others refused as runc does" {
  bundle_jq "$B" '.linux.sysctl = {"kernel.shmmax": "12345678", "net.ipv4.ip_forward": "1", "kernel.domainname": "sysctl.example", "net/ipv4/conf/lo/forwarding": "1"}'
  ctr_sh 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname /proc/sys/net/ipv4/conf/lo/forwarding'
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = "12345678
1
sysctl.example
1" ]
  [ "$(cat /proc/sys/kernel/domainname)" != sysctl.example ]
  bundle_jq "$B" '.linux.sysctl = {"vm.swappiness": "1"}'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *'sysctl `vm.swappiness` is not in a separate kernel namespace'* ]]
  bundle_jq "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"host's network namespace"* ]]
}

@test "seccomp hook: loaded while privileged without noNewPrivileges, after the user switch with it" {
  grep -q '^#define HAVE_SECCOMP 1' "$TOP_BUILDDIR/config.h" || skip "built without libseccomp"
  bundle_jq "$B" '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
  bundle_args "$B" sh -c 'mkdir /tmp/d 2>&1; echo rc=$?'
  # a non-root user without no_new_privs could not load it: it was loaded before the switch
  run $WRAP "$HARNESS" --seccomp-deny mkdir "$B"
  echo "$output"; [ "$status" -eq 0 ]
  [[ "$output" == *"Operation not permitted"*"rc=1"* ]]
  # with no_new_privs it comes last: a filter denying setresuid does not stop the switch
  bundle_jq "$B" '.process.noNewPrivileges = true'
  bundle_args "$B" id -u
  run $WRAP "$HARNESS" --seccomp-deny setresuid "$B"
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = 1000 ]
  bundle_jq "$B" '.process.noNewPrivileges = false'
  run $WRAP "$HARNESS" --seccomp-deny setresuid "$B"
  [ "$status" -eq 1 ]
  [[ "$output" == *"setuid to 1000: Operation not permitted"* ]]
}

@test "no mount namespace: the host's, with the mounts, chroot; maskedPaths refused; nothing left after" {
  [ "${ROOTFS_DRIVER:-ocirun}" != runc ] || skip "runc leaves these mounts on the host"
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "mount"))'
  ctr true
  [ "$status" -eq 1 ]
  [[ "$output" == *"maskedPaths and readonlyPaths need a mount namespace"* ]]
  bundle_jq "$B" '.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false
    | .mounts += [{"destination": "/mnt/host", "type": "bind", "source": "'"$HOSTDIR"'", "options": ["bind", "ro"]}]'
  ctr_sh 'readlink /proc/self/ns/mnt; cat /mnt/host/file; ls /dev/null /dev/pts/ptmx; echo hi >/made-inside'
  echo "$output"
  [ "$status" -eq 0 ]
  # (the harness runs every container in a mount namespace of its own)
  [ "${ROOTFS_DRIVER:-ocirun}" = harness ] || [ "${lines[0]}" = "$(readlink /proc/self/ns/mnt)" ]
  [ "${lines[1]}" = original ]
  [[ "$output" == *"/dev/null"*"/dev/pts/ptmx"* ]]
  [ -f "$B/rootfs/made-inside" ]
  # teardown checks that nothing under $TMP stays mounted
}
