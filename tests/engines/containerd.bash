# A private containerd started by the tests: its own config, root, state,
# grpc/ttrpc sockets and runtime roots under ENGINES_TMP/containerd, stopped
# and cleaned in teardown_file.  Source after helpers.bash.
#
# Two ways to the runtime under test:
#  - the runc v2 shim, with the runtime options BinaryName and Root from the
#    client (ctr run --runc-binary --runc-root);
#  - the runtime v1 linux plugin, whose runtime and runtime_root come from
#    containerd's config (CTR_SHIM=v1).  containerd 1.6 reads BinaryName in
#    its config only for CRI clients, and there is no CRI client in Debian 12.

CTD_NS=ocirun-engines

ctd_dir() { echo "$ENGINES_TMP/containerd"; }

ctd_write_config() {
  local C
  C=$(ctd_dir)
  mkdir -p "$C"/{root,state,fifo} "$ENGINES_STATE/runc/$CTD_NS" "$ENGINES_STATE/v1/$CTD_NS"
  cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
# Plugins no test needs: CRI would set up CNI and host paths, the rest
# only fill the log.
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.restart",
  "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "$C/containerd.sock"

[ttrpc]
  address = "$C/containerd.sock.ttrpc"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$C/opt"
  [plugins."io.containerd.runtime.v1.linux"]
    shim = "containerd-shim"
    runtime = "$ENGINES_RUNTIME"
    runtime_root = "$ENGINES_STATE/v1"
EOF
}

ctrx() {
  ctr --address "$(ctd_dir)/containerd.sock" --namespace "$CTD_NS" "$@"
}

# containerd 1.6 puts every shim's socket in /run/containerd/s whatever its
# state dir: remember which of those dirs we make, to remove them in
# ctd_cleanup_host (and the sockets our shims leave: ctd_left_sockets).
ctd_start() {
  local C
  C=$(ctd_dir)
  ctd_write_config
  local d made=
  for d in /run/containerd /run/containerd/s; do
    [ -e "$d" ] || made="$d $made"
  done
  echo "$made" >"$C/made-dirs"
  # fd 3 closed: bats waits for whoever holds it.
  (cd "$C" && exec containerd --config "$C/config.toml" --log-level debug) \
    >"$C/containerd.log" 2>&1 3>&- &
  echo $! >"$C/pid"
  wait_for 10 ctrx version >/dev/null 2>&1 || {
    echo "containerd did not come up:" >&2
    tail -20 "$C/containerd.log" >&2
    return 1
  }
}

# The image for ctr: the private podman (podman.bash) imports the rootfs
# tar and saves it as an OCI archive, which ctr imports.
ctd_import_image() {
  local C
  C=$(ctd_dir)
  podman_setup_file || return 1
  pm_private_varlib save --quiet --format oci-archive -o "$C/image.tar" "$ENGINES_IMAGE" || return 1
  ctrx images import --base-name "${ENGINES_IMAGE%:*}" "$C/image.tar" >/dev/null
}

# The shim sockets of our containerd: the v2 shim's name is the sha256 of
# "<grpc address>/<namespace>/<id>"; containerd logs the v1 shim's.
ctd_shim_sockets() {
  local C addr id
  C=$(ctd_dir)
  addr="$C/containerd.sock"
  {
    ctrx containers list --quiet 2>/dev/null
    grep -o 'id=[^ ]*' "$C/containerd.log" 2>/dev/null | cut -d= -f2 | tr -d '"'
  } | sort -u | while read -r id; do
    [ -n "$id" ] && printf '/run/containerd/s/%s\n' \
      "$(printf '%s' "$addr/$CTD_NS/$id" | sha256sum | cut -d' ' -f1)"
  done
  grep -o 'address="unix:///run/containerd/s/[0-9a-f]*"' "$C/containerd.log" 2>/dev/null |
    sed 's|address="unix://||; s|"$||'
}

ctd_left_sockets() {
  local s
  for s in $(ctd_shim_sockets | sort -u); do
    [ ! -e "$s" ] || echo "$s"
  done
}

# After a test, with its containers gone: a shim socket left is a leak.
ctd_remove_left_sockets() {
  local left
  left=$(ctd_left_sockets)
  [ -n "$left" ] || return 0
  echo "# shim sockets left (removed now): $left" >&2
  rm -f $left
  return 1
}

ctd_stop() {
  local C pid
  C=$(ctd_dir)
  [ -f "$C/pid" ] || return 0
  pid=$(cat "$C/pid")
  kill -TERM "$pid" 2>/dev/null
  wait_for 10 process_gone "$pid" || kill -KILL "$pid" 2>/dev/null
  wait_for 2 process_gone "$pid"
  rm -f "$C/pid"
}

# After the daemon stopped: our sockets, and the dirs we made, go.
ctd_cleanup_host() {
  local C left d
  C=$(ctd_dir)
  left=$(ctd_left_sockets)
  [ -z "$left" ] || rm -f $left
  for d in $(cat "$C/made-dirs" 2>/dev/null); do
    rmdir "$d" 2>/dev/null || { echo "$d is not empty: $(ls -A "$d")" >&2; left="$left $d"; }
  done
  [ -z "$left" ] || { echo "containerd left: $left" >&2; return 1; }
}

# ctr_run ID [ctr run flags...] -- CMD...: run the image (or CTR_IMAGE: a
# rootfs dir with --rootfs) as ID in the test's cgroup parent, through the
# v2 shim with BinaryName/Root from the client, or with CTR_SHIM=v1 through
# the v1 plugin configured in config.toml.
ctr_run() {
  local id=$1
  shift
  local flags=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  local C
  C=$(ctd_dir)
  if [ "${CTR_SHIM:-v2}" = v1 ]; then
    flags+=(--runtime io.containerd.runtime.v1.linux)
  else
    flags+=(--runc-binary "$ENGINES_RUNTIME" --runc-root "$ENGINES_STATE/runc")
  fi
  ctrx run --fifo-dir "$C/fifo" --cgroup "$(engines_cgroup_parent)/$id" "${flags[@]}" \
    "${CTR_IMAGE:-$ENGINES_IMAGE}" "$id" "$@" </dev/null
}

ctr_task_status() {
  ctrx task list 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'
}

# ctr task delete exits 0 even when the task failed: it prints the exit
# status.  Print the task's exit code.
ctr_task_delete() {
  local out
  out=$(ctrx task delete "$1" 2>&1) || { echo "$out" >&2; return 1; }
  if [[ $out =~ exit\ code\ ([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  elif [ -z "$out" ]; then
    echo 0
  else
    echo "$out" >&2
    return 1
  fi
}

# Engine-level cleanup, as a user would do it, before engines_teardown.
ctd_teardown() {
  local id
  for id in $(ctrx containers list --quiet 2>/dev/null); do
    [ "$(ctr_task_status "$id")" = PAUSED ] && ctrx task resume "$id" 2>/dev/null
    ctrx task kill --signal KILL "$id" >/dev/null 2>&1
    wait_for 5 _task_not_running "$id"
    ctrx task delete "$id" >/dev/null 2>&1
    ctrx containers delete "$id" >/dev/null 2>&1
  done
  true
}

_task_not_running() {
  local s
  s=$(ctr_task_status "$1")
  [ "$s" != RUNNING ] && [ "$s" != PAUSED ]
}
