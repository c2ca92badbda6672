# A private Podman: its own storage, run and tmp dirs, containers.conf and
# storage.conf under ENGINES_TMP/podman.  Source after helpers.bash.
#
# The runtime is reached through a wrapper named like it (so that
# runtime_supports_json, which matches the name, applies) that adds a
# private --root: podman 4.3 drops --runtime-flag when conmon later runs
# `podman container cleanup`, so the flag cannot carry it.

# The runtime's --root for podman's containers.
pm_runtime_root() { echo "$ENGINES_STATE/podman/containers"; }

podman_write_conf() {
  local P=$ENGINES_TMP/podman wrapper=$ENGINES_TMP/bin/$ENGINES_RUNTIME_NAME
  mkdir -p "$P"/{root,runroot,tmp,cni,cni-plugins} "$(pm_runtime_root)"
  cat >"$wrapper" <<EOF
#!/bin/sh
# The runtime under test with a private --root (see podman.bash).
printf '%s\n' "\$*" >>"$P/runtime-calls.log"
exec "$ENGINES_RUNTIME" --root "$(pm_runtime_root)" "\$@"
EOF
  chmod +x "$wrapper"
  cat >"$P/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$P/root"
runroot = "$P/runroot"
EOF
  # Ulimits: the bounding set lacks CAP_SYS_RESOURCE, so podman's default
  # (nofile/nproc 1048576) cannot be granted.  lock_type file keeps the
  # locks in tmp_dir instead of the host-wide /dev/shm/libpod_lock.  No
  # network: the cni backend does not write /run/containers/networks as
  # netavark does, and an empty plugin dir shows that none is needed.
  cat >"$P/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[network]
network_backend = "cni"
network_config_dir = "$P/cni"
cni_plugin_dirs = ["$P/cni-plugins"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
tmp_dir = "$P/tmp"
runtime = "$ENGINES_RUNTIME_NAME"
runtime_supports_json = ["$ENGINES_RUNTIME_NAME"]

[engine.runtimes]
$ENGINES_RUNTIME_NAME = ["$wrapper"]
EOF
  export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
}

# podman with private paths; run and create get the test's cgroup parent.
# Its working dir is private too: conmon writes an "oom" file there when
# the container is OOM-killed.  PM_EXEC=1: exec podman (in a background
# job, so that $! is podman).
pm() {
  local P=$ENGINES_TMP/podman
  local cmd=(podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp"
    --storage-driver vfs --cgroup-manager cgroupfs --runtime "$ENGINES_RUNTIME_NAME")
  case ${1:-} in
    run | create) cmd+=("$1" --cgroup-parent "$(engines_cgroup_parent)"); shift ;;
  esac
  if [ -n "${PM_EXEC:-}" ]; then
    cd "$P" && TMPDIR=$P/tmp exec "${cmd[@]}" "$@"
  fi
  (cd "$P" && TMPDIR=$P/tmp exec "${cmd[@]}" "$@")
}

# podman import and save write a blob info cache under
# /var/lib/containers/cache whatever the storage paths (containers/image
# before 5.24): run them with a private, empty /var/lib.
pm_private_varlib() {
  (cd "$ENGINES_TMP" && exec unshare -m --propagation private -- /bin/sh -c '
    mount -t tmpfs -o size=16m,mode=0755 engines-varlib /var/lib || exit 1
    P=$1; shift
    exec env TMPDIR="$P/tmp" podman --root "$P/root" --runroot "$P/runroot" \
      --tmpdir "$P/tmp" --storage-driver vfs "$@"' sh "$ENGINES_TMP/podman" "$@")
}

podman_setup_file() {
  podman_write_conf
  local tar
  tar=$(engines_rootfs_tar) || return 1
  pm_private_varlib import --quiet "$tar" "$ENGINES_IMAGE" >/dev/null
}

# Engine-level cleanup, as a user would do it, before engines_teardown.
podman_teardown() {
  pm rm --all --force --time 0 >/dev/null 2>&1 || true
  # A podman run the test left in the background is on its way out: once
  # gone, it no longer touches the cgroup parent.
  local pid
  for pid in $(jobs -p); do
    wait_for 5 process_gone "$pid" || kill -KILL "$pid" 2>/dev/null
  done
}
