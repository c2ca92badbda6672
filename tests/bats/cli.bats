#!/usr/bin/env bats
# The CLI surface that runs no container: help, version, flag errors, spec,
# features, the shell completions and the man page.

setup ()
{
  TMP=$(mktemp -d)
  SCHEMA="$TOP_SRCDIR/tests/data/schema"
  VALIDATE="python3 $TOP_SRCDIR/tests/helpers/validate-schema.py"
}

teardown ()
{
  rm -rf "$TMP"
}

# The commands this binary has, from its own help.
commands ()
{
  "$OCIRUN" help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | tr -d , | grep -v '^help$'
}

# The long and short flags of a command, from its --help, one per line.
help_flags ()
{
  "$OCIRUN" "$1" --help | sed -n '/^OPTIONS:/,$p' | sed 's/^ *//' | grep -oE '(^|, )--?[a-z0-9-]+' | sed 's/^, //' | sort
}

# What bash completion offers for the words given (the last one is completed).
bash_complete ()
{
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ocirun; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$TOP_SRCDIR/completions/ocirun.bash" "$@"
}

@test "no arguments, help, --help and -h print the usage" {
  run "$OCIRUN"
  [ "$status" -eq 0 ]
  usage="$output"
  [[ "$usage" == *"USAGE:"* ]]
  [[ "$usage" == *"COMMANDS:"* ]]
  [[ "$usage" == *"GLOBAL OPTIONS:"* ]]
  for flag in --debug "--log value" "--log-format value" "--root value" --systemd-cgroup "--rootless value" \
              "--version, -v" "--help, -h"; do
    [[ "$usage" == *"   $flag "* ]]
  done
  for args in help --help -h; do
    run "$OCIRUN" $args
    [ "$status" -eq 0 ]
    [ "$output" = "$usage" ]
  done
}

@test "help lists spec and features" {
  run "$OCIRUN" help
  [[ "$output" == *"   spec       create a new specification file"* ]]
  [[ "$output" == *"   features   show the enabled features"* ]]
}

@test "--version prints version, commit, spec, libseccomp and build options" {
  run "$OCIRUN" --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ocirun\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  [[ "${lines[1]}" =~ ^commit:\ ([0-9a-f]{40}|unknown)$ ]]
  [ "${lines[2]}" = "spec: 1.3.0" ]
  if [[ "${lines[3]}" == libseccomp:* ]]; then
    [[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
    [[ "${lines[4]}" =~ ^\+SECCOMP\ [+-]SELINUX\ \+APPARMOR\ \+CAP\ \+YAJL$ ]]
    [ "${#lines[@]}" -eq 5 ]
  else
    [[ "${lines[3]}" =~ ^-SECCOMP\ [+-]SELINUX\ \+APPARMOR\ \+CAP\ \+YAJL$ ]]
    [ "${#lines[@]}" -eq 4 ]
  fi
  version="$output"
  run "$OCIRUN" -v
  [ "$output" = "$version" ]
}

@test "--version's libseccomp line matches runc's" {
  command -v runc >/dev/null || skip "runc not installed"
  "$OCIRUN" --version | grep -q '^+SECCOMP' || skip "built without seccomp"
  [ "$("$OCIRUN" --version | grep '^libseccomp:')" = "$(runc --version | grep '^libseccomp:')" ]
}

@test "help COMMAND, COMMAND --help and COMMAND -h print the same help" {
  for cmd in $(commands); do
    run "$OCIRUN" help "$cmd"
    [ "$status" -eq 0 ]
    help="$output"
    [ "${lines[0]}" = "NAME:" ]
    [[ "${lines[1]}" == "   ocirun $cmd - "* ]]
    [[ "$help" == *"USAGE:"*"OPTIONS:"*"   --help, -h"* ]]
    run "$OCIRUN" "$cmd" --help
    [ "$status" -eq 0 ]
    [ "$output" = "$help" ]
    run "$OCIRUN" "$cmd" -h
    [ "$output" = "$help" ]
  done
}

@test "spec --help documents its flags" {
  run "$OCIRUN" spec --help
  [[ "$output" == *"   --bundle value, -b value  path to the root of the bundle directory"* ]]
  [[ "$output" == *"   --rootless                generate a configuration for a rootless container"* ]]
}

@test "an unknown command is named, exit 1" {
  run "$OCIRUN" frobnicate
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: unknown command \`frobnicate\`" ]
  run "$OCIRUN" help frobnicate
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: unknown command \`frobnicate\`" ]
}

@test "an unknown flag is named, exit 1" {
  run "$OCIRUN" spec --x
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: unknown flag \`--x\` for \`spec\`" ]
  run "$OCIRUN" spec --x=1
  [ "$output" = "ocirun: unknown flag \`--x\` for \`spec\`" ]
  run "$OCIRUN" spec -x
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: unknown flag \`-x\` for \`spec\`" ]
  run "$OCIRUN" --frob spec
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: unknown flag \`--frob\`" ]
  run "$OCIRUN" -q spec
  [ "$output" = "ocirun: unknown flag \`-q\`" ]
}

@test "a flag without its value, a bad boolean, an extra operand: exit 1" {
  run "$OCIRUN" spec --bundle
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: flag \`--bundle\` for \`spec\` needs a value" ]
  run "$OCIRUN" spec -b
  [ "$output" = "ocirun: flag \`-b\` for \`spec\` needs a value" ]
  run "$OCIRUN" --root
  [ "$output" = "ocirun: flag \`--root\` needs a value" ]
  run "$OCIRUN" spec --rootless=maybe
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: invalid value \`maybe\` for flag \`--rootless\` for \`spec\`: expected true or false" ]
  run "$OCIRUN" features extra
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: \`features\` takes no arguments, got \`extra\`" ]
  [ ! -e "$TMP/config.json" ]
}

@test "spec writes runc's default config.json, byte for byte" {
  cd "$TMP"
  run "$OCIRUN" spec
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  cmp config.json "$TOP_SRCDIR/tests/data/spec-default.json"
}

@test "spec equals Debian's runc spec but for ociVersion and hostname" {
  command -v runc >/dev/null || skip "runc not installed"
  mkdir "$TMP/runc" "$TMP/ocirun"
  (cd "$TMP/runc" && runc spec && mv config.json default.json && runc spec --rootless)
  "$OCIRUN" spec -b "$TMP/ocirun"
  mv "$TMP/ocirun/config.json" "$TMP/ocirun/default.json"
  "$OCIRUN" spec --bundle="$TMP/ocirun" --rootless
  for f in default.json config.json; do
    sed -e 's/^\t"ociVersion": ".*",$/\t"ociVersion": "X",/' -e 's/^\t"hostname": ".*",$/\t"hostname": "X",/' \
      "$TMP/runc/$f" > "$TMP/want"
    sed -e 's/^\t"ociVersion": "1.3.0",$/\t"ociVersion": "X",/' -e 's/^\t"hostname": "ocirun",$/\t"hostname": "X",/' \
      "$TMP/ocirun/$f" > "$TMP/got"
    cmp "$TMP/want" "$TMP/got"
  done
}

@test "spec --rootless as root equals runc's rootless config.json" {
  [ "$(id -u)" -eq 0 ] || skip "needs root: the mapping names the caller's ids"
  run "$OCIRUN" spec --rootless -b "$TMP"
  [ "$status" -eq 0 ]
  cmp "$TMP/config.json" "$TOP_SRCDIR/tests/data/spec-rootless.json"
}

@test "spec --rootless maps the calling user and group, no network namespace" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
  chmod 755 "$TMP"
  mkdir "$TMP/b"
  chown 65534:65534 "$TMP/b"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$OCIRUN" spec --rootless -b "$TMP/b"
  [ "$(jq -c '.linux.uidMappings' "$TMP/b/config.json")" = '[{"containerID":0,"hostID":65534,"size":1}]' ]
  [ "$(jq -c '.linux.gidMappings' "$TMP/b/config.json")" = '[{"containerID":0,"hostID":65534,"size":1}]' ]
  [ "$(jq -c '[.linux.namespaces[].type]' "$TMP/b/config.json")" = '["pid","ipc","uts","mount","user"]' ]
  [ "$(jq -c '.linux.resources' "$TMP/b/config.json")" = null ]
  [ "$(jq -r '.mounts[] | select(.destination == "/sys") | .options[0]' "$TMP/b/config.json")" = rbind ]
  ! grep -q 'gid=' "$TMP/b/config.json" || false
}

@test "spec --rootless=false is the default config" {
  "$OCIRUN" spec --rootless=false -b "$TMP"
  cmp "$TMP/config.json" "$TOP_SRCDIR/tests/data/spec-default.json"
}

@test "spec refuses to overwrite an existing config.json" {
  echo keep > "$TMP/config.json"
  cd "$TMP"
  run "$OCIRUN" spec
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: file \`config.json\` exists. Remove it first" ]
  run "$OCIRUN" spec --rootless -b "$TMP"
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: file \`$TMP/config.json\` exists. Remove it first" ]
  [ "$(cat "$TMP/config.json")" = keep ]
}

@test "spec into a missing bundle directory names it, exit 1" {
  run "$OCIRUN" spec -b "$TMP/missing"
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: bundle directory \`$TMP/missing\`: No such file or directory" ]
  [ ! -e "$TMP/missing" ]
}

@test "spec into an unwritable bundle directory names the file, exit 1" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
  chmod 755 "$TMP"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$OCIRUN" spec -b "$TMP"
  [ "$status" -eq 1 ]
  [ "$output" = "ocirun: create \`$TMP/config.json\`: Permission denied" ]
  [ ! -e "$TMP/config.json" ]
}

@test "spec output validates against the runtime-spec config schema" {
  mkdir "$TMP/a" "$TMP/b"
  "$OCIRUN" spec -b "$TMP/a"
  "$OCIRUN" spec --rootless -b "$TMP/b"
  run $VALIDATE "$SCHEMA/config-schema.json" "$TMP/a/config.json"
  [ "$status" -eq 0 ]
  run $VALIDATE "$SCHEMA/config-schema.json" "$TMP/b/config.json"
  [ "$status" -eq 0 ]
}

@test "the schema validator rejects an invalid document" {
  echo '{"ociVersion": "1.3.0", "linux": {"namespaces": [{"type": "bogus"}]}}' > "$TMP/bad.json"
  run $VALIDATE "$SCHEMA/config-schema.json" "$TMP/bad.json"
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.namespaces.0"* ]]
}

@test "features validates against the runtime-spec features schema" {
  "$OCIRUN" features > "$TMP/features.json"
  run $VALIDATE "$SCHEMA/features-schema.json" "$TMP/features.json"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "features: runc's layout and the version range" {
  "$OCIRUN" features > "$TMP/features.json"
  [ "$(tail -c 1 "$TMP/features.json" | od -An -c | tr -d ' ')" = '\n' ]
  [ "$(sed -n 2p "$TMP/features.json")" = '    "ociVersionMin": "1.0.0",' ]
  [ "$(sed -n 3p "$TMP/features.json")" = '    "ociVersionMax": "1.3.0",' ]
  [ "$(jq -r 'keys_unsorted | join(" ")' "$TMP/features.json")" = \
    "ociVersionMin ociVersionMax hooks mountOptions linux annotations" ]
  [ "$(jq -r '.linux | keys_unsorted | join(" ")' "$TMP/features.json")" = \
    "namespaces capabilities cgroup seccomp apparmor selinux intelRdt memoryPolicy mountExtensions netDevices" ]
  [ "$(jq -r '.annotations["io.github.ocirun.checkpoint.enabled"]' "$TMP/features.json")" = false ]
  version=$("$OCIRUN" --version | sed -n 's/^ocirun version //p')
  [ "$(jq -r '.annotations["io.github.ocirun.version"]' "$TMP/features.json")" = "$version" ]
}

@test "features: every namespace type of the spec, every capability of the headers" {
  "$OCIRUN" features > "$TMP/features.json"
  want=$(jq -r '.definitions.NamespaceType.enum[]' "$SCHEMA/defs-linux.json" | sort | tr '\n' ' ')
  [ "$(jq -r '.linux.namespaces[]' "$TMP/features.json" | tr '\n' ' ')" = "$want" ]
  last=$(awk '/#define CAP_LAST_CAP/ { print $3 }' /usr/include/linux/capability.h)
  want=$(awk -v last="$last" '$1 == "#define" && $2 ~ /^CAP_/ && $3 ~ /^[0-9]+$/ { n[$3] = $2 }
           END { for (i = 0; n[i] != "" && n[i] != last; i++) print n[i]; print last }' \
           /usr/include/linux/capability.h | tr '\n' ' ')
  [ "$(jq -r '.linux.capabilities[]' "$TMP/features.json" | tr '\n' ' ')" = "$want" ]
}

@test "features: seccomp lists the native architecture and sorted names" {
  "$OCIRUN" features > "$TMP/features.json"
  [ "$(jq -r '.linux.seccomp.enabled' "$TMP/features.json")" = true ] || skip "built without seccomp"
  case "$(uname -m)" in
    x86_64) native=SCMP_ARCH_X86_64 ;;
    aarch64) native=SCMP_ARCH_AARCH64 ;;
    *) skip "no native arch name for $(uname -m)" ;;
  esac
  jq -e --arg a "$native" '.linux.seccomp.archs | index($a)' "$TMP/features.json"
  for key in actions operators archs; do
    [ "$(jq -c ".linux.seccomp.$key" "$TMP/features.json")" = "$(jq -c ".linux.seccomp.$key | sort" "$TMP/features.json")" ]
  done
  jq -e '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags == []' "$TMP/features.json"
}

@test "features agrees with runc on hooks, capabilities and seccomp names" {
  command -v runc >/dev/null || skip "runc not installed"
  runc features > "$TMP/runc.json"
  "$OCIRUN" features > "$TMP/ocirun.json"
  paths=".hooks .linux.capabilities"
  if [ "$(jq -r .linux.seccomp.enabled "$TMP/ocirun.json")" = true ]; then
    paths="$paths .linux.seccomp.actions .linux.seccomp.operators"
  fi
  for path in $paths; do
    [ "$(jq -c "$path" "$TMP/runc.json")" = "$(jq -c "$path" "$TMP/ocirun.json")" ]
  done
  # runc 1.1 also lists the filesystem options acl/noacl, which mount(2) has no flag for.
  [ "$(jq -c '.mountOptions - ["acl", "noacl"]' "$TMP/runc.json")" = "$(jq -c .mountOptions "$TMP/ocirun.json")" ]
}

@test "bash completion: commands, then a command's flags" {
  run bash_complete ocirun ""
  [ "$status" -eq 0 ]
  for cmd in create start run state list kill delete exec ps pause resume events update spec features help; do
    [[ " ${lines[*]} " == *" $cmd "* ]]
  done
  run bash_complete ocirun run --
  for flag in --bundle --console-socket --detach --keep --pid-file --no-subreaper --no-pivot --no-new-keyring \
              --preserve-fds --help; do
    [[ " ${lines[*]} " == *" $flag "* ]]
  done
  [[ " ${lines[*]} " != *" --force "* ]]
  run bash_complete ocirun --log-format ""
  [ "${lines[*]}" = "text json" ]
  run bash_complete ocirun --root "$TMP" ""
  [[ " ${lines[*]} " == *" spec "* ]]
}

@test "bash completion offers exactly the flags each command's --help lists" {
  for cmd in $(commands); do
    want=$(help_flags "$cmd" | tr '\n' ' ')
    got=$(bash -c 'source "$1"; _ocirun_flags "$2"' _ "$TOP_SRCDIR/completions/ocirun.bash" "$cmd" \
          | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
    echo "$cmd: want [$want] got [$got]"
    [ "$got" = "$want" ]
  done
}

@test "zsh and fish completions parse and know every command's flags" {
  for cmd in $(commands); do
    for flag in $(help_flags "$cmd" | grep '^--' | grep -v '^--help$'); do
      # '--flag=[...]', '*--flag=[...]' (repeatable) or {--flag=,-f+}
      grep -q -- "'\*\?$flag[=[]" "$TOP_SRCDIR/completions/_ocirun" || grep -q -- "{$flag[=,]" "$TOP_SRCDIR/completions/_ocirun"
      grep -q -- "__fish_seen_subcommand_from [a-z ]*$cmd.* -l ${flag#--} " "$TOP_SRCDIR/completions/ocirun.fish"
    done
  done
  if command -v zsh >/dev/null; then zsh -n "$TOP_SRCDIR/completions/_ocirun"; fi
  if command -v fish >/dev/null; then fish -n "$TOP_SRCDIR/completions/ocirun.fish"; fi
}

@test "the man page renders cleanly and documents every command and flag" {
  command -v groff >/dev/null || skip "groff not installed"
  run groff -man -ww -z "$TOP_SRCDIR/docs/ocirun.1"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  man=$(sed 's/\\-/-/g' "$TOP_SRCDIR/docs/ocirun.1")
  for cmd in $(commands) create start run state list kill delete exec ps pause resume events update; do
    [[ "$man" == *".SS \"$cmd"* ]]
  done
  for cmd in $(commands); do
    for flag in $(help_flags "$cmd" | grep '^--'); do
      [[ "$man" == *"$flag"* ]]
    done
  done
  for flag in --debug --log --log-format --root --systemd-cgroup --rootless --version; do
    [[ "$man" == *"$flag"* ]]
  done
}
