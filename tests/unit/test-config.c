/* config.json parser: the spec's sample documents and ours (good ones parse
 * with the right values, bad ones fail with a message naming the path),
 * name tables, and the edges of the entry points.  TAP output. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "oci-spec/config-internal.h"
#include "oci-spec/config.h"
#include "ocirun/cleanup.h"
#include "tests/helpers/tap.h"

static const char *
data_dir (void)
{
  static char dir[4096];
  const char *top = getenv ("TOP_SRCDIR");
  snprintf (dir, sizeof (dir), "%s/tests/data/config", top ? top : ".");
  return dir;
}

/* Parse DIR/sub/name; returns the config, or NULL with *msg set. */
static oci_config *
parse (const char *sub, const char *name, char **msg)
{
  cleanup_free char *path = NULL;
  cleanup_error ocirun_error_t err = NULL;
  oci_config *config = NULL;

  if (asprintf (&path, "%s/%s/%s", data_dir (), sub, name) < 0)
    abort ();
  *msg = NULL;
  if (oci_config_parse_file (path, &config, &err) < 0)
    {
      *msg = ocirun_error_format (err);
      return NULL;
    }
  return config;
}

/* Each bad sample and a piece of the message it must produce. */
static const struct
{
  const char *file;
  const char *message;
} bad_samples[] = {
  { "invalid-json.json", "invalid-json.json:1:2: parse error" },
  { "linux-hugepage.json", ": .linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\"" },
  { "linux-netdevice.json", ": .linux.netDevices.eth0.name: expected a string, got number 23" },
  { "linux-rdma.json", ": .linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned integer, got string" },
  { "enum-device-rule-type.json", ": .linux.resources.devices[0].type: unknown value \"p\"" },
  { "enum-device-type.json", ": .linux.devices[0].type: unknown value \"x\" (expected one of c, b, u, p)" },
  { "enum-iopriority-class.json", ": .process.ioPriority.class: unknown value \"IOPRIO_CLASS_FAST\"" },
  { "enum-memorypolicy-flag.json", ": .linux.memoryPolicy.flags[0]: unknown value" },
  { "enum-memorypolicy-mode.json", ": .linux.memoryPolicy.mode: unknown value" },
  { "enum-namespace-type.json",
    ": .linux.namespaces[0].type: unknown value \"bogus\" (expected one of mount, pid, network, uts, ipc, user, "
    "cgroup, time)" },
  { "enum-personality-domain.json", ": .linux.personality.domain: unknown value" },
  { "enum-rlimit-type.json", ": .process.rlimits[0].type: unknown value \"RLIMIT_FOO\"" },
  { "enum-rootfs-propagation.json", ": .linux.rootfsPropagation: unknown value \"rshared\"" },
  { "enum-scheduler-flag.json", ": .process.scheduler.flags[0]: unknown value" },
  { "enum-scheduler-policy.json", ": .process.scheduler.policy: unknown value" },
  { "enum-seccomp-action.json", ": .linux.seccomp.defaultAction: unknown value" },
  { "enum-seccomp-arch.json", ": .linux.seccomp.architectures[0]: unknown value" },
  { "enum-seccomp-flag.json", ": .linux.seccomp.flags[0]: unknown value" },
  { "enum-seccomp-operator.json", ": .linux.seccomp.syscalls[0].args[0].op: unknown value" },
  { "range-int32-nice.json", ": .process.scheduler.nice: 2147483648 is out of range" },
  { "range-negative-uid.json", ": .process.user.uid: expected an unsigned integer, got number -1" },
  { "range-uid-overflow.json", ": .process.user.uid: 4294967296 is out of range" },
  { "range-uint16-weight.json", ": .linux.resources.blockIO.weight: 65536 is out of range" },
  { "range-uint64-overflow.json", ": .process.rlimits[0].soft: 18446744073709551616 is out of range" },
  { "rule-args-empty.json", ": .process.args: must contain at least one element" },
  { "rule-args-missing.json", ": .process.args: missing required field" },
  { "rule-cpu-affinity.json", ": .process.execCPUAffinity.final: invalid CPU list" },
  { "rule-cwd-relative.json", ": .process.cwd: must be an absolute path" },
  { "rule-device-access.json", ": .linux.resources.devices[0].access:" },
  { "rule-device-filemode.json", ": .linux.devices[0].fileMode: 060666 has a file type other than device type 'c'" },
  { "rule-device-filemode-range.json", ": .linux.devices[0].fileMode: 131072 is not a file mode" },
  { "rule-device-no-major.json", ": .linux.devices[0].major: missing required field" },
  { "rule-duplicate-key.json", ": .hostname: duplicate key" },
  { "rule-duplicate-map-key.json", ": .linux.sysctl.net.ipv4.ip_forward: duplicate key" },
  { "rule-hook-relative-path.json", ": .hooks.poststop[0].path: must be an absolute path" },
  { "rule-hook-timeout-zero.json", ": .hooks.prestart[0].timeout: must be greater than zero" },
  { "rule-masked-path-relative.json", ": .linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\"" },
  { "rule-membw-schema.json", ": .linux.intelRdt.memBwSchema:" },
  { "rule-mount-idmap-alone.json", ": .mounts[0].gidMappings: missing" },
  { "rule-mount-no-destination.json", ": .mounts[0].destination: missing required field" },
  { "rule-namespace-path-relative.json", ": .linux.namespaces[0].path: must be an absolute path" },
  { "rule-namespace-duplicate.json", ": .linux.namespaces[2]: duplicate namespace type \"pid\"" },
  { "rule-ociversion-major.json", ": .ociVersion: unsupported major version" },
  { "rule-ociversion-missing.json", ": .ociVersion: missing required field" },
  { "rule-ociversion-not-semver.json", ": .ociVersion: \"1.3\" is not a SemVer" },
  { "rule-readonly-path-relative.json", ": .linux.readonlyPaths[0]: must be an absolute path" },
  { "rule-rdma-empty.json", ": .linux.resources.rdma.mlx5_0: at least one of" },
  { "rule-required-pids-limit.json", ": .linux.resources.pids.limit: missing required field" },
  { "rule-rlimit-duplicate.json", ": .process.rlimits[1]: duplicate rlimit type" },
  { "rule-root-not-object.json", ": .root: expected an object, got string \"rootfs\"" },
  { "rule-seccomp-errnoret-action.json", ": .linux.seccomp.defaultErrnoRet: not allowed" },
  { "rule-seccomp-names-empty.json", ": .linux.seccomp.syscalls[0].names: must contain" },
  { "rule-timeoffset-nanosecs.json", ": .linux.timeOffsets.boottime.nanosecs: 1000000000 is not below one second" },
  { "rule-weight-device-empty.json", ": .linux.resources.blockIO.weightDevice[0]: at least one of" },
  { "rule-cpu-affinity-range.json", ": .process.execCPUAffinity.initial: invalid CPU list \"3-1\"" },
  { "rule-iopriority-range.json", ": .process.ioPriority.priority: 8 is out of range (0 to 7)" },
  { "rule-memorypolicy-no-nodes.json", ": .linux.memoryPolicy.nodes: at least one node is required with MPOL_BIND" },
  { "rule-memorypolicy-nodes-syntax.json", ": .linux.memoryPolicy.nodes: invalid node list \"0-\"" },
  { "rule-memorypolicy-nodes-with-default.json", ": .linux.memoryPolicy.nodes: must be empty with MPOL_DEFAULT" },
  { "rule-netdevice-host-name.json", ": .linux.netDevices.averyveryverylongname: \"averyveryverylongname\" is not a valid" },
  { "rule-netdevice-name.json", ": .linux.netDevices.eth0.name: \"a/b\" is not a valid interface name" },
  { "rule-oomscoreadj-range.json", ": .process.oomScoreAdj: 1001 is out of range (-1000 to 1000)" },
  { "rule-scheduler-deadline-params.json", ": .process.scheduler.runtime: only allowed with SCHED_DEADLINE" },
  { "rule-scheduler-nice.json", ": .process.scheduler.nice: 20 is out of range (-20 to 19)" },
  { "rule-scheduler-priority.json", ": .process.scheduler.priority: only allowed with SCHED_FIFO and SCHED_RR" },
  { "syntax-trailing-comma.json", "syntax-trailing-comma.json:5:3: parse error" },
  { "type-bool-for-string.json", ": .hostname: expected a string, got true" },
  { "type-float-for-integer.json", ": .process.user.gid: expected an unsigned integer, got number 1.5" },
  { "type-object-for-array.json", ": .process.env: expected an array, got an object" },
  { "type-string-for-integer.json", ": .linux.resources.memory.limit: expected an integer, got string \"1048576\"" },
  { "type-top-level-array.json", ": .: expected an object, got an array" },
  { "type-uid-string.json", "type-uid-string.json: .process.user.uid: expected an unsigned integer, got string \"abc\"" },
};

static const char *
expected_message (const char *file)
{
  for (size_t i = 0; i < sizeof (bad_samples) / sizeof (bad_samples[0]); i++)
    if (strcmp (bad_samples[i].file, file) == 0)
      return bad_samples[i].message;
  return NULL;
}

/* Every file of DIR/sub: good ones must parse, bad ones must fail with
 * their expected message (a bad file missing from the table fails too). */
static void
test_directory (const char *sub, bool good)
{
  cleanup_free char *path = NULL;
  cleanup_dir DIR *dir = NULL;
  struct dirent *de;
  int seen = 0;

  if (asprintf (&path, "%s/%s", data_dir (), sub) < 0)
    abort ();
  dir = opendir (path);
  if (!ok (dir != NULL, "open %s", path))
    return;
  while ((de = readdir (dir)))
    {
      cleanup_free char *msg = NULL;
      oci_config *config;

      if (strstr (de->d_name, ".json") == NULL)
        continue;
      seen++;
      config = parse (sub, de->d_name, &msg);
      oci_config_free (config);
      if (good)
        ok (config != NULL, "good/%s parses%s%s", de->d_name, msg ? ": " : "", msg ? msg : "");
      else
        {
          const char *want = expected_message (de->d_name);
          ok (config == NULL && want && msg && strstr (msg, want), "bad/%s is rejected: %s", de->d_name,
              msg ? msg : "(parsed)");
        }
    }
  ok (good ? seen >= 7 : seen == (int) (sizeof (bad_samples) / sizeof (bad_samples[0])), "%d samples in %s", seen,
      sub);
}

static bool
strv_is (const oci_strv *v, size_t n, const char *const *want)
{
  if (v->len != n || (n && v->items[n] != NULL))
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (v->items[i], want[i]) != 0)
      return false;
  return true;
}

#define STRV_IS(v, ...) \
  strv_is (&(v), sizeof ((const char *[]){ __VA_ARGS__ }) / sizeof (char *), (const char *[]){ __VA_ARGS__ })

static bool
streq (const char *a, const char *b)
{
  return a && b && strcmp (a, b) == 0;
}

static void
test_spec_example_top (const oci_config *c)
{
  ok (streq (c->oci_version, "0.5.0-dev"), "spec-example: ociVersion");
  ok (streq (c->root_path, "rootfs") && c->root_readonly, "spec-example: root");
  ok (streq (c->hostname, "slartibartfast") && streq (c->domainname, "foobarbaz.test"), "spec-example: names");
  ok (c->mounts_len == 7 && streq (c->mounts[0].destination, "/proc") && streq (c->mounts[1].type, "tmpfs")
          && STRV_IS (c->mounts[2].options, "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")
          && c->mounts[0].options.len == 0 && c->mounts[0].uid_mappings == NULL,
      "spec-example: mounts");
  ok (c->prestart.len == 2 && streq (c->prestart.items[0].path, "/usr/bin/fix-mounts")
          && STRV_IS (c->prestart.items[0].args, "fix-mounts", "arg1", "arg2")
          && STRV_IS (c->prestart.items[0].env, "key1=value1") && !c->prestart.items[0].has_timeout
          && c->create_runtime.len == 2 && c->create_container.len == 1 && c->start_container.len == 1
          && c->poststart.len == 1 && c->poststart.items[0].has_timeout && c->poststart.items[0].timeout == 5
          && c->poststop.len == 1 && streq (c->poststop.items[0].path, "/usr/sbin/cleanup.sh"),
      "spec-example: hooks");
  ok (c->annotations.len == 2 && streq (c->annotations.keys[1], "com.example.key2")
          && streq (c->annotations.values[1], "value2"),
      "spec-example: annotations");
}

static void
test_spec_example_process (const oci_process *p)
{
  if (!ok (p != NULL, "spec-example: process"))
    return;
  ok (p->terminal && !p->has_console_size && STRV_IS (p->args, "sh") && streq (p->cwd, "/")
          && STRV_IS (p->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
      "spec-example: process basics");
  ok (p->user.uid == 1 && p->user.gid == 1 && !p->user.has_umask && p->user.additional_gids_len == 2
          && p->user.additional_gids[0] == 5 && p->user.additional_gids[1] == 6 && p->user.username == NULL,
      "spec-example: user");
  ok (p->capabilities && STRV_IS (p->capabilities->effective, "CAP_AUDIT_WRITE", "CAP_KILL")
          && STRV_IS (p->capabilities->ambient, "CAP_NET_BIND_SERVICE") && p->capabilities->bounding.len == 3,
      "spec-example: capabilities");
  ok (p->rlimits_len == 2 && p->rlimits[0].resource == RLIMIT_CORE && p->rlimits[1].resource == RLIMIT_NOFILE
          && streq (p->rlimits[1].type, "RLIMIT_NOFILE") && p->rlimits[1].soft == 1024 && p->rlimits[1].hard == 1024,
      "spec-example: rlimits");
  ok (p->no_new_privileges && streq (p->apparmor_profile, "acme_secure_profile")
          && streq (p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675") && !p->has_oom_score_adj
          && !p->has_io_priority && p->scheduler == NULL,
      "spec-example: security fields");
}

static void
test_spec_example_resources (const oci_resources *r)
{
  if (!ok (r != NULL, "spec-example: resources"))
    return;
  ok (r->has_net_class_id && r->net_class_id == 1048577 && r->net_priorities_len == 2
          && streq (r->net_priorities[1].name, "eth1") && r->net_priorities[1].priority == 1000,
      "spec-example: network");
  ok (r->has_pids_limit && r->pids_limit == 32771, "spec-example: pids");
  ok (r->hugepage_limits_len == 2 && streq (r->hugepage_limits[0].page_size, "2MB")
          && r->hugepage_limits[0].limit == UINT64_C (9223372036854772000),
      "spec-example: hugepageLimits");
  ok (r->memory && r->memory->has_limit && r->memory->limit == 536870912 && r->memory->kernel == -1
          && r->memory->has_swappiness && r->memory->swappiness == 0 && r->memory->has_disable_oom_killer
          && !r->memory->disable_oom_killer,
      "spec-example: memory");
  ok (r->cpu && r->cpu->shares == 1024 && r->cpu->quota == 1000000 && r->cpu->has_burst
          && r->cpu->realtime_runtime == 950000 && streq (r->cpu->cpus, "2-3") && streq (r->cpu->mems, "0-7")
          && !r->cpu->has_idle,
      "spec-example: cpu");
  ok (r->devices_len == 3 && !r->devices[0].allow && r->devices[0].type == 'a' && !r->devices[0].has_major
          && streq (r->devices[0].access, "rwm") && r->devices[2].type == 'b' && r->devices[2].major == 8
          && r->devices[2].has_minor && r->devices[2].minor == 0,
      "spec-example: device rules");
  ok (r->block_io && r->block_io->weight == 10 && r->block_io->weight_device_len == 2
          && r->block_io->weight_device[0].leaf_weight == 300 && !r->block_io->weight_device[1].has_leaf_weight
          && r->block_io->throttle_read_bps.len == 1 && r->block_io->throttle_read_bps.items[0].rate == 600
          && r->block_io->throttle_write_iops.items[0].minor == 16 && r->block_io->throttle_write_bps.len == 0,
      "spec-example: blockIO");
}

static void
test_spec_example_linux (const oci_linux *l)
{
  if (!ok (l != NULL, "spec-example: linux"))
    return;
  ok (l->devices_len == 2 && l->devices[0].type == 'c' && streq (l->devices[0].path, "/dev/fuse")
          && l->devices[0].major == 10 && l->devices[0].minor == 229 && l->devices[0].file_mode == 0666
          && l->devices[1].type == 'b' && l->devices[1].has_uid && l->devices[1].gid == 0,
      "spec-example: devices");
  ok (l->uid_mappings_len == 1 && l->uid_mappings[0].host_id == 1000 && l->uid_mappings[0].size == 32000
          && l->gid_mappings_len == 1,
      "spec-example: id mappings");
  ok (l->sysctl.len == 2 && streq (l->sysctl.keys[0], "net.ipv4.ip_forward") && streq (l->sysctl.values[1], "256"),
      "spec-example: sysctl");
  ok (streq (l->cgroups_path, "/myRuntime/myContainer") && streq (l->rootfs_propagation, "slave")
          && streq (l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811"),
      "spec-example: strings");
  ok (l->seccomp && l->seccomp->default_action == OCI_SCMP_ACT_ALLOW
          && STRV_IS (l->seccomp->architectures, "SCMP_ARCH_X86", "SCMP_ARCH_X32") && l->seccomp->syscalls_len == 1
          && STRV_IS (l->seccomp->syscalls[0].names, "getcwd", "chmod")
          && l->seccomp->syscalls[0].action == OCI_SCMP_ACT_ERRNO && !l->seccomp->syscalls[0].has_errno_ret,
      "spec-example: seccomp");
  ok (l->time_monotonic.present && l->time_monotonic.secs == 172800 && l->time_boottime.secs == 604800,
      "spec-example: timeOffsets");
  ok (l->namespaces_len == 8 && l->namespaces[0].type == OCI_NS_PID && l->namespaces[1].type == OCI_NS_NETWORK
          && l->namespaces[7].type == OCI_NS_TIME && l->namespaces[0].path == NULL,
      "spec-example: namespaces");
  ok (l->masked_paths.len == 4 && l->readonly_paths.len == 6 && streq (l->readonly_paths.items[5], "/proc/sysrq-trigger"),
      "spec-example: masked and readonly paths");
  ok (l->intel_rdt == NULL && l->memory_policy == NULL && l->personality == NULL && l->net_devices_len == 0,
      "spec-example: absent objects are NULL");
}

static void
test_spec_example (void)
{
  cleanup_free char *msg = NULL;
  cleanup_oci_config oci_config *c = parse ("good", "spec-example.json", &msg);

  if (!ok (c != NULL, "spec-example parses"))
    return;
  test_spec_example_top (c);
  test_spec_example_process (c->process);
  test_spec_example_linux (c->linux);
  test_spec_example_resources (c->linux ? c->linux->resources : NULL);
}

static void
test_full_process (const oci_process *p)
{
  if (!ok (p != NULL, "full-linux: process"))
    return;
  ok (p->has_console_size && p->console_height == 25 && p->console_width == 80, "full-linux: consoleSize");
  ok (p->user.has_umask && p->user.umask == 18 && p->user.additional_gids[0] == UINT32_MAX
          && streq (p->user.username, "alice"),
      "full-linux: user");
  ok (p->rlimits[0].hard == UINT64_MAX && p->has_oom_score_adj && p->oom_score_adj == -1000, "full-linux: limits");
  ok (p->has_io_priority && p->io_priority_class == OCI_IOPRIO_CLASS_IDLE && p->io_priority == 7,
      "full-linux: ioPriority");
  ok (p->scheduler && p->scheduler->policy == OCI_SCHED_DEADLINE && p->scheduler->nice == -20
          && p->scheduler->flags == 0x41 && p->scheduler->runtime == 10000000 && p->scheduler->period == 30000000,
      "full-linux: scheduler");
  ok (streq (p->exec_cpu_affinity_initial, "0") && streq (p->exec_cpu_affinity_final, "0-3, 7"),
      "full-linux: execCPUAffinity");
  ok (p->capabilities && p->capabilities->effective.len == 0 && p->capabilities->effective.items != NULL,
      "full-linux: empty capability set is present and empty");
}

static void
test_full_linux_misc (const oci_linux *l)
{
  ok (l->namespaces_len == 4 && streq (l->namespaces[1].path, "/var/run/netns/x"), "full-linux: namespace path");
  ok (l->devices_len == 3 && l->devices[0].type == 'p' && !l->devices[0].has_file_mode
          && l->devices[1].type == 'u' && l->devices[1].file_mode == 0777,
      "full-linux: devices");
  ok (l->devices[2].type == 'c' && l->devices[2].has_file_mode && l->devices[2].file_mode == 0666,
      "full-linux: fileMode with podman's file-type bits (8630) keeps the permission bits");
  ok (l->net_devices_len == 2 && streq (l->net_devices[0].host_name, "dummy0")
          && streq (l->net_devices[0].name, "eth1") && streq (l->net_devices[1].host_name, "dummy1")
          && l->net_devices[1].name == NULL,
      "full-linux: netDevices");
  ok (l->intel_rdt && streq (l->intel_rdt->clos_id, "clos1") && STRV_IS (l->intel_rdt->schemata, "L3:0=ff")
          && streq (l->intel_rdt->mem_bw_schema, "MB:0=50") && l->intel_rdt->enable_monitoring,
      "full-linux: intelRdt");
  ok (l->memory_policy && streq (l->memory_policy->mode, "MPOL_INTERLEAVE")
          && streq (l->memory_policy->nodes, "0-1") && STRV_IS (l->memory_policy->flags, "MPOL_F_STATIC_NODES"),
      "full-linux: memoryPolicy");
  ok (l->personality && l->personality->domain == OCI_PER_LINUX32 && l->personality->flags.len == 0,
      "full-linux: personality");
  ok (l->time_boottime.present && l->time_boottime.secs == -5 && l->time_boottime.nanosecs == 999999999
          && l->time_monotonic.secs == INT64_MAX && l->time_monotonic.nanosecs == 0,
      "full-linux: timeOffsets");
  ok (streq (l->rootfs_propagation, "unbindable"), "full-linux: rootfsPropagation");
}

static void
test_full_seccomp (const oci_seccomp *s)
{
  const oci_seccomp_syscall *sc;

  if (!ok (s != NULL && s->syscalls_len == 3, "full-linux: seccomp"))
    return;
  sc = &s->syscalls[1];
  ok (s->default_action == OCI_SCMP_ACT_ERRNO && s->has_default_errno_ret && s->default_errno_ret == 1
          && STRV_IS (s->flags, "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW")
          && streq (s->listener_path, "/run/seccomp.sock") && streq (s->listener_metadata, "meta"),
      "full-linux: seccomp header");
  ok (sc->has_errno_ret && sc->errno_ret == 38 && sc->args_len == 2 && sc->args[0].op == OCI_SCMP_CMP_EQ
          && sc->args[0].value == 8 && !sc->args[0].has_value_two && sc->args[1].value == UINT64_MAX
          && sc->args[1].has_value_two && sc->args[1].value_two == 4 && sc->args[1].op == OCI_SCMP_CMP_MASKED_EQ,
      "full-linux: seccomp args");
  ok (s->syscalls[2].action == OCI_SCMP_ACT_NOTIFY, "full-linux: seccomp notify");
}

static void
test_full_resources (const oci_resources *r)
{
  if (!ok (r != NULL, "full-linux: resources"))
    return;
  ok (r->has_pids_limit && r->pids_limit == -1, "full-linux: pids -1");
  ok (r->memory->reservation == -1 && !r->memory->has_kernel && r->memory->check_before_update
          && !r->memory->has_use_hierarchy,
      "full-linux: memory");
  ok (r->cpu->quota == -1 && r->cpu->has_idle && r->cpu->idle == 1 && !r->cpu->has_realtime_period,
      "full-linux: cpu");
  ok (r->block_io->weight_device[0].leaf_weight == 65535 && !r->block_io->weight_device[0].has_weight
          && r->block_io->throttle_write_bps.items[0].rate == 2097152
          && r->block_io->throttle_read_iops.items[0].rate == 100,
      "full-linux: blockIO");
  ok (r->net_class_id == UINT32_MAX && r->rdma_len == 1 && streq (r->rdma[0].device, "mlx5_0")
          && r->rdma[0].has_hca_handles && !r->rdma[0].has_hca_objects,
      "full-linux: network and rdma");
  ok (r->unified.len == 2 && streq (r->unified.keys[1], "io.weight") && streq (r->unified.values[1], "default 100"),
      "full-linux: unified");
}

static void
test_full_linux (void)
{
  cleanup_free char *msg = NULL;
  cleanup_oci_config oci_config *c = parse ("good", "full-linux.json", &msg);

  if (!ok (c != NULL && c->linux != NULL, "full-linux parses"))
    return;
  ok (c->mounts_len == 2 && c->mounts[1].uid_mappings_len == 1 && c->mounts[1].uid_mappings[0].host_id == 100000
          && c->mounts[1].gid_mappings[0].host_id == 200000 && c->mounts[1].gid_mappings[0].size == 65536,
      "full-linux: mount id mappings");
  ok (c->create_runtime.len == 1 && c->create_runtime.items[0].timeout == 30 && c->prestart.len == 0,
      "full-linux: hooks");
  ok (c->annotations.len == 2 && streq (c->annotations.values[1], ""), "full-linux: empty annotation value");
  test_full_process (c->process);
  test_full_linux_misc (c->linux);
  test_full_seccomp (c->linux->seccomp);
  test_full_resources (c->linux->resources);
}

static void
test_unknown_fields (void)
{
  cleanup_free char *msg = NULL;
  cleanup_oci_config oci_config *c = parse ("good", "unknown-fields.json", &msg);

  if (!ok (c != NULL, "unknown fields are ignored%s%s", msg ? ": " : "", msg ? msg : ""))
    return;
  ok (streq (c->oci_version, "1.4.0-rc.1+build.5"), "newer minor version with pre-release and build accepted");
  ok (c->process->capabilities == NULL, "null counts as absent");
  ok (c->linux->resources && c->linux->resources->memory == NULL && c->linux->namespaces_len == 1,
      "unknown keys inside known objects are skipped");
}

static void
test_parse_data (const char *doc, size_t len /* SIZE_MAX: strlen */, bool want_ok, const char *want, const char *desc)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *msg = NULL;
  oci_config *c = NULL;
  int r = oci_config_parse_data ("doc.json", doc, len == SIZE_MAX ? strlen (doc) : len, &c, &err);

  if (r < 0)
    msg = ocirun_error_format (err);
  oci_config_free (c);
  ok ((r == 0) == want_ok && (want == NULL || (msg && strstr (msg, want))), "%s: %s", desc, msg ? msg : "parsed");
}

/* {"ociVersion": "1.0.0", "x": [[...]]} with `levels` levels in all. */
static void
test_nesting (int levels, bool want_ok)
{
  static const char head[] = "{\"ociVersion\": \"1.0.0\", \"x\": ";
  cleanup_free char *doc = malloc (sizeof (head) + 2 * levels + 2);
  char *p = stpcpy (doc, head);

  memset (p, '[', levels - 1);
  memset (p + levels - 1, ']', levels - 1);
  strcpy (p + 2 * (levels - 1), "}");
  test_parse_data (doc, SIZE_MAX, want_ok, want_ok ? NULL : "doc.json:1:541: JSON nested deeper than 512 levels",
                   want_ok ? "512 levels of nesting parse" : "513 levels of nesting are refused");
}

static void
test_entry_points (void)
{
  static const char doc[] = "{\"ociVersion\": \"1.0.0\"} trailing";
  static const char nul[] = "{\"ociVersion\":\n \"1.0.0\"\0}";
  cleanup_error ocirun_error_t err = NULL;
  oci_config *c = NULL;

  test_parse_data (doc, strlen ("{\"ociVersion\": \"1.0.0\"}"), true, NULL, "parse_data stops at len");
  test_parse_data (doc, sizeof (doc) - 1, false, "doc.json:1:25: parse error: trailing garbage", "trailing garbage");
  test_parse_data (nul, sizeof (nul) - 1, false, "doc.json:2:9: NUL byte", "NUL byte position");
  test_nesting (512, true);
  test_nesting (513, false);
  test_parse_data ("", 0, false, "doc.json:1:1: parse error: premature EOF", "empty document");
  test_parse_data ("{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", 1]}}", SIZE_MAX, false,
                   ".process.args[1]: expected a string, got number 1", "array element path");
  test_parse_data ("{\"ociVersion\": \"1.0.0\", \"process\": null}", SIZE_MAX, true, NULL, "null process is absent");
  test_parse_data ("{\"ociVersion\": \"1.0.0\", /* comment */ \"hostname\": \"h\"}", SIZE_MAX, true, NULL,
                   "comments are allowed, as by yajl_tree_parse");
  test_parse_data ("{\"ociVersion\": \"01.0.0\"}", SIZE_MAX, false, "is not a SemVer", "leading zero in version");
  test_parse_data ("{\"ociVersion\": \"1.0.0-\"}", SIZE_MAX, false, "is not a SemVer", "empty pre-release");
  test_parse_data ("{\"ociVersion\": \"1.0.0\", \"linux\": {\"resources\": {\"memory\": {\"limit\": 9223372036854775808}}}}", SIZE_MAX, false, "out of range", "int64 overflow");
  ok (oci_config_parse_file ("/nonexistent/config.json", &c, &err) < 0 && err && err->errnum == ENOENT
          && strstr (err->msg, "/nonexistent/config.json"),
      "missing file: ENOENT and the path");
  /* Callers free unconditionally: *out must stay NULL after a failure. */
  ok (c == NULL, "a failed parse leaves *out alone");
  oci_config_free (c);
}

/* `exec --process`: the process object alone, same rules, paths from it. */
static void
test_process_documents (void)
{
  static const char good[] = "{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"],"
                             " \"user\": {\"uid\": 5}, \"capabilities\": {\"bounding\": [\"CAP_KILL\"]}}";
  static const char bad[] = "{\"args\": [\"ls\"], \"cwd\": \"tmp\"}";
  cleanup_error ocirun_error_t err = NULL;
  cleanup_oci_process oci_process *p = NULL;
  oci_process *q = NULL;

  ok (oci_process_parse_data ("process.json", good, strlen (good), &p, &err) == 0 && STRV_IS (p->args, "ls", "-l")
          && p->args.items[2] == NULL && streq (p->cwd, "/tmp") && p->user.uid == 5
          && STRV_IS (p->capabilities->bounding, "CAP_KILL"),
      "process document parses; args are NULL-terminated");
  ok (oci_process_parse_data ("process.json", bad, strlen (bad), &q, &err) < 0 && q == NULL
          && streq (err->msg, "process.json: .cwd: must be an absolute path, got \"tmp\""),
      "process document: cwd rule, path from the object: %s", err ? err->msg : "parsed");
  ocirun_error_release (&err);
  ok (oci_process_parse_file ("/nonexistent/process.json", &q, &err) < 0 && err->errnum == ENOENT,
      "process file: missing file");
}

static void
test_lists (void)
{
  static const char *const good[] = { "", " ", "0", "0-3,7", " 1 , 2-4 ", "5-5", "0,1,2" };
  static const char *const bad[] = { "1-", "-1", "3-1", "1,,2", "a", "1,", ",1", "1 2", "0x1" };
  bool empty, all = true;

  for (size_t i = 0; i < sizeof (good) / sizeof (good[0]); i++)
    all &= oci_list_valid (good[i], &empty) && empty == (i < 2);
  ok (all, "valid CPU/node lists");
  all = true;
  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    all &= !oci_list_valid (bad[i], &empty);
  ok (all, "invalid CPU/node lists");
}

static void
test_name_tables (void)
{
  ok (streq (oci_ns_type_name (OCI_NS_NETWORK), "network") && streq (oci_ns_type_name (OCI_NS_MOUNT), "mount")
          && oci_ns_type_name (OCI_NS_COUNT) == NULL,
      "oci_ns_type_name");
  ok (streq (oci_ns_proc_name (OCI_NS_NETWORK), "net") && streq (oci_ns_proc_name (OCI_NS_MOUNT), "mnt")
          && streq (oci_ns_proc_name (OCI_NS_TIME), "time"),
      "oci_ns_proc_name");
  ok (oci_rlimit_from_name ("RLIMIT_NOFILE") == RLIMIT_NOFILE && oci_rlimit_from_name ("RLIMIT_RTTIME") == RLIMIT_RTTIME
          && oci_rlimit_from_name ("RLIMIT_BOGUS") == -1,
      "oci_rlimit_from_name");
  ok (streq (oci_seccomp_action_name (OCI_SCMP_ACT_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS")
          && streq (oci_seccomp_op_name (OCI_SCMP_CMP_MASKED_EQ), "SCMP_CMP_MASKED_EQ")
          && oci_seccomp_op_name (0) == NULL,
      "seccomp name tables");
}

int
main (void)
{
  test_directory ("good", true);
  test_directory ("bad", false);
  test_spec_example ();
  test_full_linux ();
  test_unknown_fields ();
  test_entry_points ();
  test_process_documents ();
  test_lists ();
  test_name_tables ();
  return tap_done ();
}
