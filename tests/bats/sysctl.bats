#!/usr/bin/env bats
# linux.sysctl: written under the container's /proc/sys; a key of a
# namespace the container does not have is refused (runc's rules), and so
# is a value the kernel refuses; the host's values never change.

load helpers-lifecycle

setup() {
  lifecycle_setup
  bundle_args "$B" sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/kernel/domainname /proc/sys/fs/mqueue/msg_max'
  bundle_jq "$B" '.linux.namespaces += [{"type": "network"}] | .linux.namespaces |= unique_by(.type)'
  HOST_FWD=$(cat /proc/sys/net/ipv4/ip_forward)
  HOST_SHMMNI=$(cat /proc/sys/kernel/shmmni)
  HOST_DOMAIN=$(cat /proc/sys/kernel/domainname)
}

teardown() {
  lifecycle_teardown
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$HOST_FWD" ]
  [ "$(cat /proc/sys/kernel/shmmni)" = "$HOST_SHMMNI" ]
  [ "$(cat /proc/sys/kernel/domainname)" = "$HOST_DOMAIN" ]
}

@test "sysctl: net, ipc and uts keys are written inside the container" {
  want_fwd=$((1 - HOST_FWD))
  bundle_jq "$B" ".linux.sysctl = {\"net.ipv4.ip_forward\": \"$want_fwd\", \"kernel.shmmni\": \"1234\",
    \"kernel.domainname\": \"sysctl.test\", \"fs/mqueue/msg_max\": \"17\"}"
  run oci run -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$want_fwd" ]
  [ "${lines[1]}" = 1234 ]
  [ "${lines[2]}" = sysctl.test ]
  [ "${lines[3]}" = 17 ]
  assert_clean
}

@test "sysctl: a key may use slashes as separators" {
  bundle_args "$B" cat /proc/sys/net/ipv4/conf/lo/forwarding
  bundle_jq "$B" '.linux.sysctl = {"net/ipv4/conf/lo/forwarding": "1"}'
  run oci run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = 1 ]
}

# Refused at create, naming the key; nothing is left.
refused() {
  local key=$1 what=$2
  run oci create -b "$B" "$ID"
  echo "$output"
  assert_fails_cleanly "$key"
  [[ "$output" == *"$what"* ]]
}

@test "sysctl: net.* without a network namespace is refused" {
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  refused net.ipv4.ip_forward "network namespace"
}

@test "sysctl: net.* in a network namespace joined by path that is the host's is refused" {
  bundle_jq "$B" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
  bundle_jq "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  refused net.ipv4.ip_forward "host's network namespace"
}

@test "sysctl: ipc keys without an ipc namespace are refused" {
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmni": "1"}'
  refused kernel.shmmni "ipc namespace"
  bundle_jq "$B" '.linux.sysctl = {"fs.mqueue.msg_max": "10"}'
  refused fs.mqueue.msg_max "ipc namespace"
}

@test "sysctl: kernel.domainname without a uts namespace, kernel.hostname with one" {
  bundle_jq "$B" '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | .linux.sysctl = {"kernel.domainname": "x"}'
  refused kernel.domainname "not in a separate kernel namespace"
  bundle_jq "$B" '.linux.namespaces += [{"type": "uts"}] | .linux.sysctl = {"kernel.hostname": "x"}'
  refused kernel.hostname "hostname"
}

@test "sysctl: keys of no namespace are refused" {
  bundle_jq "$B" '.linux.sysctl = {"vm.swappiness": "10"}'
  refused vm.swappiness "not in a separate kernel namespace"
  bundle_jq "$B" '.linux.sysctl = {"kernel.panic": "10"}'
  refused kernel.panic "not in a separate kernel namespace"
}

@test "sysctl: names with .. or empty components are refused" {
  for key in "net/../../../etc/passwd" "net..ipv4.ip_forward" "net.ipv4." ".net.ipv4.ip_forward"; do
    bundle_jq "$B" ".linux.sysctl = {\"$key\": \"1\"}"
    refused "$key" "invalid sysctl name"
  done
}

@test "sysctl: a key the kernel does not have, or a value it refuses, fails naming key and value" {
  bundle_jq "$B" '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
  refused net.ipv4.no_such_key "No such file or directory"
  bundle_jq "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "not-a-number"}'
  refused net.ipv4.ip_forward "not-a-number"
  bundle_jq "$B" '.linux.sysctl = {"kernel.shmmni": "-5"}'
  refused kernel.shmmni "-5"
}
