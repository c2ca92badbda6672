/* Cgroup placement shared by v1 and v2: where the container's
 * directories are, creating them, moving a process in, removing them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"
#include "internal.h"

static bool
options_hold (const char *super_opts, const char *controllers)
{
  cleanup_free char *want = strdup (controllers);
  char *save = NULL;

  if (want == NULL)
    return false;
  for (char *c = strtok_r (want, ",", &save); c; c = strtok_r (NULL, ",", &save))
    {
      size_t len = strlen (c);
      const char *p = super_opts;
      bool found = false;
      while (!found && (p = strstr (p, c)))
        {
          found = (p == super_opts || p[-1] == ',') && (p[len] == ',' || p[len] == '\0' || p[len] == '\n');
          p += len;
        }
      if (!found)
        return false;
    }
  return true;
}

/* mountinfo: "id parent maj:min root mountpoint opts [tags] - fstype source super" */
static int
parse_mountinfo_line (char *line, char **root, char **mnt, char **fstype, char **super)
{
  char *f[5] = { 0 }, *save = NULL, *sep;
  int i = 0;

  sep = strstr (line, " - ");
  if (sep == NULL)
    return -1;
  *sep = '\0';
  for (char *t = strtok_r (line, " ", &save); t && i < 5; t = strtok_r (NULL, " ", &save))
    f[i++] = t;
  if (i < 5)
    return -1;
  *root = f[3];
  *mnt = f[4];
  save = NULL;
  *fstype = strtok_r (sep + 3, " ", &save);
  strtok_r (NULL, " ", &save);
  *super = strtok_r (NULL, " \n", &save);
  return *fstype && *super ? 0 : -1;
}

/* Lookups in a mountinfo text read once by the caller: a host has a
 * hierarchy per v1 controller, and each read of mountinfo costs a walk
 * of the whole mount table in the kernel. */
int
cgroup_find_mount_in (const char *mountinfo, const char *fstype, const char *controllers, char **mnt, char **root,
                      ocirun_error_t *err)
{
  cleanup_free char *data = strdup (mountinfo);
  char *save = NULL;

  *mnt = *root = NULL;
  if (data == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  for (char *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *r, *m, *t, *s;
      if (parse_mountinfo_line (line, &r, &m, &t, &s) < 0 || strcmp (t, fstype) != 0)
        continue;
      if (controllers && !options_hold (s, controllers))
        continue;
      *mnt = strdup (m);
      *root = strdup (r);
      if (*mnt == NULL || *root == NULL)
        return ocirun_error (err, ENOMEM, "allocate");
      return 0;
    }
  return 0;
}

/* One read per command and mount namespace: each read walks the whole
 * mount table in the kernel, and create used to read it six times. */
static struct
{
  ino_t mnt_ns;
  char *text;
} mountinfo_cache;

int
cgroup_mountinfo (const char **text, ocirun_error_t *err)
{
  struct stat ns;

  if (stat ("/proc/self/ns/mnt", &ns) < 0)
    return ocirun_error (err, errno, "stat `/proc/self/ns/mnt`");
  if (mountinfo_cache.text == NULL || mountinfo_cache.mnt_ns != ns.st_ino)
    {
      char *data = NULL;
      if (read_file ("/proc/self/mountinfo", &data, NULL, err) < 0)
        return -1;
      free (mountinfo_cache.text);
      mountinfo_cache.text = data;
      mountinfo_cache.mnt_ns = ns.st_ino;
    }
  *text = mountinfo_cache.text;
  return 0;
}

int
cgroup_find_mount (const char *fstype, const char *controllers, char **mnt, char **root, ocirun_error_t *err)
{
  const char *data;

  *mnt = *root = NULL;
  if (cgroup_mountinfo (&data, err) < 0)
    return -1;
  return cgroup_find_mount_in (data, fstype, controllers, mnt, root, err);
}

bool
cgroup_line_split (char *line, char **controllers, char **path)
{
  char *ctrl = strchr (line, ':'), *p;

  if (ctrl == NULL || (p = strchr (ctrl + 1, ':')) == NULL)
    return false;
  *p++ = '\0';
  *controllers = ctrl + 1;
  *path = p;
  return true;
}

int
cgroup_own_path (const char *controllers, char **path, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  char *save = NULL;

  if (read_file ("/proc/self/cgroup", &data, NULL, err) < 0)
    return -1;
  for (char *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *ctrl, *p;
      if (!cgroup_line_split (line, &ctrl, &p))
        continue;
      if (strcmp (ctrl, controllers) == 0)
        {
          *path = strdup (p);
          return *path ? 0 : ocirun_error (err, ENOMEM, "allocate");
        }
    }
  *path = strdup ("/");
  return *path ? 0 : ocirun_error (err, ENOMEM, "allocate");
}

char *
cgroup_strip_root (const char *own, const char *root)
{
  size_t len = strlen (root);

  if (strcmp (root, "/") != 0 && strncmp (own, root, len) == 0 && (own[len] == '/' || own[len] == '\0'))
    own += len;
  return strdup (*own ? own : "/");
}

static int
all_mounts (struct cgroup_mount **out, size_t *n, ocirun_error_t *err)
{
  struct cgroup_mount v2 = { 0 }, *grown;
  int r;

  if (cgroup_v1_mounts (out, n, err) < 0)
    return -1;
  r = cgroup_v2_mount (&v2, err);
  if (r < 0)
    return -1;
  if (r == 1)
    return 0;
  grown = realloc (*out, (*n + 1) * sizeof (**out));
  if (grown == NULL)
    return ocirun_error (err, errno, "allocate");
  /* cgroup2 first: it lists the processes without v1's per-thread quirks. */
  memmove (grown + 1, grown, *n * sizeof (*grown));
  grown[0] = v2;
  *out = grown;
  (*n)++;
  return 0;
}

/* runc's rule: an absolute cgroupsPath is under the hierarchy's root, a
 * relative one (or the id when absent) under our own cgroup. */
static char *
container_dir (const struct cgroup_mount *m, const char *cgroups_path, const char *id)
{
  const char *rel = cgroups_path && *cgroups_path ? cgroups_path : id;
  const char *base = rel[0] == '/' ? "" : m->own;
  char *out = NULL;

  if (strcmp (base, "/") == 0)
    base = "";
  if (asprintf (&out, "%s%s%s%s", m->mountpoint, base, rel[0] == '/' ? "" : "/", rel) < 0)
    return NULL;
  return out;
}

int
cgroup_resolve (const char *cgroups_path, const char *id, char ***dirs, ocirun_error_t *err)
{
  struct cgroup_mount *mounts = NULL;
  size_t n = 0;
  cleanup_strv char **out = NULL;

  if (cgroups_path && strstr (cgroups_path, ".."))
    return ocirun_error (err, 0, "invalid cgroupsPath `%s`: `..` is not allowed", cgroups_path);
  if (all_mounts (&mounts, &n, err) < 0)
    return -1;
  out = calloc (n + 1, sizeof (char *));
  for (size_t i = 0; out && i < n; i++)
    if ((out[i] = container_dir (&mounts[i], cgroups_path, id)) == NULL)
      break;
  cgroup_mounts_free (mounts, n);
  if (out == NULL || (n > 0 && out[n - 1] == NULL))
    return ocirun_error (err, ENOMEM, "allocate");
  *dirs = steal_pointer (&out);
  return 0;
}

int
cgroup_create (char **dirs, ocirun_error_t *err)
{
  for (char **d = dirs; *d; d++)
    {
      if (mkdir_p (*d, 0755, err) < 0 || cgroup_v1_cpuset_init (*d, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_enter (char **dirs, pid_t pid, ocirun_error_t *err)
{
  char buf[32];
  int len = snprintf (buf, sizeof (buf), "%d", (int) pid);

  for (char **d = dirs; *d; d++)
    {
      cleanup_free char *path = NULL;
      cleanup_close int fd = -1;
      if (asprintf (&path, "%s/cgroup.procs", *d) < 0)
        return ocirun_error (err, ENOMEM, "allocate");
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write_all (fd, buf, len) < 0)
        return ocirun_error (err, errno, "add pid %d to `%s`", (int) pid, path);
    }
  return 0;
}

int
cgroup_pids (char **dirs, pid_t **pids, size_t *n, ocirun_error_t *err)
{
  cleanup_free char *path = NULL, *data = NULL;
  cleanup_free pid_t *out = NULL;
  size_t count = 0;
  char *save = NULL;

  *pids = NULL;
  *n = 0;
  if (dirs[0] == NULL)
    return 0;
  if (asprintf (&path, "%s/cgroup.procs", dirs[0]) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (read_file (path, &data, NULL, err) < 0)
    return -1;
  for (char *l = strtok_r (data, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      pid_t *grown = realloc (out, (count + 1) * sizeof (*out));
      if (grown == NULL)
        return ocirun_error (err, errno, "allocate");
      out = grown;
      out[count++] = atoi (l);
    }
  *pids = steal_pointer (&out);
  *n = count;
  return 0;
}

static int
remove_cgroup_dir (const char *dir, ocirun_error_t *err)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;

  if (d == NULL)
    return errno == ENOENT ? 0 : ocirun_error (err, errno, "open `%s`", dir);
  while ((de = readdir (d)))
    {
      cleanup_free char *sub = NULL;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (asprintf (&sub, "%s/%s", dir, de->d_name) < 0)
        return ocirun_error (err, ENOMEM, "allocate");
      if (remove_cgroup_dir (sub, err) < 0)
        return -1;
    }
  /* Exiting processes leave the cgroup a moment after they are reaped. */
  for (int i = 0; i < 500; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      nanosleep (&(struct timespec){ 0, 2000000 }, NULL);
    }
  return ocirun_error (err, errno, "remove cgroup `%s`", dir);
}

int
cgroup_destroy (char **dirs, ocirun_error_t *err)
{
  int ret = 0;

  for (char **d = dirs; d && *d; d++)
    if (remove_cgroup_dir (*d, err) < 0)
      ret = -1;
  return ret;
}
