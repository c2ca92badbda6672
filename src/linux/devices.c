/* /dev when it is not bind-mounted from the host: the default devices,
 * linux.devices, /dev/ptmx and the /proc/self/fd symlinks.  Every node is
 * created through the fd of its parent directory resolved inside the
 * rootfs, so a device path through a symlink never lands on the host. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

static const oci_device default_devices[] = {
  { .type = 'c', .path = (char *) "/dev/null", .major = 1, .minor = 3 },
  { .type = 'c', .path = (char *) "/dev/zero", .major = 1, .minor = 5 },
  { .type = 'c', .path = (char *) "/dev/full", .major = 1, .minor = 7 },
  { .type = 'c', .path = (char *) "/dev/random", .major = 1, .minor = 8 },
  { .type = 'c', .path = (char *) "/dev/urandom", .major = 1, .minor = 9 },
  { .type = 'c', .path = (char *) "/dev/tty", .major = 5, .minor = 0 },
};

static const struct
{
  const char *name, *target;
} dev_symlinks[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
  { "ptmx", "pts/ptmx" },
};

bool
devices_dev_is_bind (const oci_config *config)
{
  for (size_t i = 0; i < config->mounts_len; i++)
    {
      const oci_mount *m = &config->mounts[i];
      bool bind = m->type && strcmp (m->type, "bind") == 0;

      for (size_t j = 0; !bind && j < m->options.len; j++)
        bind = strcmp (m->options.items[j], "bind") == 0 || strcmp (m->options.items[j], "rbind") == 0;
      if (bind && path_is (m->destination, "/dev"))
        return true;
    }
  return false;
}

static mode_t
device_type_bits (char type)
{
  switch (type)
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default: /* 'c' and 'u' (unbuffered character device) */
      return S_IFCHR;
    }
}

/* In a user namespace mknod is refused: bind the host's node instead. */
static int
bind_host_device (int root_fd, int parent_fd, const char *base, const oci_device *d, ocirun_error_t *err)
{
  cleanup_close int fd = openat (parent_fd, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
  char path[PROC_FD_PATH_MAX];
  cleanup_close int target = -1;
  unsigned seq = 0;

  if (fd < 0)
    return ocirun_error (err, errno, "create `%s`", d->path);
  target = openat (parent_fd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return ocirun_error (err, errno, "open `%s`", d->path);
  if (mount_journal_begin ('M', target, d->path, &seq, err) < 0)
    return -1;
  if (mount (d->path, proc_fd_path (target, path), NULL, MS_BIND, NULL) < 0)
    return ocirun_error (err, errno, "bind mount device `%s`", d->path);
  return mount_journal_done (seq, root_fd, d->path, err);
}

static int
create_device (int root_fd, const oci_device *d, bool in_userns, ocirun_error_t *err)
{
  cleanup_free char *parent = strdup (d->path);
  cleanup_close int parent_fd = -1;
  mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
  char *slash = parent ? strrchr (parent, '/') : NULL;
  const char *base;

  if (slash == NULL || slash[1] == '\0')
    return ocirun_error (err, EINVAL, "device path `%s` must be absolute and name a file", d->path);
  *slash = '\0';
  base = slash + 1;
  if (strcmp (base, "..") == 0 || strcmp (base, ".") == 0)
    return ocirun_error (err, EINVAL, "device path `%s` must name a file", d->path);
  parent_fd = path_open_in_root (root_fd, parent, PATH_CREATE_DIR, false, err);
  if (parent_fd < 0)
    return -1;
  if (in_userns)
    return bind_host_device (root_fd, parent_fd, base, d, err);
  /* A node already there (from the image) is replaced: the config wins. */
  if (unlinkat (parent_fd, base, 0) < 0 && errno != ENOENT)
    return ocirun_error (err, errno, "remove `%s`", d->path);
  if (mknodat (parent_fd, base, device_type_bits (d->type) | mode, makedev (d->major, d->minor)) < 0)
    return ocirun_error (err, errno, "mknod `%s`", d->path);
  if (fchownat (parent_fd, base, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error (err, errno, "chown `%s`", d->path);
  return 0;
}

static bool
overridden (const oci_config *config, const char *path)
{
  for (size_t i = 0; config->linux && i < config->linux->devices_len; i++)
    if (path_is (config->linux->devices[i].path, path))
      return true;
  return false;
}

static int
create_symlinks (int root_fd, ocirun_error_t *err)
{
  cleanup_close int dev = path_open_in_root (root_fd, "/dev", PATH_CREATE_DIR, false, err);

  if (dev < 0)
    return -1;
  for (size_t i = 0; i < sizeof (dev_symlinks) / sizeof (dev_symlinks[0]); i++)
    {
      const char *name = dev_symlinks[i].name;
      /* /dev/ptmx must be the devpts instance's, whatever the image has. */
      if (strcmp (name, "ptmx") == 0 && unlinkat (dev, name, 0) < 0 && errno != ENOENT)
        return ocirun_error (err, errno, "remove `/dev/%s`", name);
      if (symlinkat (dev_symlinks[i].target, dev, name) < 0 && errno != EEXIST)
        return ocirun_error (err, errno, "symlink `/dev/%s` -> `%s`", name, dev_symlinks[i].target);
    }
  return 0;
}

static int
create_all_devices (int root_fd, const oci_config *config, bool in_userns, ocirun_error_t *err)
{
  for (size_t i = 0; i < sizeof (default_devices) / sizeof (default_devices[0]); i++)
    if (!overridden (config, default_devices[i].path)
        && create_device (root_fd, &default_devices[i], in_userns, err) < 0)
      return -1;
  for (size_t i = 0; config->linux && i < config->linux->devices_len; i++)
    if (create_device (root_fd, &config->linux->devices[i], in_userns, err) < 0)
      return -1;
  return 0;
}

/* terminal_setup binds the pty onto /dev/console after /dev may have
 * become read-only: the mount point is made now. */
static int
create_console (int root_fd, const oci_config *config, ocirun_error_t *err)
{
  int fd;

  if (config->process == NULL || !config->process->terminal)
    return 0;
  fd = path_open_in_root (root_fd, "/dev/console", PATH_CREATE_FILE, false, err);
  if (fd < 0)
    return -1;
  close (fd);
  return 0;
}

int
devices_setup (int root_fd, const oci_config *config, bool in_userns, ocirun_error_t *err)
{
  mode_t old_umask;
  int r;

  if (devices_dev_is_bind (config))
    return 0;
  /* fileMode is exact: the process umask must not trim it. */
  old_umask = umask (0);
  r = create_all_devices (root_fd, config, in_userns, err);
  umask (old_umask);
  if (r < 0 || create_symlinks (root_fd, err) < 0)
    return -1;
  return create_console (root_fd, config, err);
}
