/* config.json, platform-independent part: the walker tables for the top
 * level, root, mounts, hooks and process, their semantic rules, and the
 * public entry points. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "oci-spec/config-internal.h"
#include "ocirun/cleanup.h"

bool
oci_chars_in (const char *s, const char *allowed)
{
  return s[strspn (s, allowed)] == '\0';
}

/* --- name tables --------------------------------------------------------------- */

static const jw_enum rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
  { NULL, 0 },
};

static const jw_enum ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", OCI_IOPRIO_CLASS_RT },
  { "IOPRIO_CLASS_BE", OCI_IOPRIO_CLASS_BE },
  { "IOPRIO_CLASS_IDLE", OCI_IOPRIO_CLASS_IDLE },
  { NULL, 0 },
};

static const jw_enum sched_policies[] = {
  { "SCHED_OTHER", OCI_SCHED_OTHER }, { "SCHED_FIFO", OCI_SCHED_FIFO },   { "SCHED_RR", OCI_SCHED_RR },
  { "SCHED_BATCH", OCI_SCHED_BATCH }, { "SCHED_ISO", OCI_SCHED_ISO },     { "SCHED_IDLE", OCI_SCHED_IDLE },
  { "SCHED_DEADLINE", OCI_SCHED_DEADLINE }, { NULL, 0 },
};

/* The kernel's SCHED_FLAG_* bits (include/uapi/linux/sched.h). */
static const jw_enum sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },        { "SCHED_FLAG_DL_OVERRUN", 0x04 },
  { "SCHED_FLAG_KEEP_POLICY", 0x08 },   { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 }, { NULL, 0 },
};

int
oci_rlimit_from_name (const char *name)
{
  for (const jw_enum *e = rlimit_names; e->name; e++)
    if (strcmp (e->name, name) == 0)
      return (int) e->value;
  return -1;
}

/* --- shared pieces ----------------------------------------------------------- */

static const jw_field id_mapping_fields[] = {
  JW_F (oci_id_mapping, "containerID", JW_UINT32, container_id, .flags = JW_REQUIRED),
  JW_F (oci_id_mapping, "hostID", JW_UINT32, host_id, .flags = JW_REQUIRED),
  JW_F (oci_id_mapping, "size", JW_UINT32, size, .flags = JW_REQUIRED),
  JW_END,
};
const jw_struct oci_id_mapping_struct = { .size = sizeof (oci_id_mapping), .fields = id_mapping_fields };

/* --- hooks ---------------------------------------------------------------------- */

static int
check_hook (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_hook *h = obj;
  (void) node;
  if (!jw_is_absolute (h->path))
    return jw_fail (ctx, "path", "must be an absolute path, got \"%s\"", h->path);
  if (h->has_timeout && h->timeout < 1)
    return jw_fail (ctx, "timeout", "must be greater than zero, got %lld", (long long) h->timeout);
  return 0;
}

static const jw_field hook_fields[] = {
  JW_F (oci_hook, "path", JW_STRING, path, .flags = JW_REQUIRED),
  JW_F (oci_hook, "args", JW_STRV, args),
  JW_F (oci_hook, "env", JW_STRV, env),
  JW_FH (oci_hook, "timeout", JW_INT64, timeout, has_timeout),
  JW_END,
};
static const jw_struct hook_struct = { .size = sizeof (oci_hook), .fields = hook_fields, .check = check_hook };

/* "hooks" is flattened into oci_config: these offsets are oci_config's. */
static const jw_field hooks_fields[] = {
  JW_F (oci_config, "prestart", JW_ARRAY, prestart, .aux = &hook_struct),
  JW_F (oci_config, "createRuntime", JW_ARRAY, create_runtime, .aux = &hook_struct),
  JW_F (oci_config, "createContainer", JW_ARRAY, create_container, .aux = &hook_struct),
  JW_F (oci_config, "startContainer", JW_ARRAY, start_container, .aux = &hook_struct),
  JW_F (oci_config, "poststart", JW_ARRAY, poststart, .aux = &hook_struct),
  JW_F (oci_config, "poststop", JW_ARRAY, poststop, .aux = &hook_struct),
  JW_END,
};
static const jw_struct hooks_struct = { .size = sizeof (oci_config), .fields = hooks_fields };

/* --- mounts and root ------------------------------------------------------------- */

static int
check_mount (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_mount *m = obj;
  (void) node;
  if (m->uid_mappings && m->gid_mappings == NULL)
    return jw_fail (ctx, "gidMappings", "missing, required with uidMappings");
  if (m->gid_mappings && m->uid_mappings == NULL)
    return jw_fail (ctx, "uidMappings", "missing, required with gidMappings");
  return 0;
}

static const jw_field mount_fields[] = {
  JW_F (oci_mount, "destination", JW_STRING, destination, .flags = JW_REQUIRED),
  JW_F (oci_mount, "source", JW_STRING, source),
  JW_F (oci_mount, "type", JW_STRING, type),
  JW_F (oci_mount, "options", JW_STRV, options),
  JW_F (oci_mount, "uidMappings", JW_ARRAY, uid_mappings, .aux = &oci_id_mapping_struct),
  JW_F (oci_mount, "gidMappings", JW_ARRAY, gid_mappings, .aux = &oci_id_mapping_struct),
  JW_END,
};
static const jw_struct mount_struct = { .size = sizeof (oci_mount), .fields = mount_fields, .check = check_mount };

static const jw_field root_fields[] = {
  JW_F (oci_config, "path", JW_STRING, root_path, .flags = JW_REQUIRED),
  JW_F (oci_config, "readonly", JW_BOOL, root_readonly),
  JW_END,
};
static const jw_struct root_struct = { .size = sizeof (oci_config), .fields = root_fields };

/* --- process ------------------------------------------------------------------------ */

static const jw_field user_fields[] = {
  JW_F (oci_user, "uid", JW_UINT32, uid),
  JW_F (oci_user, "gid", JW_UINT32, gid),
  JW_FH (oci_user, "umask", JW_UINT32, umask, has_umask),
  JW_F (oci_user, "additionalGids", JW_UINT32_ARRAY, additional_gids),
  JW_F (oci_user, "username", JW_STRING, username),
  JW_END,
};
static const jw_struct user_struct = { .size = sizeof (oci_user), .fields = user_fields };

static const jw_field capabilities_fields[] = {
  JW_F (oci_capabilities, "bounding", JW_STRV, bounding),
  JW_F (oci_capabilities, "effective", JW_STRV, effective),
  JW_F (oci_capabilities, "inheritable", JW_STRV, inheritable),
  JW_F (oci_capabilities, "permitted", JW_STRV, permitted),
  JW_F (oci_capabilities, "ambient", JW_STRV, ambient),
  JW_END,
};
static const jw_struct capabilities_struct = { .size = sizeof (oci_capabilities), .fields = capabilities_fields };

static int
check_rlimit (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_rlimit *r = obj;
  (void) node;
  r->resource = oci_rlimit_from_name (r->type);
  if (r->resource < 0)
    return jw_fail (ctx, "type", "unknown value \"%s\"", r->type);
  return 0;
}

static const jw_field rlimit_fields[] = {
  JW_F (oci_rlimit, "type", JW_STRING, type, .flags = JW_REQUIRED),
  JW_F (oci_rlimit, "soft", JW_UINT64, soft, .flags = JW_REQUIRED),
  JW_F (oci_rlimit, "hard", JW_UINT64, hard, .flags = JW_REQUIRED),
  JW_END,
};
static const jw_struct rlimit_struct = { .size = sizeof (oci_rlimit), .fields = rlimit_fields, .check = check_rlimit };

static const jw_field scheduler_fields[] = {
  JW_F (oci_scheduler, "policy", JW_ENUM, policy, .flags = JW_REQUIRED, .aux = sched_policies),
  JW_F (oci_scheduler, "nice", JW_INT32, nice),
  JW_F (oci_scheduler, "priority", JW_INT32, priority),
  JW_F (oci_scheduler, "flags", JW_FLAGS, flags, .aux = sched_flags),
  JW_F (oci_scheduler, "runtime", JW_UINT64, runtime),
  JW_F (oci_scheduler, "deadline", JW_UINT64, deadline),
  JW_F (oci_scheduler, "period", JW_UINT64, period),
  JW_END,
};
static const jw_struct scheduler_struct = { .size = sizeof (oci_scheduler), .fields = scheduler_fields };

/* Flattened into oci_process. */
static const jw_field console_size_fields[] = {
  JW_F (oci_process, "height", JW_UINT64, console_height, .flags = JW_REQUIRED),
  JW_F (oci_process, "width", JW_UINT64, console_width, .flags = JW_REQUIRED),
  JW_END,
};
static const jw_struct console_size_struct = { .size = sizeof (oci_process), .fields = console_size_fields };

static const jw_field io_priority_fields[] = {
  JW_F (oci_process, "class", JW_ENUM, io_priority_class, .flags = JW_REQUIRED, .aux = ioprio_classes),
  JW_F (oci_process, "priority", JW_INT32, io_priority),
  JW_END,
};
static const jw_struct io_priority_struct = { .size = sizeof (oci_process), .fields = io_priority_fields };

static int
check_cpu_affinity (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_process *p = obj;
  (void) node;
  if (p->exec_cpu_affinity_initial && !oci_chars_in (p->exec_cpu_affinity_initial, "0123456789, -"))
    return jw_fail (ctx, "initial", "invalid CPU list \"%s\"", p->exec_cpu_affinity_initial);
  if (p->exec_cpu_affinity_final && !oci_chars_in (p->exec_cpu_affinity_final, "0123456789, -"))
    return jw_fail (ctx, "final", "invalid CPU list \"%s\"", p->exec_cpu_affinity_final);
  return 0;
}

static const jw_field cpu_affinity_fields[] = {
  JW_F (oci_process, "initial", JW_STRING, exec_cpu_affinity_initial),
  JW_F (oci_process, "final", JW_STRING, exec_cpu_affinity_final),
  JW_END,
};
static const jw_struct cpu_affinity_struct
    = { .size = sizeof (oci_process), .fields = cpu_affinity_fields, .check = check_cpu_affinity };

static int
check_process (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_process *p = obj;
  (void) node;
  if (!jw_is_absolute (p->cwd))
    return jw_fail (ctx, "cwd", "must be an absolute path, got \"%s\"", p->cwd);
  if (p->args.len == 0)
    return jw_fail (ctx, "args", "must contain at least one element");
  for (size_t i = 0; i < p->rlimits_len; i++)
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[i].resource == p->rlimits[j].resource)
        return jw_fail_index (ctx, "rlimits", i, "duplicate rlimit type \"%s\"", p->rlimits[i].type);
  return 0;
}

static const jw_field process_fields[] = {
  JW_F (oci_process, "terminal", JW_BOOL, terminal),
  { .key = "consoleSize", .kind = JW_OBJECT, .flags = JW_HAS, .has = offsetof (oci_process, has_console_size),
    .aux = &console_size_struct },
  JW_F (oci_process, "user", JW_OBJECT, user, .aux = &user_struct),
  JW_F (oci_process, "args", JW_STRV, args, .flags = JW_REQUIRED),
  JW_F (oci_process, "commandLine", JW_STRING, command_line),
  JW_F (oci_process, "env", JW_STRV, env),
  JW_F (oci_process, "cwd", JW_STRING, cwd, .flags = JW_REQUIRED),
  JW_F (oci_process, "capabilities", JW_OBJECT, capabilities, .flags = JW_ALLOC, .aux = &capabilities_struct),
  JW_F (oci_process, "rlimits", JW_ARRAY, rlimits, .aux = &rlimit_struct),
  JW_F (oci_process, "noNewPrivileges", JW_BOOL, no_new_privileges),
  JW_F (oci_process, "apparmorProfile", JW_STRING, apparmor_profile),
  JW_FH (oci_process, "oomScoreAdj", JW_INT32, oom_score_adj, has_oom_score_adj),
  JW_F (oci_process, "selinuxLabel", JW_STRING, selinux_label),
  { .key = "ioPriority", .kind = JW_OBJECT, .flags = JW_HAS, .has = offsetof (oci_process, has_io_priority),
    .aux = &io_priority_struct },
  JW_F (oci_process, "scheduler", JW_OBJECT, scheduler, .flags = JW_ALLOC, .aux = &scheduler_struct),
  { .key = "execCPUAffinity", .kind = JW_OBJECT, .aux = &cpu_affinity_struct },
  JW_END,
};
static const jw_struct process_struct = { .size = sizeof (oci_process), .fields = process_fields, .check = check_process };

/* --- the document ------------------------------------------------------------------- */

/* A SemVer 2.0.0 numeric identifier: digits, no leading zero. */
static const char *
semver_number (const char *s, unsigned long *value)
{
  const char *start = s;
  *value = 0;
  while (*s >= '0' && *s <= '9')
    {
      if (*value > 1000000)
        return NULL;
      *value = *value * 10 + (unsigned long) (*s++ - '0');
    }
  if (s == start || (start[0] == '0' && s - start > 1))
    return NULL;
  return s;
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]. */
static bool
semver_identifiers (const char *s)
{
  static const char chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";
  size_t n;
  do
    {
      n = strspn (s, chars);
      if (n == 0)
        return false;
      s += n;
    }
  while (*s++ == '.');
  return s[-1] == '\0';
}

static bool
semver_valid (const char *v, unsigned long *major)
{
  unsigned long minor, patch;
  const char *s = semver_number (v, major);
  size_t pre;

  if (s == NULL || *s++ != '.' || (s = semver_number (s, &minor)) == NULL || *s++ != '.'
      || (s = semver_number (s, &patch)) == NULL)
    return false;
  if (*s == '\0')
    return true;
  if (*s != '-' && *s != '+')
    return false;
  pre = strcspn (s + 1, "+");
  if (*s == '-' && s[1 + pre] == '+')
    {
      cleanup_free char *prerelease = strndup (s + 1, pre);
      if (prerelease == NULL || !semver_identifiers (prerelease))
        return false;
      s += 1 + pre;
    }
  return semver_identifiers (s + 1);
}

static int
check_config (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_config *c = obj;
  unsigned long major = 0;
  (void) node;
  if (!semver_valid (c->oci_version, &major))
    return jw_fail (ctx, "ociVersion", "\"%s\" is not a SemVer 2.0.0 version", c->oci_version);
  /* 0.x drafts share the 1.x layout (the spec's own example is 0.5.0-dev);
   * a new major version would not. */
  if (major > 1)
    return jw_fail (ctx, "ociVersion", "unsupported major version in \"%s\" (expected 1.x)", c->oci_version);
  return 0;
}

static const jw_field config_fields[] = {
  JW_F (oci_config, "ociVersion", JW_STRING, oci_version, .flags = JW_REQUIRED),
  { .key = "root", .kind = JW_OBJECT, .aux = &root_struct },
  JW_F (oci_config, "hostname", JW_STRING, hostname),
  JW_F (oci_config, "domainname", JW_STRING, domainname),
  JW_F (oci_config, "mounts", JW_ARRAY, mounts, .aux = &mount_struct),
  JW_F (oci_config, "process", JW_OBJECT, process, .flags = JW_ALLOC, .aux = &process_struct),
  { .key = "hooks", .kind = JW_OBJECT, .aux = &hooks_struct },
  JW_F (oci_config, "annotations", JW_MAP, annotations),
  JW_F (oci_config, "linux", JW_OBJECT, linux, .flags = JW_ALLOC, .aux = &oci_linux_struct),
  JW_END,
};
static const jw_struct config_struct = { .size = sizeof (oci_config), .fields = config_fields, .check = check_config };

int
oci_config_parse_data (const char *name, const char *data, size_t len, oci_config **out, ocirun_error_t *err)
{
  void *obj = NULL;

  if (jw_parse_document (name, data, len, &config_struct, &obj, err) < 0)
    return -1;
  *out = obj;
  return 0;
}

int
oci_process_parse_data (const char *name, const char *data, size_t len, oci_process **out, ocirun_error_t *err)
{
  void *obj = NULL;

  if (jw_parse_document (name, data, len, &process_struct, &obj, err) < 0)
    return -1;
  *out = obj;
  return 0;
}

/* The whole file, NUL-terminated for jw_parse_text. */
static int
read_file (const char *path, char **data, size_t *len, ocirun_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t size = 0, used = 0;
  ssize_t n;

  if (fd < 0)
    return ocirun_error (err, errno, "open `%s`", path);
  do
    {
      if (used + 1 >= size)
        {
          char *bigger = realloc (buf, size = size ? size * 2 : 16384);
          if (bigger == NULL)
            return ocirun_error (err, errno, "read `%s`", path);
          buf = bigger;
        }
      n = read (fd, buf + used, size - used - 1);
      if (n < 0 && errno != EINTR)
        return ocirun_error (err, errno, "read `%s`", path);
      used += n > 0 ? (size_t) n : 0;
    }
  while (n != 0);
  buf[used] = '\0';
  *data = steal_pointer (&buf);
  *len = used;
  return 0;
}

static int
parse_file (const char *path, const jw_struct *root, void **out, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;

  if (read_file (path, &data, &len, err) < 0)
    return -1;
  return jw_parse_text (path, data, len, root, out, err);
}

int
oci_config_parse_file (const char *path, oci_config **out, ocirun_error_t *err)
{
  void *obj = NULL;

  if (parse_file (path, &config_struct, &obj, err) < 0)
    return -1;
  *out = obj;
  return 0;
}

int
oci_process_parse_file (const char *path, oci_process **out, ocirun_error_t *err)
{
  void *obj = NULL;

  if (parse_file (path, &process_struct, &obj, err) < 0)
    return -1;
  *out = obj;
  return 0;
}

void
oci_config_free (oci_config *config)
{
  jw_free (&config_struct, config);
}

void
oci_process_free (oci_process *process)
{
  jw_free (&process_struct, process);
}
