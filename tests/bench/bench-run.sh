#!/bin/sh
# `run` of /bin/true side by side: ocirun, crun and runc from Debian, with
# hyperfine; prints each median and its ratio to crun.
#   tests/bench/bench-run.sh [OCIRUN] [RUNS]
# crun 1.8 refuses containers on a hybrid cgroup host, so it runs in a
# private mount namespace with the cgroup2 mount hidden.  Root only.
set -eu

OCIRUN=${1:-$(cd "$(dirname "$0")/../.." && pwd)/ocirun}
RUNS=${2:-100}
TMP=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# A busybox bundle with /bin/true, no terminal, from ocirun's own spec;
# ociVersion 1.0.2 because crun 1.8 rejects newer versions.
mkdir -p "$TMP/bundle/rootfs/bin"
cp /bin/busybox "$TMP/bundle/rootfs/bin/busybox"
ln -s busybox "$TMP/bundle/rootfs/bin/true"
(cd "$TMP/bundle" && "$OCIRUN" spec)
jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]' "$TMP/bundle/config.json" >"$TMP/c.json"
mv "$TMP/c.json" "$TMP/bundle/config.json"

cat >"$TMP/crun.sh" <<EOS
#!/bin/sh
# crun inside a mount namespace where /sys/fs/cgroup/unified is hidden
exec unshare -m sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec crun --root $TMP/crun-root run -b $TMP/bundle "bench-\$\$"'
EOS
chmod +x "$TMP/crun.sh"

hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$TMP/result.json" \
  -n ocirun "$OCIRUN --root $TMP/ocirun-root run -b $TMP/bundle bench" \
  -n crun "$TMP/crun.sh" \
  -n runc "runc --root $TMP/runc-root run -b $TMP/bundle bench" >&2

jq -r '
  (.results[] | select(.command == "crun") | .median) as $crun
  | ["runtime", "median_ms", "ratio_to_crun"],
    (.results[] | [.command, (.median * 1000 * 100 | round / 100), (.median / $crun * 100 | round / 100)])
  | @tsv' "$TMP/result.json" | column -t
