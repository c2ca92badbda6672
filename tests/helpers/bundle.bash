# Test bundles from Debian's busybox-static.  Source from bats files:
#   load ../helpers/bundle
# make_bundle DIR          DIR/config.json (ocirun spec, terminal off) and
#                          DIR/rootfs (busybox + applet links, passwd, group)
# bundle_args DIR ARG...   set process.args
# bundle_jq DIR FILTER     edit DIR/config.json with a jq filter

BUSYBOX=${BUSYBOX:-/bin/busybox}

# The rootfs template is built once per test run and copied for each bundle.
_rootfs_template() {
  local tpl="${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/ocirun-rootfs-template"
  if [ ! -x "$tpl/bin/busybox" ]; then
    local tmp
    tmp=$(mktemp -d "${tpl}.XXXXXX")
    # mktemp makes it 0700: a container running as another user could not
    # even resolve its own root.
    chmod 0755 "$tmp"
    mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,home,usr/bin,usr/sbin,var}
    cp "$BUSYBOX" "$tmp/bin/busybox"
    local applet
    for applet in $("$BUSYBOX" --list); do
      [ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$tmp/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"$tmp/etc/group"
    chmod 1777 "$tmp/tmp"
    # Another test run may have won the race: keep theirs.
    mv -T "$tmp" "$tpl" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$tpl"
}

make_bundle() {
  local dir=$1
  mkdir -p "$dir"
  cp -a "$(_rootfs_template)" "$dir/rootfs"
  (cd "$dir" && "$OCIRUN" spec) || return 1
  bundle_jq "$dir" '.process.terminal = false'
}

bundle_jq() {
  local dir=$1 filter=$2 tmp
  tmp=$(mktemp "$dir/config.json.XXXXXX")
  jq "$filter" "$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

bundle_args() {
  local dir=$1
  shift
  local args
  args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
  bundle_jq "$dir" ".process.args = $args"
}
