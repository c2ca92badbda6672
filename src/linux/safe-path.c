/* Resolving paths inside the container's rootfs so that no symlink, ".."
 * or concurrent rename in a hostile bundle can make an operation land
 * outside it: openat2(RESOLVE_IN_ROOT), and creation of missing targets
 * only through fds of already-resolved parents. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

/* Symlinks followed while creating missing targets, as the kernel's own
 * limit on a path walk. */
#define MAX_LINK_DEPTH 40

const char *
proc_fd_path (int fd, char buf[PROC_FD_PATH_MAX])
{
  snprintf (buf, PROC_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

/* ---- fallback for kernels without openat2 (before 5.6) ----------------
 * Walk one component at a time with O_PATH|O_NOFOLLOW, expanding symlinks
 * ourselves against the root and keeping the fds of the directories
 * walked through, so ".." pops back to one of them and never climbs above
 * the root.  A directory renamed out of the root during the walk is
 * caught by checking where the result really is. */

struct walk
{
  int *fds; /* fds[0] is a dup of the root */
  size_t len, cap;
};

static void
walk_release (struct walk *w)
{
  for (size_t i = 0; i < w->len; i++)
    close (w->fds[i]);
  free (w->fds);
}

static int
walk_push (struct walk *w, int fd)
{
  if (w->len == w->cap)
    {
      size_t cap = w->cap ? w->cap * 2 : 16;
      int *fds = realloc (w->fds, cap * sizeof (int));
      if (fds == NULL)
        {
          close (fd);
          errno = ENOMEM;
          return -1;
        }
      w->fds = fds;
      w->cap = cap;
    }
  w->fds[w->len++] = fd;
  return 0;
}

static void
walk_pop_to (struct walk *w, size_t len)
{
  while (w->len > len)
    close (w->fds[--w->len]);
}

/* Without /proc (a chroot before proc is mounted): climb from `dir_fd`
 * with ".." until the root is met, or the top, where ".." is itself. */
static bool
under_root_by_dotdot (int root_fd, int dir_fd)
{
  struct stat root, cur, up;
  int fd = fcntl (dir_fd, F_DUPFD_CLOEXEC, 3);
  bool found = false;

  if (fd < 0 || fstat (root_fd, &root) < 0)
    goto out;
  for (int depth = 0; depth < 4096 && fstat (fd, &cur) == 0; depth++)
    {
      int parent;

      if (cur.st_dev == root.st_dev && cur.st_ino == root.st_ino)
        {
          found = true;
          break;
        }
      parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0 || fstat (parent, &up) < 0 || (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino))
        {
          if (parent >= 0)
            close (parent);
          break;
        }
      close (fd);
      fd = parent;
    }
out:
  if (fd >= 0)
    close (fd);
  return found;
}

/* The result must be the root or below it, as the kernel sees it now.
 * `dir_fd` is the result if it is a directory, else the one holding it. */
static bool
under_root (int root_fd, int fd, int dir_fd)
{
  char buf[PROC_FD_PATH_MAX], root[PATH_MAX], path[PATH_MAX];
  ssize_t rn, pn;

  rn = readlink (proc_fd_path (root_fd, buf), root, sizeof (root) - 1);
  pn = readlink (proc_fd_path (fd, buf), path, sizeof (path) - 1);
  if (rn <= 0 || pn <= 0)
    return under_root_by_dotdot (root_fd, dir_fd);
  root[rn] = path[pn] = '\0';
  if (strcmp (root, "/") == 0)
    return true;
  return strncmp (path, root, rn) == 0 && (path[rn] == '\0' || path[rn] == '/');
}

/* Replace *todo by "target/rest". */
static int
splice_link (char **todo, const char *target, const char *rest)
{
  char *next = NULL;

  if (asprintf (&next, "%s/%s", target, rest) < 0)
    {
      errno = ENOMEM;
      return -1;
    }
  free (*todo);
  *todo = next;
  return 0;
}

static int
walk_step (struct walk *w, char **todo, size_t *pos, bool no_symlinks, int *links)
{
  char *comp = *todo + *pos, target[PATH_MAX];
  size_t len = strcspn (comp, "/");
  bool last = comp[len] == '\0';
  struct stat st;
  ssize_t n;
  int fd;

  comp[len] = '\0';
  *pos += len + (last ? 0 : 1);
  if (len == 0 || strcmp (comp, ".") == 0)
    return 0;
  if (strcmp (comp, "..") == 0)
    {
      walk_pop_to (w, w->len > 1 ? w->len - 1 : 1);
      return 0;
    }
  fd = openat (w->fds[w->len - 1], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  if (!S_ISLNK (st.st_mode))
    return walk_push (w, fd);
  n = readlinkat (fd, "", target, sizeof (target) - 1);
  close (fd);
  if (no_symlinks || ++*links > MAX_LINK_DEPTH || n < 0)
    {
      errno = n < 0 ? errno : ELOOP;
      return -1;
    }
  target[n] = '\0';
  if (target[0] == '/')
    walk_pop_to (w, 1);
  if (splice_link (todo, target, last ? "" : *todo + *pos) < 0)
    return -1;
  *pos = 0;
  return 0;
}

/* The last directory of the walk: the result itself, or what holds it. */
static int
walk_last_dir (const struct walk *w)
{
  struct stat st;
  int top = w->fds[w->len - 1];

  if (w->len > 1 && fstat (top, &st) == 0 && !S_ISDIR (st.st_mode))
    return w->fds[w->len - 2];
  return top;
}

static int
walk_in_root (int root_fd, const char *path, bool no_symlinks)
{
  struct walk w = { 0 };
  char *todo = strdup (path);
  size_t pos = 0;
  int links = 0, fd = -1;

  if (todo == NULL || walk_push (&w, fcntl (root_fd, F_DUPFD_CLOEXEC, 3)) < 0 || w.fds[0] < 0)
    goto out;
  while (todo[pos] != '\0')
    if (walk_step (&w, &todo, &pos, no_symlinks, &links) < 0)
      goto out;
  if (!under_root (root_fd, w.fds[w.len - 1], walk_last_dir (&w)))
    {
      errno = EXDEV;
      goto out;
    }
  fd = w.fds[--w.len];
out:
  {
    int saved = errno;
    walk_release (&w);
    free (todo);
    errno = saved;
  }
  return fd;
}

static int
openat2_in_root (int root_fd, const char *path, bool no_symlinks)
{
  static bool no_openat2;
  struct open_how how = {
    .flags = O_PATH | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0),
  };
  int fd = -1;

  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  /* EAGAIN: a rename raced with ".." resolution; the kernel asks to retry. */
  for (int tries = 0; !no_openat2 && tries < 16; tries++)
    {
      fd = (int) syscall (SYS_openat2, root_fd, path, &how, sizeof (how));
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
  if (!no_openat2 && !(fd < 0 && errno == ENOSYS))
    return fd;
  no_openat2 = true;
  return walk_in_root (root_fd, path, no_symlinks);
}

/* Split `path` (without trailing slashes) into a malloc'd parent and a
 * pointer to its last component. */
static char *
split_parent (const char *path, const char **base)
{
  char *parent = strdup (path);
  char *slash;

  if (parent == NULL)
    return NULL;
  slash = strrchr (parent, '/');
  if (slash == NULL)
    {
      *base = path;
      parent[0] = '\0';
      return parent;
    }
  *base = path + (slash - parent) + 1;
  *slash = '\0';
  return parent;
}

static int create_in_root (int root_fd, const char *path, enum path_create create, bool no_symlinks,
                           int depth, ocirun_error_t *err);

/* `base` exists in `parent_fd` but does not resolve: a dangling symlink.
 * Create what it points to, resolved inside the root like any path. */
static int
create_link_target (int root_fd, int parent_fd, const char *parent, const char *base,
                    enum path_create create, bool no_symlinks, int depth, ocirun_error_t *err)
{
  char target[PATH_MAX];
  cleanup_free char *full = NULL;
  ssize_t n;

  n = readlinkat (parent_fd, base, target, sizeof (target) - 1);
  if (n < 0)
    return ocirun_error (err, errno, "readlink `%s/%s`", parent, base);
  target[n] = '\0';
  if (no_symlinks)
    return ocirun_error (err, ELOOP, "`%s/%s` is a symlink", parent, base);
  if (target[0] == '/')
    full = strdup (target);
  else if (asprintf (&full, "%s/%s", parent, target) < 0)
    full = NULL;
  if (full == NULL)
    return ocirun_error (err, ENOMEM, "resolve `%s/%s`", parent, base);
  return create_in_root (root_fd, full, create, no_symlinks, depth + 1, err);
}

static int
create_in_root (int root_fd, const char *path, enum path_create create, bool no_symlinks, int depth,
                ocirun_error_t *err)
{
  cleanup_free char *clean = strdup (path);
  cleanup_free char *parent = NULL;
  cleanup_close int parent_fd = -1;
  const char *base;
  size_t len;
  int fd, r;

  if (clean == NULL)
    return ocirun_error (err, ENOMEM, "resolve `%s`", path);
  if (depth > MAX_LINK_DEPTH)
    return ocirun_error (err, ELOOP, "resolve `%s`", path);
  len = strlen (clean);
  while (len > 0 && clean[len - 1] == '/')
    clean[--len] = '\0';

  fd = openat2_in_root (root_fd, clean, no_symlinks);
  if (fd >= 0 || errno != ENOENT || create == PATH_NO_CREATE || len == 0)
    {
      if (fd < 0)
        return ocirun_error (err, errno, "open `%s` inside the rootfs", path);
      return fd;
    }

  parent = split_parent (clean, &base);
  if (parent == NULL)
    return ocirun_error (err, ENOMEM, "resolve `%s`", path);
  if (strcmp (base, "..") == 0 || strcmp (base, ".") == 0)
    return ocirun_error (err, ENOENT, "open `%s` inside the rootfs", path);
  parent_fd = create_in_root (root_fd, parent, PATH_CREATE_DIR, no_symlinks, depth, err);
  if (parent_fd < 0)
    return -1;

  /* Creation goes through the resolved parent's fd with a single,
   * non-following component: nothing can redirect it. */
  if (create == PATH_CREATE_DIR)
    r = mkdirat (parent_fd, base, 0755);
  else
    {
      r = openat (parent_fd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (r >= 0)
        r = close (r);
    }
  if (r < 0 && errno != EEXIST)
    return ocirun_error (err, errno, "create `%s` inside the rootfs", path);
  if (r < 0)
    {
      struct stat st;
      if (fstatat (parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
        {
          fd = create_link_target (root_fd, parent_fd, parent, base, create, no_symlinks, depth, err);
          if (fd < 0)
            return -1;
          close (fd);
        }
    }
  fd = openat2_in_root (root_fd, clean, no_symlinks);
  if (fd < 0)
    return ocirun_error (err, errno, "open `%s` inside the rootfs", path);
  return fd;
}

int
path_open_in_root (int root_fd, const char *path, enum path_create create, bool no_symlinks,
                   ocirun_error_t *err)
{
  return create_in_root (root_fd, path, create, no_symlinks, 0, err);
}
