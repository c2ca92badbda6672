/* File helpers: atomic replace, whole-file read, mkdir -p, rm -r. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= n;
    }
  return 0;
}

int
write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, ocirun_error_t *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;

  if (asprintf (&tmp, "%s.tmp-%d", path, (int) getpid ()) < 0)
    return ocirun_error (err, errno, "allocate");
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return ocirun_error (err, errno, "create `%s`", tmp);
  /* No fsync: the rename alone makes readers see the old or the new
   * content, never a mix; the files written here (state, pid file)
   * describe processes that do not survive a crash of the machine, and
   * an fsync costs milliseconds on a disk-backed --root. */
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return ocirun_error (err, saved, "write `%s`", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return ocirun_error (err, saved, "rename `%s` to `%s`", tmp, path);
    }
  return 0;
}

int
read_file (const char *path, char **out, size_t *len, ocirun_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t used = 0, size = 0;

  if (fd < 0)
    return ocirun_error (err, errno, "open `%s`", path);
  for (;;)
    {
      ssize_t n;
      if (size - used < 4096)
        {
          char *nbuf = realloc (buf, size + 8192);
          if (nbuf == NULL)
            return ocirun_error (err, errno, "read `%s`", path);
          buf = nbuf;
          size += 8192;
        }
      n = read (fd, buf + used, size - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirun_error (err, errno, "read `%s`", path);
      if (n == 0)
        break;
      used += n;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
mkdir_p (const char *path, mode_t mode, ocirun_error_t *err)
{
  cleanup_free char *copy = NULL;

  /* Usually only the last component is new: one mkdir, not one each. */
  if (mkdir (path, mode) == 0 || errno == EEXIST)
    return 0;
  if (errno != ENOENT)
    return ocirun_error (err, errno, "mkdir `%s`", path);
  copy = strdup (path);
  if (copy == NULL)
    return ocirun_error (err, errno, "allocate");
  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return ocirun_error (err, errno, "mkdir `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return ocirun_error (err, errno, "mkdir `%s`", copy);
  return 0;
}

static int
remove_tree_at (int parent_fd, const char *name, ocirun_error_t *err)
{
  cleanup_dir DIR *dir = NULL;
  struct dirent *de;
  int fd;

  if (unlinkat (parent_fd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return ocirun_error (err, errno, "unlink `%s`", name);
  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "open `%s`", name);
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return ocirun_error (err, errno, "opendir `%s`", name);
    }
  while ((de = readdir (dir)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (remove_tree_at (dirfd (dir), de->d_name, err) < 0)
        return -1;
    }
  if (unlinkat (parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return ocirun_error (err, errno, "rmdir `%s`", name);
  return 0;
}

int
remove_tree (const char *path, ocirun_error_t *err)
{
  return remove_tree_at (AT_FDCWD, path, err);
}

char *
path_absolute (const char *path)
{
  char cwd[PATH_MAX];
  char *out = NULL;

  if (path[0] == '/')
    return strdup (path);
  if (getcwd (cwd, sizeof (cwd)) == NULL)
    return NULL;
  if (asprintf (&out, "%s/%s", strcmp (cwd, "/") == 0 ? "" : cwd, path) < 0)
    return NULL;
  return out;
}
