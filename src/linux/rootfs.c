/* The container's root filesystem, in runc's order: make "/" a slave (or
 * what rootfsPropagation says) so nothing we mount reaches the host, bind
 * the rootfs onto itself, mount config.mounts, populate /dev, run the
 * before-pivot hooks, pivot_root, then the paths that are only safe to
 * address from inside: cwd, maskedPaths, readonlyPaths, read-only root. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "src/linux/internal.h"

static bool
has_namespace (const oci_config *config, int type)
{
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == type)
      return true;
  return false;
}

/* In a user namespace, ours or one we run in (rootless), mknod is
 * refused: devices are bind mounts of the host's nodes. */
static bool
in_user_namespace (const oci_config *config)
{
  cleanup_file FILE *f = NULL;
  unsigned long inside, outside, count;

  if (has_namespace (config, OCI_NS_USER))
    return true;
  f = fopen ("/proc/self/uid_map", "re");
  if (f == NULL || fscanf (f, "%lu %lu %lu", &inside, &outside, &count) != 3)
    return false;
  return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

static unsigned long
root_propagation (const oci_config *config, ocirun_error_t *err)
{
  const char *name = config->linux ? config->linux->rootfs_propagation : NULL;
  unsigned long flags;

  if (name == NULL || *name == '\0')
    return 0;
  flags = mount_propagation_from_name (name);
  if (flags == 0)
    ocirun_error (err, 0, "unknown rootfsPropagation `%s`", name);
  return flags;
}

/* The mount point of the mount holding `path`: the nearest ancestor that
 * is a mount root (statx, no /proc/self/mountinfo scan). */
static int
containing_mount (const char *path, char *out, size_t size)
{
  struct statx stx;
  char *slash;

  if (snprintf (out, size, "%s", path) >= (int) size)
    return -1;
  for (;;)
    {
      if (statx (AT_FDCWD, out, 0, 0, &stx) < 0)
        return -1;
      if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) == 0)
        return -1;
      if (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
        return 0;
      slash = strrchr (out, '/');
      if (slash == NULL)
        return -1;
      if (slash == out)
        slash[1] = '\0';
      else
        *slash = '\0';
    }
}

/* "/" gets rootfsPropagation (default rslave) as in runc.  With anything
 * but a recursive slave or private "/", the mount holding the rootfs may
 * still be shared with the host, and a bind of it would join the host's
 * peer group (and make pivot_root fail): make that one mount private. */
static int
prepare_root (const struct rootfs_options *opts, unsigned long propagation, ocirun_error_t *err)
{
  unsigned long flags = propagation ? propagation : MS_SLAVE | MS_REC;
  char parent[PATH_MAX];

  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return ocirun_error (err, errno, "set propagation of `/`");
  if (flags != (MS_SLAVE | MS_REC) && flags != (MS_PRIVATE | MS_REC))
    {
      if (containing_mount (opts->rootfs, parent, sizeof (parent)) < 0)
        return ocirun_error (err, errno, "find the mount holding `%s`", opts->rootfs);
      if (mount (NULL, parent, NULL, MS_PRIVATE, NULL) < 0)
        return ocirun_error (err, errno, "make `%s` private", parent);
    }
  if (mount (opts->rootfs, opts->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirun_error (err, errno, "bind mount rootfs `%s`", opts->rootfs);
  return 0;
}

static int
mount_all (const oci_config *config, const struct rootfs_options *opts, int root_fd, ocirun_error_t *err)
{
  struct mount_ctx ctx = {
    .root_fd = root_fd,
    .bundle = opts->bundle,
    .has_cgroupns = has_namespace (config, OCI_NS_CGROUP),
  };

  if (config->linux)
    {
      ctx.uid_mappings = config->linux->uid_mappings;
      ctx.uid_mappings_len = config->linux->uid_mappings_len;
      ctx.gid_mappings = config->linux->gid_mappings;
      ctx.gid_mappings_len = config->linux->gid_mappings_len;
      ctx.mount_label = config->linux->mount_label;
    }

  for (size_t i = 0; i < config->mounts_len; i++)
    if (mount_entry (&ctx, &config->mounts[i], err) < 0)
      return -1;
  for (size_t i = 0; i < opts->extra_mounts_len; i++)
    if (mount_entry (&ctx, &opts->extra_mounts[i], err) < 0)
      return -1;
  return 0;
}

static int
pivot_into (int root_fd, const char *rootfs, bool no_pivot, ocirun_error_t *err)
{
  if (fchdir (root_fd) < 0)
    return ocirun_error (err, errno, "chdir to rootfs `%s`", rootfs);
  if (no_pivot)
    {
      if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return ocirun_error (err, errno, "move rootfs `%s` to `/`", rootfs);
      if (chroot (".") < 0)
        return ocirun_error (err, errno, "chroot to rootfs `%s`", rootfs);
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on top of the new one;
       * detaching it (as a slave, so the host sees nothing) leaves no
       * directory to keep it in.  Our cwd is still the new root's, where
       * "." would name the new root (a last "." crosses no mount) and
       * make every container mount a slave: work from the old root's. */
      cleanup_close int old_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (old_root < 0)
        return ocirun_error (err, errno, "open `/`");
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return ocirun_error (err, errno, "pivot_root to `%s`", rootfs);
      if (fchdir (old_root) < 0)
        return ocirun_error (err, errno, "chdir to the old root");
      if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return ocirun_error (err, errno, "make the old root a slave");
      if (umount2 (".", MNT_DETACH) < 0)
        return ocirun_error (err, errno, "detach the old root");
    }
  if (chdir ("/") < 0)
    return ocirun_error (err, errno, "chdir to `/`");
  return 0;
}

/* maskedPaths: /dev/null over a file, an empty read-only tmpfs over a
 * directory; a path that does not exist needs no mask. */
static int
mask_path (const char *path, ocirun_error_t *err)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return errno == ENOENT ? 0 : ocirun_error (err, errno, "masked path `%s`", path);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
        return ocirun_error (err, errno, "mask directory `%s`", path);
    }
  else if (mount ("/dev/null", path, NULL, MS_BIND, NULL) < 0)
    return ocirun_error (err, errno, "mask file `%s`", path);
  return 0;
}

static int
readonly_path (const char *path, ocirun_error_t *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : ocirun_error (err, errno, "bind readonly path `%s`", path);
  return mount_remount_bind_path (path, MS_RDONLY | MS_REC, err);
}

/* The /dev mount's own "ro" waited for the device nodes. */
static int
dev_readonly (const oci_config *config, ocirun_error_t *err)
{
  for (size_t i = config->mounts_len; i-- > 0;)
    {
      const oci_mount *m = &config->mounts[i];
      struct mount_opts opts;
      unsigned long flags;

      if (!path_is (m->destination, "/dev"))
        continue;
      if (mount_opts_parse (&m->options, &opts, err) < 0)
        return -1;
      flags = opts.flags;
      mount_opts_release (&opts);
      return (flags & MS_RDONLY) ? mount_remount_bind_path ("/dev", flags, err) : 0;
    }
  return 0;
}

static int
finish_inside (const oci_config *config, ocirun_error_t *err)
{
  const oci_linux *l = config->linux;

  if (config->process && config->process->cwd)
    {
      cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      cleanup_close int cwd = -1;
      if (root < 0)
        return ocirun_error (err, errno, "open `/`");
      cwd = path_open_in_root (root, config->process->cwd, PATH_CREATE_DIR, false, err);
      if (cwd < 0)
        return ocirun_error_wrap (err, "cwd");
    }
  if (sysctl_apply (config, err) < 0)
    return -1;
  for (size_t i = 0; l && i < l->readonly_paths.len; i++)
    if (readonly_path (l->readonly_paths.items[i], err) < 0)
      return -1;
  for (size_t i = 0; l && i < l->masked_paths.len; i++)
    if (mask_path (l->masked_paths.items[i], err) < 0)
      return -1;
  if (dev_readonly (config, err) < 0)
    return -1;
  if (config->root_readonly && mount_remount_bind_path ("/", MS_RDONLY, err) < 0)
    return -1;
  return 0;
}

/* Without a mount namespace (runtime-spec: the container inherits ours)
 * the container's mounts are the host's.  They are made anyway, as runc
 * makes them, but journalled (mount-journal.c) so that delete undoes
 * them.  What differs from the mount-namespace path, and why:
 * - the host's "/" keeps its propagation (runc makes it rslave: a change
 *   to the whole host); instead the rootfs bind is made private before
 *   anything is mounted under it, so none of the container's mounts
 *   reaches the peers of the mount holding the rootfs -- only the bind
 *   itself does, and its copies go with it at delete;
 * - chroot instead of pivot_root (there is no root of our own to pivot),
 *   also with --no-pivot: moving the rootfs onto "/" would cover the
 *   host's root;
 * - rootfsPropagation applies to the rootfs bind (the container's "/");
 * - maskedPaths and readonlyPaths are refused, as runc refuses them:
 *   they would cover only the container's own proc and sys mounts while
 *   the host's, in the same mount namespace, stay reachable -- a
 *   protection that does not hold is not given silently.
 * Devices and the /dev symlinks are files in the rootfs (or in its /dev
 * mount) as with a mount namespace; root.readonly and a read-only /dev
 * remount our own mounts. */
static int
bind_rootfs_on_host (const char *rootfs, ocirun_error_t *err)
{
  cleanup_close int dir = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  unsigned seq = 0;

  if (dir < 0)
    return ocirun_error (err, errno, "open rootfs `%s`", rootfs);
  if (mount_journal_begin ('R', dir, rootfs, &seq, err) < 0)
    return -1;
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirun_error (err, errno, "bind mount rootfs `%s`", rootfs);
  if (mount_journal_done (seq, -1, rootfs, err) < 0)
    return -1;
  if (mount (NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
    return ocirun_error (err, errno, "make the rootfs bind `%s` private", rootfs);
  return 0;
}

static int
setup_in_host_namespace (const oci_config *config, const struct rootfs_options *opts, ocirun_error_t *err)
{
  const oci_linux *l = config->linux;
  cleanup_close int root_fd = -1;
  unsigned long propagation;

  if (l && (l->masked_paths.len || l->readonly_paths.len))
    return ocirun_error (err, 0, "maskedPaths and readonlyPaths need a mount namespace: without one the "
                                 "host's proc and sys stay reachable beside the masked ones");
  if (opts->mount_journal_fd <= 0)
    return ocirun_error (err, EINVAL, "no mount journal: the mounts of a container without a mount "
                                      "namespace could not be undone");
  propagation = root_propagation (config, err);
  if ((err && *err) || sysctl_validate (config, err) < 0)
    return -1;
  mount_journal_use (opts->mount_journal_fd);
  if (bind_rootfs_on_host (opts->rootfs, err) < 0)
    return -1;
  root_fd = open (opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return ocirun_error (err, errno, "open rootfs `%s`", opts->rootfs);
  if (mount_all (config, opts, root_fd, err) < 0
      || devices_setup (root_fd, config, in_user_namespace (config), err) < 0)
    return -1;
  if (opts->before_pivot && opts->before_pivot (opts->before_pivot_data, err) < 0)
    return -1;
  if (fchdir (root_fd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return ocirun_error (err, errno, "chroot to rootfs `%s`", opts->rootfs);
  if (propagation && mount (NULL, "/", NULL, propagation, NULL) < 0)
    return ocirun_error (err, errno, "set rootfsPropagation of `/`");
  return finish_inside (config, err);
}

int
rootfs_setup (const oci_config *config, const struct rootfs_options *opts, ocirun_error_t *err)
{
  unsigned long propagation;
  cleanup_close int root_fd = -1;
  bool in_userns;

  if (!has_namespace (config, OCI_NS_MOUNT))
    return setup_in_host_namespace (config, opts, err);
  propagation = root_propagation (config, err);
  if ((err && *err) || sysctl_validate (config, err) < 0)
    return -1;
  in_userns = in_user_namespace (config);
  if (prepare_root (opts, propagation, err) < 0)
    return -1;
  root_fd = open (opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return ocirun_error (err, errno, "open rootfs `%s`", opts->rootfs);
  if (mount_all (config, opts, root_fd, err) < 0 || devices_setup (root_fd, config, in_userns, err) < 0)
    return -1;
  if (opts->before_pivot && opts->before_pivot (opts->before_pivot_data, err) < 0)
    return -1;
  if (pivot_into (root_fd, opts->rootfs, opts->no_pivot, err) < 0)
    return -1;
  if (propagation && mount (NULL, "/", NULL, propagation, NULL) < 0)
    return ocirun_error (err, errno, "set rootfsPropagation of `/`");
  return finish_inside (config, err);
}
