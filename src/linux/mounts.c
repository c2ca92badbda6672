/* One config.mounts entry, mounted inside the rootfs.  The destination is
 * resolved (and created) inside the rootfs first, and the mount goes onto
 * /proc/self/fd/N of that O_PATH fd, so the path is never walked again by
 * mount(2).  Follow-up operations (read-only remount of a bind, propagation,
 * recursive attributes) need the new mount itself: it is reopened and
 * checked to be a different mount than the one underneath. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/lsm.h"
#include "src/linux/internal.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

bool
path_is (const char *path, const char *want)
{
  /* Compare ignoring repeated and trailing slashes: "//dev/" is "/dev". */
  while (*path || *want)
    {
      while (*path == '/' && path[1] == '/')
        path++;
      if (*path == '/' && path[1] == '\0')
        path++;
      if (*path != *want)
        return false;
      if (*path == '\0')
        return true;
      path++;
      want++;
    }
  return true;
}

static int
fd_mount_id (int fd, uint64_t *mnt_id, bool *is_root)
{
  struct statx stx;

  if (statx (fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
    return -1;
  *mnt_id = stx.stx_mnt_id;
  *is_root = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  return 0;
}

int
mount_reopen (int root_fd, const char *path, int under_fd, ocirun_error_t *err)
{
  cleanup_close int fd = path_open_in_root (root_fd, path, PATH_NO_CREATE, false, err);
  uint64_t top_id, under_id;
  bool top_root, under_root;

  if (fd < 0)
    return -1;
  if (fd_mount_id (fd, &top_id, &top_root) < 0 || fd_mount_id (under_fd, &under_id, &under_root) < 0)
    return ocirun_error (err, errno, "statx `%s`", path);
  /* The path was swapped between the mount and now: refuse to act on
   * whatever it points to instead. */
  if (top_id == under_id || !top_root)
    return ocirun_error (err, EXDEV, "`%s` changed while it was being mounted", path);
  return steal_fd (&fd);
}

/* Per-mount flags the kernel will not let a remount drop (locked in a user
 * namespace): keep them as the source has them. */
static unsigned long
locked_flags (const char *path)
{
  struct statfs sfs;
  unsigned long flags = 0;

  if (statfs (path, &sfs) < 0)
    return 0;
  if (sfs.f_flags & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sfs.f_flags & ST_NODEV)
    flags |= MS_NODEV;
  if (sfs.f_flags & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sfs.f_flags & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sfs.f_flags & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sfs.f_flags & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

static int
remount_bind (const char *path, const char *name, unsigned long flags, ocirun_error_t *err)
{
  unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT));

  if (mount (NULL, path, NULL, f, NULL) == 0)
    return 0;
  if (errno == EPERM && mount (NULL, path, NULL, f | locked_flags (path), NULL) == 0)
    return 0;
  return ocirun_error (err, errno, "remount `%s` with flags 0x%lx", name, f);
}

int
mount_remount_bind (int fd, const char *name, unsigned long flags, ocirun_error_t *err)
{
  char path[PROC_FD_PATH_MAX];
  return remount_bind (proc_fd_path (fd, path), name, flags, err);
}

int
mount_remount_bind_path (const char *path, unsigned long flags, ocirun_error_t *err)
{
  return remount_bind (path, path, flags, err);
}

/* Propagation and recursive attributes of the mount just made on
 * under_fd; remount_flags != 0 also remounts it (bind + those flags). */
static int
mount_finish (int root_fd, const char *dest, const struct mount_opts *opts, int under_fd,
              unsigned long remount_flags, ocirun_error_t *err)
{
  char path[PROC_FD_PATH_MAX];
  cleanup_close int top = -1;

  if (!remount_flags && !opts->propagation_len && !opts->rec_attr_set && !opts->rec_attr_clr)
    return 0;
  top = mount_reopen (root_fd, dest, under_fd, err);
  if (top < 0)
    return -1;
  if (remount_flags && mount_remount_bind (top, dest, remount_flags, err) < 0)
    return -1;
  for (int i = 0; i < opts->propagation_len; i++)
    if (mount (NULL, proc_fd_path (top, path), NULL, opts->propagation[i], NULL) < 0)
      return ocirun_error (err, errno, "set propagation of `%s`", dest);
  if (opts->rec_attr_set || opts->rec_attr_clr)
    {
      struct mount_attr attr = { .attr_set = opts->rec_attr_set, .attr_clr = opts->rec_attr_clr };
      if (mount_setattr (top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof (attr)) < 0)
        return ocirun_error (err, errno, "set recursive attributes of `%s`", dest);
    }
  return 0;
}

/* Bind sources are host paths; relative ones are relative to the bundle. */
static char *
bind_source (const char *bundle, const char *source)
{
  char *out = NULL;

  if (source[0] == '/' || bundle == NULL)
    return strdup (source);
  if (asprintf (&out, "%s/%s", bundle, source) < 0)
    return NULL;
  return out;
}

int
mount_bind (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
            ocirun_error_t *err)
{
  cleanup_free char *src = NULL;
  cleanup_close int target = -1;
  char path[PROC_FD_PATH_MAX];
  unsigned long extra = opts->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  struct stat st;
  unsigned seq = 0;

  if (m->source == NULL)
    return ocirun_error (err, 0, "bind mount on `%s` has no source", m->destination);
  src = bind_source (ctx->bundle, m->source);
  if (src == NULL)
    return ocirun_error (err, ENOMEM, "bind mount `%s`", m->source);
  if (stat (src, &st) < 0)
    return ocirun_error (err, errno, "bind mount source `%s`", src);
  target = path_open_in_root (ctx->root_fd, m->destination, S_ISDIR (st.st_mode) ? PATH_CREATE_DIR : PATH_CREATE_FILE,
                              false, err);
  if (target < 0)
    return -1;
  if (mount_journal_begin ('M', target, m->destination, &seq, err) < 0)
    return -1;
  if (opts->idmap || m->uid_mappings_len || m->gid_mappings_len)
    {
      if (mount_bind_idmapped (ctx, m, src, target, opts, err) < 0)
        return -1;
    }
  else if (mount (src, proc_fd_path (target, path), NULL, MS_BIND | (opts->flags & MS_REC), NULL) < 0)
    return ocirun_error (err, errno, "bind mount `%s` on `%s`", src, m->destination);
  if (mount_journal_done (seq, ctx->root_fd, m->destination, err) < 0)
    return -1;
  return mount_finish (ctx->root_fd, m->destination, opts, target, extra, err);
}

/* tmpcopyup: fill the new tmpfs, then make it read-only if asked. */
static int
copy_up (int root_fd, const char *dest, int under_fd, unsigned long flags, ocirun_error_t *err)
{
  cleanup_close int top = mount_reopen (root_fd, dest, under_fd, err);

  if (top < 0 || mount_tmpcopyup (under_fd, top, dest, err) < 0)
    return -1;
  return (flags & MS_RDONLY) ? mount_remount_bind (top, dest, flags, err) : 0;
}

int
mount_filesystem (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                  ocirun_error_t *err)
{
  bool procfs = m->type && (strcmp (m->type, "proc") == 0 || strcmp (m->type, "sysfs") == 0);
  unsigned long flags = opts->flags;
  bool copyup;
  unsigned seq = 0;
  cleanup_close int target = -1;
  char path[PROC_FD_PATH_MAX];
  struct stat st;

  if (opts->idmap || m->uid_mappings_len || m->gid_mappings_len)
    return ocirun_error (err, EINVAL, "id-mapped mount on `%s`: only bind mounts can be id-mapped", m->destination);
  /* proc and sysfs through a symlink could hide the host's view of
   * sensitive files elsewhere in the rootfs: runc refuses them too. */
  target = path_open_in_root (ctx->root_fd, m->destination, PATH_CREATE_DIR, procfs, err);
  if (target < 0)
    return -1;
  if (fstat (target, &st) < 0)
    return ocirun_error (err, errno, "stat `%s`", m->destination);
  if (!S_ISDIR (st.st_mode))
    return ocirun_error (err, ENOTDIR, "mount `%s` on `%s`: the destination is not a directory",
                         m->type ? m->type : "", m->destination);
  /* /dev is filled with device nodes first (rootfs_setup makes it
   * read-only afterwards when asked), a tmpcopyup tmpfs with a copy. */
  copyup = opts->tmpcopyup && m->type && strcmp (m->type, "tmpfs") == 0;
  if (path_is (m->destination, "/dev") || copyup)
    flags &= ~MS_RDONLY;
  if (mount_journal_begin ('M', target, m->destination, &seq, err) < 0)
    return -1;
  if (mount (m->source ? m->source : m->type, proc_fd_path (target, path), m->type, flags, opts->data) < 0)
    return ocirun_error (err, errno, "mount `%s` (type %s, options %s) on `%s`", m->source ? m->source : "",
                         m->type ? m->type : "none", opts->data ? opts->data : "none", m->destination);
  if (mount_journal_done (seq, ctx->root_fd, m->destination, err) < 0)
    return -1;
  if (copyup && copy_up (ctx->root_fd, m->destination, target, opts->flags, err) < 0)
    return -1;
  return mount_finish (ctx->root_fd, m->destination, opts, target, 0, err);
}

/* linux.mountLabel: context= in the data, mqueue labelled afterwards. */
static int
mount_labelled (const struct mount_ctx *ctx, const oci_mount *m, struct mount_opts *opts, ocirun_error_t *err)
{
  cleanup_close int fd = -1;
  char path[PROC_FD_PATH_MAX];

  if (lsm_mount_data_replace (m->type, ctx->mount_label, &opts->data, err) < 0
      || mount_filesystem (ctx, m, opts, err) < 0)
    return -1;
  if (ctx->mount_label == NULL || m->type == NULL || strcmp (m->type, "mqueue") != 0)
    return 0;
  fd = path_open_in_root (ctx->root_fd, m->destination, PATH_NO_CREATE, false, err);
  if (fd < 0)
    return -1;
  return lsm_label_mount (m->type, proc_fd_path (fd, path), ctx->mount_label, err);
}

int
mount_entry (const struct mount_ctx *ctx, const oci_mount *m, ocirun_error_t *err)
{
  struct mount_opts opts;
  int r;

  if (m->destination == NULL || m->destination[0] == '\0')
    return ocirun_error (err, 0, "mount without destination");
  if (mount_opts_parse (&m->options, &opts, err) < 0)
    return ocirun_error_wrap (err, "mount `%s`", m->destination);
  if (m->type && strcmp (m->type, "bind") == 0)
    opts.flags |= MS_BIND;

  if (m->type && (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0))
    r = mount_cgroup (ctx, m, &opts, err);
  else if (opts.flags & MS_BIND)
    r = mount_bind (ctx, m, &opts, err);
  else
    r = mount_labelled (ctx, m, &opts, err);
  mount_opts_release (&opts);
  return r;
}
