/* Mount entries of type cgroup and cgroup2, shaped as runc shapes them
 * (the hierarchies and our place in them come from src/cgroups):
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

#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

static char *
host_dir (const struct cgroup_mount *h)
{
  char *dir = NULL;

  if (asprintf (&dir, "%s%s", h->mountpoint, strcmp (h->own, "/") == 0 ? "" : h->own) < 0)
    return NULL;
  return dir;
}

static int
mount_one_v1 (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
              const struct cgroup_mount *h, ocirun_error_t *err)
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
  source = host_dir (h);
  if (source == NULL)
    return ocirun_error (err, ENOMEM, "cgroup mount");
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
  struct cgroup_mount *list = NULL;
  size_t len = 0;
  struct mount_opts tmp = { .flags = opts->flags & ~(MS_RDONLY | MS_BIND | MS_REC), .data = (char *) "mode=755" };
  oci_mount tm = { .destination = m->destination, .type = "tmpfs", .source = "tmpfs" };
  cleanup_close int dir = -1;
  int r = 0;

  if (mount_filesystem (ctx, &tm, &tmp, err) < 0 || cgroup_v1_mounts (&list, &len, err) < 0)
    return -1;
  dir = path_open_in_root (ctx->root_fd, m->destination, PATH_NO_CREATE, false, err);
  if (dir < 0)
    r = -1;
  /* /proc/self/cgroup lists hierarchies from the highest id down: mount
   * them the other way round, the order they are mounted on the host. */
  for (size_t i = len; r == 0 && i-- > 0;)
    if (mount_one_v1 (ctx, m, opts, &list[i], err) < 0
        || link_comounts (dir, strrchr (list[i].mountpoint, '/') + 1, err) < 0)
      r = -1;
  cgroup_mounts_free (list, len);
  if (r == 0 && (opts->flags & MS_RDONLY))
    r = mount_remount_bind (dir, m->destination, tmp.flags | MS_RDONLY, err);
  return r;
}

static int
mount_cgroup_v2 (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                 ocirun_error_t *err)
{
  oci_mount sm = { .destination = m->destination, .type = "cgroup2", .source = "cgroup2" };
  struct cgroup_mount h = { 0 };
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
  if (cgroup_v2_mount (&h, err) != 0)
    return err && *err ? -1 : ocirun_error (err, ENOENT, "no cgroup2 hierarchy to bind on `%s`", m->destination);
  source = host_dir (&h);
  free (h.mountpoint), free (h.own), free (h.controllers);
  if (source == NULL)
    return ocirun_error (err, ENOMEM, "cgroup mount");
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
