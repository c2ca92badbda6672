/* config.json, the "linux" object (config-linux.md): walker tables for
 * namespaces, devices, network devices, seccomp, intelRdt, memoryPolicy,
 * personality and time offsets, and the name tables shared with the
 * runtime.  Resources (cgroups) are in config-resources.c. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "oci-spec/config-internal.h"

/* --- name tables ------------------------------------------------------------------ */

static const jw_enum ns_types[] = {
  { "mount", OCI_NS_MOUNT }, { "pid", OCI_NS_PID },       { "network", OCI_NS_NETWORK }, { "uts", OCI_NS_UTS },
  { "ipc", OCI_NS_IPC },     { "user", OCI_NS_USER },     { "cgroup", OCI_NS_CGROUP },   { "time", OCI_NS_TIME },
  { NULL, 0 },
};

/* The same namespaces as named by /proc/PID/ns and setns(2) users. */
static const jw_enum ns_proc_names[] = {
  { "mnt", OCI_NS_MOUNT }, { "pid", OCI_NS_PID },   { "net", OCI_NS_NETWORK },   { "uts", OCI_NS_UTS },
  { "ipc", OCI_NS_IPC },   { "user", OCI_NS_USER }, { "cgroup", OCI_NS_CGROUP }, { "time", OCI_NS_TIME },
  { NULL, 0 },
};

static const jw_enum seccomp_actions[] = {
  { "SCMP_ACT_KILL", OCI_SCMP_ACT_KILL },
  { "SCMP_ACT_KILL_PROCESS", OCI_SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_KILL_THREAD", OCI_SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_TRAP", OCI_SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", OCI_SCMP_ACT_ERRNO },
  { "SCMP_ACT_TRACE", OCI_SCMP_ACT_TRACE },
  { "SCMP_ACT_ALLOW", OCI_SCMP_ACT_ALLOW },
  { "SCMP_ACT_LOG", OCI_SCMP_ACT_LOG },
  { "SCMP_ACT_NOTIFY", OCI_SCMP_ACT_NOTIFY },
  { NULL, 0 },
};

static const jw_enum seccomp_ops[] = {
  { "SCMP_CMP_NE", OCI_SCMP_CMP_NE }, { "SCMP_CMP_LT", OCI_SCMP_CMP_LT },
  { "SCMP_CMP_LE", OCI_SCMP_CMP_LE }, { "SCMP_CMP_EQ", OCI_SCMP_CMP_EQ },
  { "SCMP_CMP_GE", OCI_SCMP_CMP_GE }, { "SCMP_CMP_GT", OCI_SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", OCI_SCMP_CMP_MASKED_EQ }, { NULL, 0 },
};

/* Names only: the strings are kept, the values are unused. */
static const jw_enum seccomp_archs[] = {
  { "SCMP_ARCH_X86", 0 },        { "SCMP_ARCH_X86_64", 0 },    { "SCMP_ARCH_X32", 0 },
  { "SCMP_ARCH_ARM", 0 },        { "SCMP_ARCH_AARCH64", 0 },   { "SCMP_ARCH_LOONGARCH64", 0 },
  { "SCMP_ARCH_M68K", 0 },       { "SCMP_ARCH_MIPS", 0 },      { "SCMP_ARCH_MIPS64", 0 },
  { "SCMP_ARCH_MIPS64N32", 0 },  { "SCMP_ARCH_MIPSEL", 0 },    { "SCMP_ARCH_MIPSEL64", 0 },
  { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },      { "SCMP_ARCH_PPC64", 0 },
  { "SCMP_ARCH_PPC64LE", 0 },    { "SCMP_ARCH_S390", 0 },      { "SCMP_ARCH_S390X", 0 },
  { "SCMP_ARCH_SH", 0 },         { "SCMP_ARCH_SHEB", 0 },      { "SCMP_ARCH_PARISC", 0 },
  { "SCMP_ARCH_PARISC64", 0 },   { "SCMP_ARCH_RISCV64", 0 },   { NULL, 0 },
};

static const jw_enum seccomp_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
  { "SECCOMP_FILTER_FLAG_LOG", 0 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0 },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
  { NULL, 0 },
};

static const jw_enum propagations[] = {
  { "private", 0 }, { "shared", 0 }, { "slave", 0 }, { "unbindable", 0 }, { NULL, 0 },
};

static const jw_enum mpol_modes[] = {
  { "MPOL_DEFAULT", 0 },   { "MPOL_BIND", 0 },           { "MPOL_INTERLEAVE", 0 }, { "MPOL_WEIGHTED_INTERLEAVE", 0 },
  { "MPOL_PREFERRED", 0 }, { "MPOL_PREFERRED_MANY", 0 }, { "MPOL_LOCAL", 0 },      { NULL, 0 },
};

static const jw_enum mpol_flags[] = {
  { "MPOL_F_NUMA_BALANCING", 0 }, { "MPOL_F_RELATIVE_NODES", 0 }, { "MPOL_F_STATIC_NODES", 0 }, { NULL, 0 },
};

static const jw_enum personality_domains[] = {
  { "LINUX", OCI_PER_LINUX }, { "LINUX32", OCI_PER_LINUX32 }, { NULL, 0 },
};

const char *
oci_ns_type_name (int type)
{
  return jw_enum_name (ns_types, type);
}

const char *
oci_ns_proc_name (int type)
{
  return jw_enum_name (ns_proc_names, type);
}

const char *
oci_seccomp_action_name (int action)
{
  return jw_enum_name (seccomp_actions, action);
}

const char *
oci_seccomp_op_name (int op)
{
  return jw_enum_name (seccomp_ops, op);
}

/* --- namespaces and devices ---------------------------------------------------------- */

static int
check_namespace (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_namespace *ns = obj;
  (void) node;
  if (ns->path && !jw_is_absolute (ns->path))
    return jw_fail (ctx, "path", "must be an absolute path, got \"%s\"", ns->path);
  return 0;
}

static const jw_field namespace_fields[] = {
  JW_F (oci_namespace, "type", JW_ENUM, type, .flags = JW_REQUIRED, .aux = ns_types),
  JW_F (oci_namespace, "path", JW_STRING, path),
  JW_END,
};
static const jw_struct namespace_struct
    = { .size = sizeof (oci_namespace), .fields = namespace_fields, .check = check_namespace };

static bool
has_key (yajl_val node, const char *key)
{
  for (size_t i = 0; i < node->u.object.len; i++)
    if (strcmp (node->u.object.keys[i], key) == 0 && node->u.object.values[i]->type != yajl_t_null)
      return true;
  return false;
}

/* Podman sends the file-type bits too (8630 == 020666, S_IFCHR|0666); runc
 * and crun accept that and mknod with the permission bits.  Keep those
 * (07777); a type that contradicts `type`, or bits no mode has, is wrong. */
static int
check_file_mode (oci_device *d, jw_ctx *ctx)
{
  uint32_t fmt = d->file_mode & S_IFMT;
  uint32_t want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;

  if (d->file_mode > (S_IFMT | 07777))
    return jw_fail (ctx, "fileMode", "%u is not a file mode", (unsigned) d->file_mode);
  if (fmt != 0 && fmt != want)
    return jw_fail (ctx, "fileMode", "0%o has a file type other than device type '%c'", (unsigned) d->file_mode,
                    d->type);
  d->file_mode &= 07777;
  return 0;
}

static int
check_device (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_device *d = obj;
  if (d->type != 'p' && !has_key (node, "major"))
    return jw_fail (ctx, "major", "missing required field (device type '%c')", d->type);
  if (d->type != 'p' && !has_key (node, "minor"))
    return jw_fail (ctx, "minor", "missing required field (device type '%c')", d->type);
  if (d->has_file_mode && check_file_mode (d, ctx) < 0)
    return -1;
  return 0;
}

static const jw_field device_fields[] = {
  JW_F (oci_device, "type", JW_CHAR, type, .flags = JW_REQUIRED, .aux = "cbup"),
  JW_F (oci_device, "path", JW_STRING, path, .flags = JW_REQUIRED),
  JW_F (oci_device, "major", JW_INT64, major),
  JW_F (oci_device, "minor", JW_INT64, minor),
  JW_FH (oci_device, "fileMode", JW_UINT32, file_mode, has_file_mode),
  JW_FH (oci_device, "uid", JW_UINT32, uid, has_uid),
  JW_FH (oci_device, "gid", JW_UINT32, gid, has_gid),
  JW_END,
};
static const jw_struct device_struct = { .size = sizeof (oci_device), .fields = device_fields, .check = check_device };

/* The kernel's dev_valid_name(): 1 to IFNAMSIZ - 1 bytes, not "." or
 * "..", no '/', ':' or white space. */
static bool
valid_ifname (const char *name)
{
  size_t len = strlen (name);
  if (len == 0 || len >= 16 || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return false;
  return name[strcspn (name, "/: \t\n\v\f\r")] == '\0';
}

static int
check_net_device (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_net_device *d = obj;
  (void) node;
  if (!valid_ifname (d->host_name))
    return jw_fail (ctx, NULL, "\"%s\" is not a valid interface name", d->host_name);
  if (d->name && !valid_ifname (d->name))
    return jw_fail (ctx, "name", "\"%s\" is not a valid interface name", d->name);
  return 0;
}

static const jw_field net_device_fields[] = {
  JW_F (oci_net_device, "name", JW_STRING, name),
  JW_END,
};
static const jw_struct net_device_struct = {
  .size = sizeof (oci_net_device),
  .key_offset = offsetof (oci_net_device, host_name),
  .fields = net_device_fields,
  .check = check_net_device,
};

/* --- seccomp ------------------------------------------------------------------------------ */

static bool
action_takes_errno (int action)
{
  return action == OCI_SCMP_ACT_ERRNO || action == OCI_SCMP_ACT_TRACE;
}

static const jw_field seccomp_arg_fields[] = {
  JW_F (oci_seccomp_arg, "index", JW_UINT32, index, .flags = JW_REQUIRED),
  JW_F (oci_seccomp_arg, "value", JW_UINT64, value, .flags = JW_REQUIRED),
  JW_FH (oci_seccomp_arg, "valueTwo", JW_UINT64, value_two, has_value_two),
  JW_F (oci_seccomp_arg, "op", JW_ENUM, op, .flags = JW_REQUIRED, .aux = seccomp_ops),
  JW_END,
};
static const jw_struct seccomp_arg_struct = { .size = sizeof (oci_seccomp_arg), .fields = seccomp_arg_fields };

static int
check_syscall (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_seccomp_syscall *s = obj;
  (void) node;
  if (s->names.len == 0)
    return jw_fail (ctx, "names", "must contain at least one element");
  if (s->has_errno_ret && !action_takes_errno (s->action))
    return jw_fail (ctx, "errnoRet", "not allowed with action %s", oci_seccomp_action_name (s->action));
  return 0;
}

static const jw_field syscall_fields[] = {
  JW_F (oci_seccomp_syscall, "names", JW_STRV, names, .flags = JW_REQUIRED),
  JW_F (oci_seccomp_syscall, "action", JW_ENUM, action, .flags = JW_REQUIRED, .aux = seccomp_actions),
  JW_FH (oci_seccomp_syscall, "errnoRet", JW_UINT32, errno_ret, has_errno_ret),
  JW_F (oci_seccomp_syscall, "args", JW_ARRAY, args, .aux = &seccomp_arg_struct),
  JW_END,
};
static const jw_struct syscall_struct
    = { .size = sizeof (oci_seccomp_syscall), .fields = syscall_fields, .check = check_syscall };

static int
check_seccomp (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_seccomp *s = obj;
  (void) node;
  if (s->has_default_errno_ret && !action_takes_errno (s->default_action))
    return jw_fail (ctx, "defaultErrnoRet", "not allowed with defaultAction %s",
                    oci_seccomp_action_name (s->default_action));
  if (!s->has_default_action && s->syscalls_len)
    return jw_fail (ctx, "defaultAction", "required when syscalls are given");
  if (s->listener_metadata && s->listener_path == NULL)
    return jw_fail (ctx, "listenerMetadata", "not allowed without listenerPath");
  return 0;
}

static const jw_field seccomp_fields[] = {
  JW_FH (oci_seccomp, "defaultAction", JW_ENUM, default_action, has_default_action, .aux = seccomp_actions),
  JW_FH (oci_seccomp, "defaultErrnoRet", JW_UINT32, default_errno_ret, has_default_errno_ret),
  JW_F (oci_seccomp, "architectures", JW_STRV, architectures, .aux = seccomp_archs),
  JW_F (oci_seccomp, "flags", JW_STRV, flags, .aux = seccomp_flags),
  JW_F (oci_seccomp, "listenerPath", JW_STRING, listener_path),
  JW_F (oci_seccomp, "listenerMetadata", JW_STRING, listener_metadata),
  JW_F (oci_seccomp, "syscalls", JW_ARRAY, syscalls, .aux = &syscall_struct),
  JW_END,
};
const jw_struct oci_seccomp_struct = { .size = sizeof (oci_seccomp), .fields = seccomp_fields, .check = check_seccomp };

/* --- intelRdt, memoryPolicy, personality, timeOffsets --------------------------------------- */

static int
check_intel_rdt (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_intel_rdt *r = obj;
  (void) node;
  if (r->mem_bw_schema && (strncmp (r->mem_bw_schema, "MB:", 3) != 0 || strchr (r->mem_bw_schema, '\n')))
    return jw_fail (ctx, "memBwSchema", "must start with \"MB:\" and be a single line");
  if (r->l3_cache_schema && strchr (r->l3_cache_schema, '\n'))
    return jw_fail (ctx, "l3CacheSchema", "must be a single line");
  for (size_t i = 0; i < r->schemata.len; i++)
    if (strchr (r->schemata.items[i], '\n'))
      return jw_fail_index (ctx, "schemata", i, "must be a single line");
  return 0;
}

static const jw_field intel_rdt_fields[] = {
  JW_F (oci_intel_rdt, "closID", JW_STRING, clos_id),
  JW_F (oci_intel_rdt, "schemata", JW_STRV, schemata),
  JW_F (oci_intel_rdt, "l3CacheSchema", JW_STRING, l3_cache_schema),
  JW_F (oci_intel_rdt, "memBwSchema", JW_STRING, mem_bw_schema),
  JW_F (oci_intel_rdt, "enableMonitoring", JW_BOOL, enable_monitoring),
  JW_END,
};
static const jw_struct intel_rdt_struct
    = { .size = sizeof (oci_intel_rdt), .fields = intel_rdt_fields, .check = check_intel_rdt };

/* set_mempolicy(2): MPOL_DEFAULT and MPOL_LOCAL take no nodes,
 * MPOL_PREFERRED any number, the other modes at least one. */
static int
check_memory_policy (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_memory_policy *m = obj;
  bool empty = true, none = strcmp (m->mode, "MPOL_DEFAULT") == 0 || strcmp (m->mode, "MPOL_LOCAL") == 0;
  (void) node;
  if (m->nodes && !oci_list_valid (m->nodes, &empty))
    return jw_fail (ctx, "nodes", "invalid node list \"%s\"", m->nodes);
  if (none && !empty)
    return jw_fail (ctx, "nodes", "must be empty with %s", m->mode);
  if (!none && empty && strcmp (m->mode, "MPOL_PREFERRED") != 0)
    return jw_fail (ctx, "nodes", "at least one node is required with %s", m->mode);
  return 0;
}

static const jw_field memory_policy_fields[] = {
  JW_F (oci_memory_policy, "mode", JW_STRING, mode, .flags = JW_REQUIRED, .aux = mpol_modes),
  JW_F (oci_memory_policy, "nodes", JW_STRING, nodes),
  JW_F (oci_memory_policy, "flags", JW_STRV, flags, .aux = mpol_flags),
  JW_END,
};
static const jw_struct memory_policy_struct
    = { .size = sizeof (oci_memory_policy), .fields = memory_policy_fields, .check = check_memory_policy };

static const jw_field personality_fields[] = {
  JW_F (oci_personality, "domain", JW_ENUM, domain, .flags = JW_REQUIRED, .aux = personality_domains),
  JW_F (oci_personality, "flags", JW_STRV, flags),
  JW_END,
};
static const jw_struct personality_struct = { .size = sizeof (oci_personality), .fields = personality_fields };

static int
check_time_offset (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_time_offset *t = obj;
  (void) node;
  if (t->nanosecs > 999999999)
    return jw_fail (ctx, "nanosecs", "%u is not below one second", (unsigned) t->nanosecs);
  return 0;
}

static const jw_field time_offset_fields[] = {
  JW_F (oci_time_offset, "secs", JW_INT64, secs),
  JW_F (oci_time_offset, "nanosecs", JW_UINT32, nanosecs),
  JW_END,
};
static const jw_struct time_offset_struct
    = { .size = sizeof (oci_time_offset), .fields = time_offset_fields, .check = check_time_offset };

/* Flattened into oci_linux; "present" records that the clock was given. */
static const jw_field time_offsets_fields[] = {
  { .key = "boottime", .kind = JW_OBJECT, .offset = offsetof (oci_linux, time_boottime), .flags = JW_HAS,
    .has = offsetof (oci_linux, time_boottime) + offsetof (oci_time_offset, present), .aux = &time_offset_struct },
  { .key = "monotonic", .kind = JW_OBJECT, .offset = offsetof (oci_linux, time_monotonic), .flags = JW_HAS,
    .has = offsetof (oci_linux, time_monotonic) + offsetof (oci_time_offset, present), .aux = &time_offset_struct },
  JW_END,
};
static const jw_struct time_offsets_struct = { .size = sizeof (oci_linux), .fields = time_offsets_fields };

/* --- linux ----------------------------------------------------------------------------------- */

static int
check_absolute_paths (const oci_strv *paths, const char *key, jw_ctx *ctx)
{
  for (size_t i = 0; i < paths->len; i++)
    if (!jw_is_absolute (paths->items[i]))
      return jw_fail_index (ctx, key, i, "must be an absolute path, got \"%s\"", paths->items[i]);
  return 0;
}

static int
check_linux (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_linux *l = obj;
  (void) node;
  if (check_absolute_paths (&l->masked_paths, "maskedPaths", ctx) < 0
      || check_absolute_paths (&l->readonly_paths, "readonlyPaths", ctx) < 0)
    return -1;
  for (size_t i = 0; i < l->namespaces_len; i++)
    for (size_t j = 0; j < i; j++)
      if (l->namespaces[i].type == l->namespaces[j].type)
        return jw_fail_index (ctx, "namespaces", i, "duplicate namespace type \"%s\"",
                              oci_ns_type_name (l->namespaces[i].type));
  return 0;
}

static const jw_field linux_fields[] = {
  JW_F (oci_linux, "uidMappings", JW_ARRAY, uid_mappings, .aux = &oci_id_mapping_struct),
  JW_F (oci_linux, "gidMappings", JW_ARRAY, gid_mappings, .aux = &oci_id_mapping_struct),
  JW_F (oci_linux, "namespaces", JW_ARRAY, namespaces, .aux = &namespace_struct),
  JW_F (oci_linux, "devices", JW_ARRAY, devices, .aux = &device_struct),
  JW_F (oci_linux, "netDevices", JW_OBJECT_MAP, net_devices, .aux = &net_device_struct),
  JW_F (oci_linux, "cgroupsPath", JW_STRING, cgroups_path),
  JW_F (oci_linux, "resources", JW_OBJECT, resources, .flags = JW_ALLOC, .aux = &oci_resources_struct),
  JW_F (oci_linux, "rootfsPropagation", JW_STRING, rootfs_propagation, .aux = propagations),
  JW_F (oci_linux, "seccomp", JW_OBJECT, seccomp, .flags = JW_ALLOC, .aux = &oci_seccomp_struct),
  JW_F (oci_linux, "sysctl", JW_MAP, sysctl),
  JW_F (oci_linux, "maskedPaths", JW_STRV, masked_paths),
  JW_F (oci_linux, "readonlyPaths", JW_STRV, readonly_paths),
  JW_F (oci_linux, "mountLabel", JW_STRING, mount_label),
  JW_F (oci_linux, "intelRdt", JW_OBJECT, intel_rdt, .flags = JW_ALLOC, .aux = &intel_rdt_struct),
  JW_F (oci_linux, "memoryPolicy", JW_OBJECT, memory_policy, .flags = JW_ALLOC, .aux = &memory_policy_struct),
  JW_F (oci_linux, "personality", JW_OBJECT, personality, .flags = JW_ALLOC, .aux = &personality_struct),
  { .key = "timeOffsets", .kind = JW_OBJECT, .aux = &time_offsets_struct },
  JW_END,
};
const jw_struct oci_linux_struct = { .size = sizeof (oci_linux), .fields = linux_fields, .check = check_linux };
