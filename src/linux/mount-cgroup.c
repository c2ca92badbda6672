/* Mount entries of type cgroup and cgroup2, shaped as runc shapes them:
 * cgroup2 is mounted as such (a bind of the container's own cgroup when
 * the kernel refuses, e.g. a user namespace without a cgroup namespace);
 * cgroup on a v1 or hybrid host is a tmpfs holding one mount per v1
 * hierarchy: a fresh cgroup mount inside a cgroup namespace, otherwise a
 * bind of the container's own cgroup directory of that hierarchy. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

struct v1_hierarchy
{
  char *mountpoint;  /* host path, e.g. /sys/fs/cgroup/cpu */
  char *root;        /* the mount's root inside the hierarchy */
  char *controllers; /* super options without rw/ro: "cpu", "name=systemd" */
};

static bool
list_has (const char *list, const char *item, size_t item_len)
{
  for (const char *p = list; p && *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == item_len && strncmp (p, item, item_len) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* The container's own path in the hierarchy whose mount options are
 * `controllers` ("0::" lines for cgroup2 when controllers is NULL). */
static char *
own_cgroup_path (const char *controllers, ocirun_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t n = 0;

  if (f == NULL)
    {
      ocirun_error (err, errno, "open `/proc/self/cgroup`");
      return NULL;
    }
  while (getline (&line, &n, f) > 0)
    {
      char *ctrl = strchr (line, ':'), *path;
      bool match = true;

      if (ctrl == NULL || (path = strchr (++ctrl, ':')) == NULL)
        continue;
      *path++ = '\0';
      path[strcspn (path, "\n")] = '\0';
      if (controllers == NULL)
        match = *ctrl == '\0';
      else if (*ctrl == '\0')
        match = false;
      for (char *p = ctrl; controllers && match && *p;)
        {
          char *end = strchrnul (p, ',');
          match = list_has (controllers, p, end - p);
          p = *end ? end + 1 : end;
        }
      if (match)
        return strdup (path);
    }
  ocirun_error (err, 0, "no cgroup of `%s` in /proc/self/cgroup", controllers ? controllers : "cgroup2");
  return NULL;
}

static void
v1_hierarchies_free (struct v1_hierarchy *h, size_t len)
{
  for (size_t i = 0; i < len; i++)
    {
      free (h[i].mountpoint);
      free (h[i].root);
      free (h[i].controllers);
    }
  free (h);
}

/* Drop rw/ro from a cgroup mount's super options. */
static char *
controllers_of (const char *super)
{
  char *out = calloc (1, strlen (super) + 1);

  for (const char *p = super; out && *p;)
    {
      const char *end = strchrnul (p, ',');
      if (!((end - p == 2) && (strncmp (p, "rw", 2) == 0 || strncmp (p, "ro", 2) == 0)))
        {
          if (*out)
            strcat (out, ",");
          strncat (out, p, end - p);
        }
      p = *end ? end + 1 : end;
    }
  return out;
}

/* One mountinfo line of fstype "cgroup": fields 4 (root), 5 (mount
 * point) and the super options after " - cgroup SOURCE ". */
static int
parse_v1_line (char *line, struct v1_hierarchy *h)
{
  char *sep = strstr (line, " - cgroup ");
  char *fields[5], *save = NULL, *super;
  int i = 0;

  if (sep == NULL)
    return 0;
  *sep = '\0';
  super = strchr (sep + strlen (" - cgroup "), ' ');
  if (super == NULL)
    return 0;
  super++;
  super[strcspn (super, "\n")] = '\0';
  for (char *t = strtok_r (line, " ", &save); t && i < 5; t = strtok_r (NULL, " ", &save))
    fields[i++] = t;
  if (i < 5)
    return 0;
  h->root = strdup (fields[3]);
  h->mountpoint = strdup (fields[4]);
  h->controllers = controllers_of (super);
  return h->root && h->mountpoint && h->controllers ? 1 : -1;
}

static int
read_v1_hierarchies (struct v1_hierarchy **out, size_t *out_len, ocirun_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  struct v1_hierarchy *list = NULL;
  size_t len = 0, n = 0;

  if (f == NULL)
    return ocirun_error (err, errno, "open `/proc/self/mountinfo`");
  while (getline (&line, &n, f) > 0)
    {
      struct v1_hierarchy h = { 0 };
      struct v1_hierarchy *grown;
      int r = parse_v1_line (line, &h);

      if (r == 0)
        continue;
      grown = r > 0 ? realloc (list, (len + 1) * sizeof (*list)) : NULL;
      if (grown == NULL)
        {
          free (h.mountpoint), free (h.root), free (h.controllers);
          v1_hierarchies_free (list, len);
          return ocirun_error (err, ENOMEM, "read `/proc/self/mountinfo`");
        }
      list = grown;
      list[len++] = h;
    }
  *out = list;
  *out_len = len;
  return 0;
}

/* The host directory of the container's own cgroup in a hierarchy
 * mounted at `mountpoint` whose mount root is `root`. */
static char *
own_cgroup_dir (const char *mountpoint, const char *root, const char *controllers, ocirun_error_t *err)
{
  cleanup_free char *own = own_cgroup_path (controllers, err);
  size_t root_len = strcmp (root, "/") == 0 ? 0 : strlen (root);
  char *dir = NULL;

  if (own == NULL)
    return NULL;
  if (root_len && strncmp (own, root, root_len) == 0)
    memmove (own, own + root_len, strlen (own + root_len) + 1);
  if (asprintf (&dir, "%s%s", mountpoint, own) < 0)
    ocirun_error (err, ENOMEM, "cgroup path");
  return dir;
}

static int
mount_one_v1 (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
              const struct v1_hierarchy *h, ocirun_error_t *err)
{
  const char *name = strrchr (h->mountpoint, '/') + 1;
  cleanup_free char *dest = NULL;
  cleanup_free char *source = NULL;
  struct mount_opts sub = *opts;
  oci_mount sm = { .type = "cgroup", .source = "cgroup" };

  if (asprintf (&dest, "%s/%s", m->destination, name) < 0)
    return ocirun_error (err, ENOMEM, "cgroup mount");
  sm.destination = dest;
  sub.propagation_len = 0;
  if (ctx->has_cgroupns)
    {
      sub.data = h->controllers;
      return mount_filesystem (ctx, &sm, &sub, err);
    }
  source = own_cgroup_dir (h->mountpoint, h->root, h->controllers, err);
  if (source == NULL)
    return -1;
  sm.source = source;
  sub.flags |= MS_BIND | MS_REC;
  sub.data = NULL;
  return mount_bind (ctx, &sm, &sub, err);
}

/* Comounted controllers ("cpu,cpuacct") get one symlink per controller. */
static int
link_comounts (int dir_fd, const char *name, ocirun_error_t *err)
{
  if (strchr (name, ',') == NULL)
    return 0;
  for (const char *p = name; *p;)
    {
      const char *end = strchrnul (p, ',');
      cleanup_free char *link = strndup (p, end - p);
      if (link == NULL)
        return ocirun_error (err, ENOMEM, "cgroup symlink");
      if (symlinkat (name, dir_fd, link) < 0 && errno != EEXIST)
        return ocirun_error (err, errno, "symlink `%s` -> `%s`", link, name);
      p = *end ? end + 1 : end;
    }
  return 0;
}

static int
mount_cgroup_v1 (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                 ocirun_error_t *err)
{
  struct v1_hierarchy *list = NULL;
  size_t len = 0;
  struct mount_opts tmp = { .flags = opts->flags & ~(MS_RDONLY | MS_BIND | MS_REC), .data = (char *) "mode=755" };
  oci_mount tm = { .destination = m->destination, .type = "tmpfs", .source = "tmpfs" };
  cleanup_close int dir = -1;
  int r = 0;

  if (mount_filesystem (ctx, &tm, &tmp, err) < 0 || read_v1_hierarchies (&list, &len, err) < 0)
    return -1;
  dir = path_open_in_root (ctx->root_fd, m->destination, PATH_NO_CREATE, false, err);
  if (dir < 0)
    r = -1;
  for (size_t i = 0; r == 0 && i < len; i++)
    if (mount_one_v1 (ctx, m, opts, &list[i], err) < 0
        || link_comounts (dir, strrchr (list[i].mountpoint, '/') + 1, err) < 0)
      r = -1;
  v1_hierarchies_free (list, len);
  if (r == 0 && (opts->flags & MS_RDONLY))
    r = mount_remount_bind (dir, m->destination, tmp.flags | MS_RDONLY, err);
  return r;
}

static int
mount_cgroup_v2 (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                 ocirun_error_t *err)
{
  oci_mount sm = { .destination = m->destination, .type = "cgroup2", .source = "cgroup2" };
  cleanup_free char *source = NULL;
  struct mount_opts sub = *opts;
  ocirun_error_t first = NULL;

  if (mount_filesystem (ctx, &sm, opts, &first) == 0)
    return 0;
  /* Without a cgroup namespace in a user namespace the kernel refuses a
   * fresh cgroup2 mount: show the container's own cgroup instead. */
  if (first->errnum != EPERM && first->errnum != EBUSY)
    {
      *err = first;
      return -1;
    }
  ocirun_error_release (&first);
  source = own_cgroup_dir ("/sys/fs/cgroup", "/", NULL, err);
  if (source == NULL)
    return -1;
  sm.source = source;
  sm.type = "bind";
  sub.flags |= MS_BIND | MS_REC;
  sub.data = NULL;
  return mount_bind (ctx, &sm, &sub, err);
}

static bool
host_is_cgroup2_only (void)
{
  struct statfs sfs;
  return statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int
mount_cgroup (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
              ocirun_error_t *err)
{
  if (strcmp (m->type, "cgroup2") == 0 || host_is_cgroup2_only ())
    return mount_cgroup_v2 (ctx, m, opts, err);
  return mount_cgroup_v1 (ctx, m, opts, err);
}
