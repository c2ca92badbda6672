/* Joining the container's cgroups from inside the new process.  The
 * parent moving a pid in costs a write of cgroup.procs, for which the
 * kernel takes its threadgroup rwsem for writing: an RCU grace period,
 * measured 7.5 ms here when no other write happened just before.  The
 * new process instead, while it is a single thread, writes "0" to each
 * v1 hierarchy's `tasks` (the one migration that skips that lock:
 * 0.04 ms), and clone3 places it in the cgroup2 directory
 * (CLONE_INTO_CGROUP).  Every fd is opened by the parent, on the host,
 * so that the kernel checks the parent's credentials. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

static int
add_file (struct cgroup_join *j, int dir_fd, const char *dir, const char *name, ocirun_error_t *err)
{
  struct cgroup_join_file *grown = realloc (j->files, (j->n_files + 1) * sizeof (*grown));
  int fd;

  if (grown == NULL)
    return ocirun_error (err, errno, "allocate");
  j->files = grown;
  fd = openat (dir_fd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "open `%s/%s`", dir, name);
  j->files[j->n_files++] = (struct cgroup_join_file){ .fd = fd, .dir = dir, .name = name };
  return 0;
}

int
cgroup_join_open (char **dirs, struct cgroup_join *j, ocirun_error_t *err)
{
  for (char **d = dirs; d && *d; d++)
    {
      cleanup_close int fd = open (*d, O_DIRECTORY | O_CLOEXEC);
      struct statfs fs;

      if (fd < 0 || fstatfs (fd, &fs) < 0)
        return ocirun_error (err, errno, "open cgroup `%s`", *d);
      if (fs.f_type != CGROUP2_SUPER_MAGIC)
        {
          if (add_file (j, fd, *d, "tasks", err) < 0)
            return -1;
          continue;
        }
      /* cgroup.procs: written only when clone3 cannot place us. */
      if (j->v2_dir >= 0 || add_file (j, fd, *d, "cgroup.procs", err) < 0)
        return j->v2_dir >= 0 ? ocirun_error (err, 0, "two cgroup2 directories: `%s`", *d) : -1;
      j->v2_procs = j->n_files - 1;
      j->v2_dir = steal_fd (&fd);
    }
  j->active = true;
  return 0;
}

void
cgroup_join_close (struct cgroup_join *j)
{
  for (size_t i = 0; i < j->n_files; i++)
    close (j->files[i].fd);
  free (j->files);
  if (j->v2_dir >= 0)
    close (j->v2_dir);
  *j = (struct cgroup_join) CGROUP_JOIN_INIT;
}

pid_t
cgroup_join_clone (uint64_t flags, struct cgroup_join *j)
{
  struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
  pid_t pid;

  if (j && j->active && j->v2_dir >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) j->v2_dir;
      j->v2_by_clone = true;
      pid = syscall (SYS_clone3, &args, sizeof (args));
      if (pid >= 0)
        return pid;
      /* Older kernels, or a cgroup clone3 may not enter: the child
       * writes cgroup.procs itself. */
      j->v2_by_clone = false;
      args.flags = flags;
      args.cgroup = 0;
    }
  return syscall (SYS_clone3, &args, sizeof (args));
}

int
cgroup_join_self (const struct cgroup_join *j, ocirun_error_t *err)
{
  if (!j || !j->active)
    return 0;
  for (size_t i = 0; i < j->n_files; i++)
    {
      const struct cgroup_join_file *f = &j->files[i];
      if (j->v2_dir >= 0 && i == j->v2_procs && j->v2_by_clone)
        continue;
      if (pwrite (f->fd, "0", 1, 0) < 0)
        return ocirun_error (err, errno, "join cgroup `%s` (write `%s`)", f->dir, f->name);
    }
  return 0;
}
