/* The tmpcopyup mount option (runc's extension): a tmpfs mounted over a
 * directory starts with a copy of what the directory held.  Copied through
 * fds only (the directory underneath the new mount and the mount itself),
 * never following a symlink in the image. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

static int copy_dir (int src, int dst, const char *path, ocirun_error_t *err);

static int
copy_file (int src_dir, int dst_dir, const char *name, const struct stat *st, ocirun_error_t *err)
{
  cleanup_close int in = openat (src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  off_t left = st->st_size;

  if (in < 0)
    return ocirun_error (err, errno, "tmpcopyup: open `%s`", name);
  out = openat (dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return ocirun_error (err, errno, "tmpcopyup: create `%s`", name);
  while (left > 0)
    {
      ssize_t n = sendfile (out, in, NULL, left);
      if (n <= 0)
        return n < 0 ? ocirun_error (err, errno, "tmpcopyup: copy `%s`", name) : 0;
      left -= n;
    }
  return 0;
}

static int
copy_subdir (int src_dir, int dst_dir, const char *name, ocirun_error_t *err)
{
  cleanup_close int src = -1;
  cleanup_close int dst = -1;

  if (mkdirat (dst_dir, name, 0700) < 0)
    return ocirun_error (err, errno, "tmpcopyup: mkdir `%s`", name);
  src = openat (src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  dst = openat (dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0 || dst < 0)
    return ocirun_error (err, errno, "tmpcopyup: open directory `%s`", name);
  return copy_dir (src, dst, name, err);
}

static int
copy_entry (int src_dir, int dst_dir, const char *name, ocirun_error_t *err)
{
  struct stat st;
  char target[4096];
  ssize_t n;
  int r = 0;

  if (fstatat (src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error (err, errno, "tmpcopyup: stat `%s`", name);
  if (S_ISDIR (st.st_mode))
    r = copy_subdir (src_dir, dst_dir, name, err);
  else if (S_ISREG (st.st_mode))
    r = copy_file (src_dir, dst_dir, name, &st, err);
  else if (S_ISLNK (st.st_mode))
    {
      n = readlinkat (src_dir, name, target, sizeof (target) - 1);
      if (n < 0)
        return ocirun_error (err, errno, "tmpcopyup: readlink `%s`", name);
      target[n] = '\0';
      if (symlinkat (target, dst_dir, name) < 0)
        return ocirun_error (err, errno, "tmpcopyup: symlink `%s`", name);
    }
  else if (mknodat (dst_dir, name, st.st_mode, st.st_rdev) < 0)
    return ocirun_error (err, errno, "tmpcopyup: mknod `%s`", name);
  if (r < 0)
    return -1;
  /* Owner first: chown clears the setuid/setgid bits chmod then sets. */
  if (fchownat (dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error (err, errno, "tmpcopyup: chown `%s`", name);
  if (!S_ISLNK (st.st_mode) && fchmodat (dst_dir, name, st.st_mode & 07777, 0) < 0)
    return ocirun_error (err, errno, "tmpcopyup: chmod `%s`", name);
  return 0;
}

static int
copy_dir (int src, int dst, const char *path, ocirun_error_t *err)
{
  int fd = fcntl (src, F_DUPFD_CLOEXEC, 3);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;

  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return ocirun_error (err, errno, "tmpcopyup: read `%s`", path);
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (copy_entry (src, dst, de->d_name, err) < 0)
        return ocirun_error_wrap (err, "`%s`", path);
    }
  if (errno)
    return ocirun_error (err, errno, "tmpcopyup: read `%s`", path);
  return 0;
}

int
mount_tmpcopyup (int under_fd, int top_fd, const char *dest, ocirun_error_t *err)
{
  /* "." from the fd taken before the mount stays on the directory
   * underneath: a walk never crosses into a mount on "."; the new mount is
   * reached through its own (reopened) fd. */
  cleanup_close int src = openat (under_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dst = openat (top_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat st;

  if (src < 0 || dst < 0 || fstat (src, &st) < 0)
    return ocirun_error (err, errno, "tmpcopyup: open `%s`", dest);
  if (copy_dir (src, dst, dest, err) < 0)
    return -1;
  if (fchown (dst, st.st_uid, st.st_gid) < 0 || fchmod (dst, st.st_mode & 07777) < 0)
    return ocirun_error (err, errno, "tmpcopyup: chown/chmod `%s`", dest);
  return 0;
}
