/* The default config.json, in runc's field order: see spec-default.h. */
#include "config.h"

#include <string.h>

#include "oci-spec/json-gen.h"
#include "oci-spec/spec-default.h"

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

struct default_mount
{
  const char *destination, *type, *source;
  const char *options[8]; /* NULL-terminated */
};

static const struct default_mount default_mounts[] = {
  { "/proc", "proc", "proc", { NULL } },
  { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
  { "/dev/pts", "devpts", "devpts", { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
  { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
  { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
  { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
  { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* Without CAP_SYS_ADMIN in the initial namespace a fresh sysfs cannot be
 * mounted in a rootless container when the network namespace is shared:
 * bind the host's instead. */
static const struct default_mount rootless_sys = {
  "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL }
};

static const char *const masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void
gen_process (json_gen *j)
{
  static const char *const args[] = { "sh", NULL };
  static const char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                     "TERM=xterm", NULL };
  static const char *const cap_sets[] = { "bounding", "effective", "permitted", "ambient", NULL };

  json_key (j, "process");
  json_map_open (j);
  json_key_bool (j, "terminal", true);
  json_key (j, "user");
  json_map_open (j);
  json_key_int (j, "uid", 0);
  json_key_int (j, "gid", 0);
  json_map_close (j);
  json_key_strv (j, "args", args, -1);
  json_key_strv (j, "env", env, -1);
  json_key_string (j, "cwd", "/");
  json_key (j, "capabilities");
  json_map_open (j);
  for (const char *const *set = cap_sets; *set; set++)
    json_key_strv (j, *set, default_caps, -1);
  json_map_close (j);
  json_key (j, "rlimits");
  json_array_open (j);
  json_map_open (j);
  json_key_string (j, "type", "RLIMIT_NOFILE");
  json_key_int (j, "hard", 1024);
  json_key_int (j, "soft", 1024);
  json_map_close (j);
  json_array_close (j);
  json_key_bool (j, "noNewPrivileges", true);
  json_map_close (j);
}

static void
gen_mount (json_gen *j, const struct default_mount *m, bool rootless)
{
  json_map_open (j);
  json_key_string (j, "destination", m->destination);
  json_key_string (j, "type", m->type);
  json_key_string (j, "source", m->source);
  if (m->options[0])
    {
      json_key (j, "options");
      json_array_open (j);
      for (const char *const *o = m->options; *o; o++)
        if (!rootless || strncmp (*o, "gid=", 4) != 0)
          json_string (j, *o);
      json_array_close (j);
    }
  json_map_close (j);
}

static void
gen_mounts (json_gen *j, bool rootless)
{
  json_key (j, "mounts");
  json_array_open (j);
  for (size_t i = 0; i < sizeof (default_mounts) / sizeof (default_mounts[0]); i++)
    {
      const struct default_mount *m = &default_mounts[i];
      if (rootless && strcmp (m->type, "sysfs") == 0)
        m = &rootless_sys;
      gen_mount (j, m, rootless);
    }
  json_array_close (j);
}

static void
gen_id_mapping (json_gen *j, const char *key, unsigned int host_id)
{
  json_key (j, key);
  json_array_open (j);
  json_map_open (j);
  json_key_int (j, "containerID", 0);
  json_key_int (j, "hostID", host_id);
  json_key_int (j, "size", 1);
  json_map_close (j);
  json_array_close (j);
}

static void
gen_namespaces (json_gen *j, bool rootless)
{
  static const char *const rootful[] = { "pid", "network", "ipc", "uts", "mount", NULL };
  static const char *const rootless_ns[] = { "pid", "ipc", "uts", "mount", "user", NULL };

  json_key (j, "namespaces");
  json_array_open (j);
  for (const char *const *ns = rootless ? rootless_ns : rootful; *ns; ns++)
    {
      json_map_open (j);
      json_key_string (j, "type", *ns);
      json_map_close (j);
    }
  json_array_close (j);
}

static void
gen_linux (json_gen *j, bool rootless, uid_t uid, gid_t gid)
{
  json_key (j, "linux");
  json_map_open (j);
  if (rootless)
    {
      gen_id_mapping (j, "uidMappings", uid);
      gen_id_mapping (j, "gidMappings", gid);
    }
  else
    {
      /* Deny every device; the runtime adds the standard ones itself. */
      json_key (j, "resources");
      json_map_open (j);
      json_key (j, "devices");
      json_array_open (j);
      json_map_open (j);
      json_key_bool (j, "allow", false);
      json_key_string (j, "access", "rwm");
      json_map_close (j);
      json_array_close (j);
      json_map_close (j);
    }
  gen_namespaces (j, rootless);
  json_key_strv (j, "maskedPaths", masked_paths, -1);
  json_key_strv (j, "readonlyPaths", readonly_paths, -1);
  json_map_close (j);
}

int
oci_spec_default_generate (bool rootless, uid_t uid, gid_t gid, char **out, size_t *len, ocirun_error_t *err)
{
  json_gen *j = json_gen_new ("\t");

  if (j)
    {
      json_map_open (j);
      json_key_string (j, "ociVersion", OCI_SPEC_VERSION);
      gen_process (j);
      json_key (j, "root");
      json_map_open (j);
      json_key_string (j, "path", "rootfs");
      json_key_bool (j, "readonly", true);
      json_map_close (j);
      json_key_string (j, "hostname", "ocirun");
      gen_mounts (j, rootless);
      gen_linux (j, rootless, uid, gid);
      json_map_close (j);
    }
  return json_gen_finish (j, false, "the default config.json", out, len, err);
}
