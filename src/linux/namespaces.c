/* Namespaces: creating, joining by path, id maps, time offsets. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/namespaces.h"
#include "ocirun/utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int clone_flags[OCI_NS_COUNT] = {
  [OCI_NS_MOUNT] = CLONE_NEWNS,   [OCI_NS_PID] = CLONE_NEWPID,  [OCI_NS_NETWORK] = CLONE_NEWNET,
  [OCI_NS_UTS] = CLONE_NEWUTS,    [OCI_NS_IPC] = CLONE_NEWIPC,  [OCI_NS_USER] = CLONE_NEWUSER,
  [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

int
ns_clone_flag (int type)
{
  return type >= 0 && type < OCI_NS_COUNT ? clone_flags[type] : 0;
}

static const oci_namespace *
ns_find (const oci_config *config, int type)
{
  if (config->linux == NULL)
    return NULL;
  for (size_t i = 0; i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == type)
      return &config->linux->namespaces[i];
  return NULL;
}

bool
ns_has (const oci_config *config, int type)
{
  return ns_find (config, type) != NULL;
}

int
ns_new_flags (const oci_config *config)
{
  int flags = 0;

  if (config->linux == NULL)
    return 0;
  for (size_t i = 0; i < config->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = &config->linux->namespaces[i];
      if (ns->path == NULL || ns->path[0] == '\0')
        flags |= ns_clone_flag (ns->type);
    }
  return flags;
}

bool
ns_needs_intermediate (const oci_config *config)
{
  if (config->linux == NULL)
    return false;
  for (size_t i = 0; i < config->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = &config->linux->namespaces[i];
      if ((ns->path && ns->path[0]) || ns->type == OCI_NS_TIME)
        return true;
    }
  return false;
}

int
ns_open_paths (const oci_config *config, int fds[OCI_NS_COUNT], ocirun_error_t *err)
{
  for (int t = 0; t < OCI_NS_COUNT; t++)
    fds[t] = -1;
  if (config->linux == NULL)
    return 0;
  for (size_t i = 0; i < config->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = &config->linux->namespaces[i];
      if (ns->path == NULL || ns->path[0] == '\0')
        continue;
      fds[ns->type] = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fds[ns->type] < 0)
        return ocirun_error (err, errno, "open %s namespace `%s`", oci_ns_type_name (ns->type), ns->path);
    }
  return 0;
}

static int
ns_join_one (int fds[OCI_NS_COUNT], int type, ocirun_error_t *err)
{
  if (fds[type] < 0)
    return 0;
  if (setns (fds[type], ns_clone_flag (type)) < 0)
    return ocirun_error (err, errno, "join %s namespace", oci_ns_type_name (type));
  close (fds[type]);
  fds[type] = -1;
  return 0;
}

int
ns_join_opened (const oci_config *config, int fds[OCI_NS_COUNT], ocirun_error_t *err)
{
  (void) config;
  /* The user namespace first: it grants the capabilities in the others. */
  if (ns_join_one (fds, OCI_NS_USER, err) < 0)
    return -1;
  for (int t = 0; t < OCI_NS_COUNT; t++)
    if (ns_join_one (fds, t, err) < 0)
      return -1;
  return 0;
}

static int
write_map (pid_t pid, const char *file, const oci_id_mapping *m, size_t n, ocirun_error_t *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  size_t len = 0;
  FILE *out;
  cleanup_close int fd = -1;

  if (n == 0)
    return 0;
  out = open_memstream (&buf, &len);
  if (out == NULL)
    return ocirun_error (err, errno, "allocate");
  for (size_t i = 0; i < n; i++)
    fprintf (out, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  fclose (out);
  snprintf (path, sizeof (path), "/proc/%d/%s", (int) pid, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, buf, len) < 0)
    return ocirun_error (err, errno, "write `%s`", path);
  return 0;
}

int
ns_write_id_maps (pid_t pid, const oci_linux *l, ocirun_error_t *err)
{
  if (l == NULL)
    return 0;
  if (write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  /* As runc: only an unprivileged writer must deny setgroups before it may
   * write gid_map; with CAP_SETGID over the parent namespace it stays
   * allowed, so the container can still set its additional groups. */
  if (geteuid () != 0 && l->gid_mappings_len > 0)
    {
      char path[64];
      cleanup_close int fd = -1;
      snprintf (path, sizeof (path), "/proc/%d/setgroups", (int) pid);
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write_all (fd, "deny", 4) < 0)
        return ocirun_error (err, errno, "write `%s`", path);
    }
  return write_map (pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err);
}

int
ns_write_time_offsets (const oci_linux *l, ocirun_error_t *err)
{
  char buf[128];
  int n = 0;
  cleanup_close int fd = -1;

  if (l == NULL || (!l->time_monotonic.present && !l->time_boottime.present))
    return 0;
  if (l->time_monotonic.present)
    n += snprintf (buf + n, sizeof (buf) - n, "monotonic %lld %u\n", (long long) l->time_monotonic.secs,
                   l->time_monotonic.nanosecs);
  if (l->time_boottime.present)
    n += snprintf (buf + n, sizeof (buf) - n, "boottime %lld %u\n", (long long) l->time_boottime.secs,
                   l->time_boottime.nanosecs);
  fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "open `/proc/self/timens_offsets`");
  /* One write per clock: the kernel parses a single line per write. */
  for (char *line = buf, *nl; (nl = strchr (line, '\n')); line = nl + 1)
    if (write (fd, line, nl - line + 1) < 0)
      return ocirun_error (err, errno, "write time offsets `%.*s`", (int) (nl - line), line);
  return 0;
}
