#!/bin/bash
# Fresh Debian 12, as root: install the build dependencies, build ocirun,
# make a default bundle from busybox-static and run a container from it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

deps=(build-essential autoconf automake pkg-config git
      libyajl-dev libseccomp-dev libcap-dev libselinux1-dev busybox-static jq)
missing=()
for p in "${deps[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

./autogen.sh >/dev/null
./configure >/dev/null
make -j"$(nproc)" >/dev/null
echo "built $top/ocirun: $(./ocirun --version | head -1)"

bundle=${BUNDLE:-$top/bundle}
if [ ! -d "$bundle/rootfs" ]; then
  mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/etc"
  cp /bin/busybox "$bundle/rootfs/bin/busybox"
  # Relative links: `busybox --install -s` would point them at the host path.
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$bundle/rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$bundle/rootfs/etc/group"
fi
[ -f "$bundle/config.json" ] || (cd "$bundle" && "$top/ocirun" spec)
echo "bundle: $bundle (config.json from 'ocirun spec', busybox rootfs)"

# A command that shows it runs inside its own namespaces, without a tty.
cfg=$(jq '.process.terminal = false
          | .process.args = ["sh", "-c", "echo hello from $(hostname), pid $$; ls /"]' "$bundle/config.json")
printf '%s\n' "$cfg" >"$bundle/config.json"
id="quickstart-$$"
echo "+ ocirun run -b $bundle $id"
./ocirun run -b "$bundle" "$id"
