/* Which hierarchy holds a controller for this container, and writing and
 * reading the files of the container's cgroup directories. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/utils.h"
#include "internal.h"
#include "resources.h"

static const char *
dir_under (char **dirs, const char *mountpoint)
{
  size_t len = strlen (mountpoint);

  for (char **d = dirs; d && *d; d++)
    if (strncmp (*d, mountpoint, len) == 0 && (*d)[len] == '/')
      return *d;
  return NULL;
}

/* Whether the space-separated list `list` has the word `word`. */
static bool
word_in (const char *list, const char *word)
{
  size_t len = strlen (word);

  for (const char *p = list; (p = strstr (p, word)); p += len)
    if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
      return true;
  return false;
}

const char *
cgroup_v2_dir (char **dirs)
{
  cleanup_free char *mnt = NULL, *root = NULL;
  ocirun_error_t err = NULL;

  if (cgroup_find_mount ("cgroup2", NULL, &mnt, &root, &err) < 0)
    {
      ocirun_error_release (&err);
      return NULL;
    }
  return mnt ? dir_under (dirs, mnt) : NULL;
}

int
cgroup_controller_dir (char **dirs, const char *controller, const char **dir, bool *v2, ocirun_error_t *err)
{
  cleanup_free char *mnt = NULL, *root = NULL, *offered = NULL;

  *dir = NULL;
  *v2 = false;
  if (cgroup_find_mount ("cgroup", controller, &mnt, &root, err) < 0)
    return -1;
  if (mnt)
    {
      *dir = dir_under (dirs, mnt);
      return 0;
    }
  if (cgroup_find_mount ("cgroup2", NULL, &mnt, &root, err) < 0)
    return -1;
  if (mnt == NULL || cgroup_read (mnt, "cgroup.controllers", &offered, err) < 0)
    return mnt == NULL ? 0 : -1;
  if (word_in (offered, controller))
    {
      *dir = dir_under (dirs, mnt);
      *v2 = *dir != NULL;
    }
  return 0;
}

int
cgroup_require_controller (char **dirs, const char *controller, const char *why, const char **dir, bool *v2,
                           ocirun_error_t *err)
{
  if (cgroup_controller_dir (dirs, controller, dir, v2, err) < 0)
    return -1;
  if (*dir == NULL)
    return ocirun_error (err, 0,
                         "the config sets %s, but the `%s` cgroup controller is not available "
                         "(not mounted as cgroup v1, not offered by the cgroup2 hierarchy)",
                         why, controller);
  if (*v2)
    {
      cleanup_free char *enabled = NULL;
      if (cgroup_read (*dir, "cgroup.controllers", &enabled, err) < 0)
        return -1;
      if (!word_in (enabled, controller))
        return ocirun_error (err, 0,
                             "the config sets %s, but the `%s` controller could not be enabled for `%s` "
                             "(an ancestor cgroup with processes of its own cannot delegate it)",
                             why, controller, *dir);
    }
  return 0;
}

/* Controllers must be in every ancestor's subtree_control for their files
 * to appear in `dir`.  runc enables all of them; a level that refuses
 * (processes of its own, on a non-root level) is left as it is: what the
 * config needs is then reported missing. */
int
cgroup_v2_enable (const char *dir, ocirun_error_t *err)
{
  cleanup_free char *mnt = NULL, *root = NULL, *offered = NULL, *path = NULL;
  size_t len;

  if (cgroup_find_mount ("cgroup2", NULL, &mnt, &root, err) < 0)
    return -1;
  if (mnt == NULL || cgroup_read (mnt, "cgroup.controllers", &offered, err) < 0)
    return mnt == NULL ? 0 : -1;
  path = strdup (dir);
  if (path == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  len = strlen (mnt);
  for (char *p = path + len; p && *p; p = strchr (p + 1, '/'))
    {
      char saved = *p;
      *p = '\0';
      for (char *c = strtok (offered, " \n"); c; c = strtok (NULL, " \n"))
        {
          ocirun_error_t ignored = NULL;
          if (cgroup_writef (path, "cgroup.subtree_control", &ignored, "+%s", c) < 0)
            ocirun_error_release (&ignored);
        }
      *p = saved;
      free (offered);
      offered = NULL;
      if (cgroup_read (mnt, "cgroup.controllers", &offered, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_write (const char *dir, const char *file, const char *value, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, value, strlen (value)) < 0)
    return ocirun_error (err, errno, "write `%s` to `%s`", value, path);
  return 0;
}

int
cgroup_writef (const char *dir, const char *file, ocirun_error_t *err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (r < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return cgroup_write (dir, file, value, err);
}

int
cgroup_write_int (const char *dir, const char *file, int64_t value, ocirun_error_t *err)
{
  return cgroup_writef (dir, file, err, "%lld", (long long) value);
}

int
cgroup_read (const char *dir, const char *file, char **out, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return read_file (path, out, NULL, err);
}

bool
cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return false;
  return access (path, F_OK) == 0;
}
