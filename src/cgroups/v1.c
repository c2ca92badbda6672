/* cgroup v1 hierarchies: one per line of /proc/self/cgroup with
 * controllers, each matched with its mount in /proc/self/mountinfo. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"
#include "internal.h"

void
cgroup_mounts_free (struct cgroup_mount *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (m[i].mountpoint);
      free (m[i].own);
      free (m[i].controllers);
    }
  free (m);
}

static int
add_hierarchy (struct cgroup_mount **out, size_t *n, const char *mountinfo, const char *controllers,
               const char *own, ocirun_error_t *err)
{
  cleanup_free char *mnt = NULL, *root = NULL;
  struct cgroup_mount *grown;

  if (cgroup_find_mount_in (mountinfo, "cgroup", controllers, &mnt, &root, err) < 0)
    return -1;
  if (mnt == NULL)
    return 0; /* listed but not mounted here: nothing to place into */
  grown = realloc (*out, (*n + 1) * sizeof (**out));
  if (grown == NULL)
    return ocirun_error (err, errno, "allocate");
  *out = grown;
  grown[*n].mountpoint = steal_pointer (&mnt);
  grown[*n].own = cgroup_strip_root (own, root);
  grown[*n].controllers = strdup (controllers);
  (*n)++;
  return 0;
}

int
cgroup_v1_mounts (struct cgroup_mount **out, size_t *n, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  const char *mountinfo;
  char *save = NULL;

  *out = NULL;
  *n = 0;
  if (read_file ("/proc/self/cgroup", &data, NULL, err) < 0 || cgroup_mountinfo (&mountinfo, err) < 0)
    return -1;
  for (char *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *ctrl, *path;
      if (!cgroup_line_split (line, &ctrl, &path))
        continue;
      if (*ctrl == '\0')
        continue; /* the cgroup2 line */
      if (add_hierarchy (out, n, mountinfo, ctrl, path, err) < 0)
        {
          cgroup_mounts_free (*out, *n);
          *out = NULL;
          *n = 0;
          return -1;
        }
    }
  return 0;
}

/* A new v1 cpuset directory starts with empty cpus and mems, and no
 * process may join it until both are set: fill every empty level from
 * its parent, top-down.  Directories without cpuset files are left alone. */
static int
cpuset_fill (const char *dir, const char *file, ocirun_error_t *err)
{
  cleanup_free char *path = NULL, *value = NULL, *parent = NULL;
  cleanup_close int fd = -1;
  char *slash;
  size_t len;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (access (path, F_OK) < 0)
    return 0;
  if (read_file (path, &value, &len, err) < 0)
    return -1;
  if (len > 0 && value[0] != '\n')
    return 0;
  parent = strdup (dir);
  if (parent == NULL || (slash = strrchr (parent, '/')) == NULL || slash == parent)
    return ocirun_error (err, 0, "no parent to copy `%s` from", path);
  *slash = '\0';
  if (cpuset_fill (parent, file, err) < 0)
    return -1;
  free (value);
  value = NULL;
  free (path);
  if (asprintf (&path, "%s/%s", parent, file) < 0 || read_file (path, &value, &len, err) < 0)
    return -1;
  free (path);
  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, value, len) < 0)
    return ocirun_error (err, errno, "write `%s`", path);
  return 0;
}

int
cgroup_v1_cpuset_init (const char *dir, ocirun_error_t *err)
{
  if (cpuset_fill (dir, "cpuset.cpus", err) < 0)
    return -1;
  return cpuset_fill (dir, "cpuset.mems", err);
}
