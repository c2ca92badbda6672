/* The container's init: cloned by create (or the shim), it enters its
 * namespaces, sets the container up through src/linux/, reports ready,
 * blocks on the exec fifo until `start`, then applies the process
 * settings and execs the user's program. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/linux.h"
#include "ocirun/namespaces.h"
#include "ocirun/utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* In a user namespace our host ids are unmapped: become its root (the
 * maps are written by now), keeping the namespace's full capabilities. */
static int
become_userns_root (ocirun_error_t *err)
{
  if (setresgid (0, 0, 0) < 0)
    return ocirun_error (err, errno, "setresgid to the user namespace's root");
  if (setresuid (0, 0, 0) < 0)
    return ocirun_error (err, errno, "setresuid to the user namespace's root");
  return 0;
}

/* Everything between GO and READY, inside the container's namespaces. */
static int
init_setup (struct init_ctx *ctx, ocirun_error_t *err)
{
  oci_config *c = ctx->config;
  struct rootfs_options ro = { .bundle = ctx->bundle, .rootfs = ctx->rootfs, .no_pivot = ctx->no_pivot,
                               .before_pivot = hooks_before_pivot, .before_pivot_data = ctx };
  struct sync_msg go;

  if (sync_expect (ctx->sync_fd, SYNC_GO, &go, err) < 0)
    return -1;
  ctx->host_pid = go.pid;
  if (setsid () < 0)
    return ocirun_error (err, errno, "setsid");
  /* Without a mount namespace the mounts are the host's: recorded for
   * delete to undo, in our state dir (opened while we are still its
   * owner, before becoming a user namespace's root).  It stays open,
   * close-on-exec, for the /dev/console bind after rootfs_setup. */
  if (!ns_has (c, OCI_NS_MOUNT))
    {
      ro.mount_journal_fd = mount_journal_open (ctx->state_dir_fd, err);
      if (ro.mount_journal_fd < 0)
        return -1;
    }
  if (ns_has (c, OCI_NS_USER) && become_userns_root (err) < 0)
    return -1;
  /* After the parent moved us into the container's cgroup, so that it is
   * the root of the new cgroup namespace. */
  if ((ns_new_flags (c) & CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return ocirun_error (err, errno, "unshare the cgroup namespace");
  if (!ctx->no_new_keyring
      && keyring_join_session (ctx->id, ns_has (c, OCI_NS_USER), c->process ? c->process->selinux_label : NULL, err)
             < 0)
    return -1;
  if (linux_set_hostname (c, err) < 0 || rootfs_setup (c, &ro, err) < 0)
    return -1;
  FAULT_POINT ("init:after-mounts");
  if (c->process && c->process->terminal)
    {
      if (terminal_setup (c->process, ctx->console_fd, err) < 0)
        return -1;
    }
  if (ctx->console_fd >= 0)
    close (ctx->console_fd);
  ctx->console_fd = -1;
  if (c->process && process_check_executable (c->process, err) < 0)
    return -1;
  return 0;
}

static int
env_set (oci_process *p, const char *name, int value)
{
  size_t len = strlen (name);
  char *entry = NULL;
  char **items;

  if (asprintf (&entry, "%s=%d", name, value) < 0)
    return -1;
  for (size_t i = 0; i < p->env.len; i++)
    if (strncmp (p->env.items[i], name, len) == 0 && p->env.items[i][len] == '=')
      {
        free (p->env.items[i]);
        p->env.items[i] = entry;
        return 0;
      }
  items = realloc (p->env.items, (p->env.len + 2) * sizeof (char *));
  if (items == NULL)
    {
      free (entry);
      return -1;
    }
  items[p->env.len++] = entry;
  items[p->env.len] = NULL;
  p->env.items = items;
  return 0;
}

/* close_range's fallback: a seccomp profile older than the syscall answers
 * EPERM (runtime-tools' default profile does), an old kernel ENOSYS.  The
 * filter is already loaded here, so only calls every profile that can run
 * a program allows: open, getdents, fcntl. */
static int
cloexec_from_slow (int first, ocirun_error_t *err)
{
  cleanup_dir DIR *dir = opendir ("/proc/self/fd");
  struct dirent *de;
  struct rlimit rl;

  if (dir == NULL)
    {
      /* No /proc in the container: every possible fd number. */
      if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
        return ocirun_error (err, errno, "getrlimit RLIMIT_NOFILE");
      for (rlim_t fd = first; fd < rl.rlim_cur && fd < (1 << 20); fd++)
        if (fcntl ((int) fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
          return ocirun_error (err, errno, "set close-on-exec on fd %d", (int) fd);
      return 0;
    }
  while ((de = readdir (dir)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] == '.' || fd < first || fd == dirfd (dir))
        continue;
      if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
        return ocirun_error (err, errno, "set close-on-exec on fd %d", fd);
    }
  return 0;
}

/* Only stdio and the kept fds (3..3+keep-1) may reach the process; the
 * fifo stays open (close-on-exec) to report an exec failure. */
int
fds_prepare_for_exec (int keep_fds, int *fifo, ocirun_error_t *err)
{
  int first_free = 3 + keep_fds;

  if (*fifo < first_free)
    {
      int moved = fcntl (*fifo, F_DUPFD_CLOEXEC, first_free);
      if (moved < 0)
        return ocirun_error (err, errno, "move the exec fifo fd");
      close (*fifo);
      *fifo = moved;
    }
  for (int fd = 3; fd < first_free; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        return ocirun_error (err, errno, "keep fd %d", fd);
    }
  if (syscall (SYS_close_range, first_free, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  if (errno != EPERM && errno != ENOSYS && errno != EINVAL)
    return ocirun_error (err, errno, "close_range from fd %d", first_free);
  return cloexec_from_slow (first_free, err);
}

/* The init's half of a NOTIFY listener's hand-over (seccomp.h, step 3),
 * already under the filter: the fd's number goes out with write(2), which
 * a profile cannot NOTIFY (seccomp_filter_build refuses it, as runc), not
 * with sync_send's sendto(2); the parent copies the fd with pidfd_getfd
 * and acks.  The ack is read with read(2), as runc reads its ack. */
static int
init_notify_handover (void *data, int listener, ocirun_error_t *err)
{
  struct init_ctx *ctx = data;
  struct sync_msg m = { .type = SYNC_SECCOMP_FD, .pid = listener };
  ssize_t n;

  if (write (ctx->sync_fd, &m, sizeof (m)) != (ssize_t) sizeof (m))
    return ocirun_error (err, errno, "send the seccomp listener's fd number");
  do
    n = read (ctx->sync_fd, &m, sizeof (m));
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof (m) || m.type != SYNC_SECCOMP_ACK)
    return ocirun_error (err, n < 0 ? errno : EPROTO, "wait for the seccomp listener's hand-over");
  return 0;
}

/* The process's settings (ids, capabilities, LSM labels, seccomp...) are
 * applied before READY, as in runc: an error fails create, the listener
 * reaches the agent while the container is "creating", and only the fifo
 * open, the fd cleanup and execve run after start. */
static int
init_process (struct init_ctx *ctx, ocirun_error_t *err)
{
  oci_process *p = ctx->config->process;
  struct process_security sec = { .seccomp = ctx->seccomp, .notify_handover = init_notify_handover, .data = ctx };

  if (p == NULL)
    return 0;
  if (ctx->listen_fds > 0
      && (env_set (p, "LISTEN_FDS", ctx->listen_fds) < 0 || env_set (p, "LISTEN_PID", (int) getpid ()) < 0))
    return ocirun_error (err, ENOMEM, "set LISTEN_FDS");
  return process_security_apply (ctx->config, p, &sec, err);
}

static int
init_exec (struct init_ctx *ctx, int *fifo, ocirun_error_t *err)
{
  oci_process *p = ctx->config->process;

  if (p == NULL)
    return ocirun_error (err, 0, "the config has no process to start");
  if (fds_prepare_for_exec (ctx->keep_fds, fifo, err) < 0 || hooks_start_container (ctx, err) < 0)
    return -1;
  return process_exec (p, err);
}

/* The process may run as a user that cannot search the state dir by now:
 * reopen the O_PATH fd of the fifo itself through /proc (the fifo is
 * 0622), as runc does; without /proc, the state dir as before. */
static int
open_fifo (struct init_ctx *ctx, int fifo_path)
{
  char proc_path[64];
  int fd;

  snprintf (proc_path, sizeof (proc_path), "/proc/self/fd/%d", fifo_path);
  fd = open (proc_path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    fd = openat (ctx->state_dir_fd, FIFO_FILE, O_WRONLY | O_CLOEXEC);
  return fd;
}

/* Exec the process; a failure is written into `channel` (the exec fifo,
 * or run's report pipe) for `start` to print, after FIFO_RELEASED. */
static void __attribute__ ((noreturn))
init_exec_or_report (struct init_ctx *ctx, int channel)
{
  cleanup_error ocirun_error_t err = NULL;
  char buf[4096];
  int len;

  buf[0] = FIFO_RELEASED;
  if (write_all (channel, buf, 1) < 0)
    _exit (2);
  if (init_exec (ctx, &channel, &err) < 0)
    {
      buf[0] = FIFO_HOOK_FAILED;
      if (ctx->start_hook_failed && write_all (channel, buf, 1) < 0)
        _exit (2);
      len = ocirun_error_to_buf (err, buf, sizeof (buf));
      if (len > 0 && write_all (channel, buf, len) < 0)
        _exit (2);
    }
  _exit (1);
}

/* Block until `start` opens the fifo for reading; then exec. */
static void __attribute__ ((noreturn))
init_wait_start (struct init_ctx *ctx, int fifo_path)
{
  int fifo;

  fifo = open_fifo (ctx, fifo_path);
  close (fifo_path);
  /* Released: no longer `created`, even if the `start` that released us
   * dies before it removes the fifo (EACCES when our user namespace maps
   * root elsewhere, or the process's user cannot write the state dir:
   * then start's own unlink must do). */
  if (fifo >= 0)
    unlinkat (ctx->state_dir_fd, FIFO_FILE, 0);
  close (ctx->state_dir_fd);
  FAULT_POINT ("init:after-fifo-open");
  if (fifo < 0)
    _exit (1);
  init_exec_or_report (ctx, fifo);
}

/* run: released by SYNC_START on the sync channel, with no fifo; the
 * report pipe takes the fifo's part.  read(2), not recv(2): the seccomp
 * filter is loaded by now, and any profile that runs a program allows it. */
static void __attribute__ ((noreturn))
init_wait_sync_start (struct init_ctx *ctx)
{
  struct sync_msg m;
  ssize_t n;

  do
    n = read (ctx->sync_fd, &m, sizeof (m));
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof (m) || m.type != SYNC_START)
    _exit (1);
  close (ctx->sync_fd);
  close (ctx->state_dir_fd);
  FAULT_POINT ("init:after-fifo-open");
  init_exec_or_report (ctx, ctx->report_fd);
}

static void __attribute__ ((noreturn))
init_main (struct init_ctx *ctx)
{
  cleanup_error ocirun_error_t err = NULL;
  sigset_t none;
  int fifo_path = -1;

  /* Not dumpable until exec: no process in the container can open our
   * /proc/PID/exe, fds or memory while we run ocirun's image. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (init_setup (ctx, &err) == 0 && ctx->report_fd < 0)
    {
      fifo_path = openat (ctx->state_dir_fd, FIFO_FILE, O_PATH | O_CLOEXEC);
      if (fifo_path < 0)
        ocirun_error (&err, errno, "open the exec fifo");
    }
  if (err || init_process (ctx, &err) < 0)
    {
      sync_send_error (ctx->sync_fd, err);
      _exit (1);
    }
  if (sync_send (ctx->sync_fd, SYNC_READY, 0, &err) < 0)
    _exit (1);
  if (ctx->report_fd >= 0)
    init_wait_sync_start (ctx);
  close (ctx->sync_fd);
  init_wait_start (ctx, fifo_path);
}

/* The intermediate process: joins namespaces by path, creates the rest
 * (pid and time namespaces apply to children only), forks the init. */
static int
intermediate_setup (struct init_ctx *ctx, ocirun_error_t *err)
{
  oci_config *c = ctx->config;
  int fds[OCI_NS_COUNT];
  int flags = ns_new_flags (c) & ~CLONE_NEWCGROUP;

  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (ns_open_paths (c, fds, err) < 0)
    return -1;
  if (fds[OCI_NS_USER] >= 0 && setns (fds[OCI_NS_USER], CLONE_NEWUSER) < 0)
    return ocirun_error (err, errno, "join the user namespace");
  if (flags & CLONE_NEWUSER)
    {
      if (unshare (CLONE_NEWUSER) < 0)
        return ocirun_error (err, errno, "unshare the user namespace");
      if (sync_send (ctx->sync_fd, SYNC_USERMAP, getpid (), err) < 0
          || sync_expect (ctx->sync_fd, SYNC_USERMAP_ACK, NULL, err) < 0)
        return -1;
    }
  if (fds[OCI_NS_USER] >= 0)
    close (fds[OCI_NS_USER]);
  fds[OCI_NS_USER] = -1;
  if (ns_join_opened (c, fds, err) < 0)
    return -1;
  if (unshare (flags & ~CLONE_NEWUSER) < 0)
    return ocirun_error (err, errno, "unshare namespaces (flags 0x%x)", flags & ~CLONE_NEWUSER);
  if ((flags & ns_clone_flag (OCI_NS_TIME)) && ns_write_time_offsets (c->linux, err) < 0)
    return -1;
  return 0;
}

static void __attribute__ ((noreturn))
intermediate_main (struct init_ctx *ctx)
{
  cleanup_error ocirun_error_t err = NULL;
  pid_t pid;

  if (intermediate_setup (ctx, &err) < 0)
    {
      sync_send_error (ctx->sync_fd, err);
      _exit (1);
    }
  pid = fork ();
  if (pid < 0)
    {
      ocirun_error (&err, errno, "fork the container's init");
      sync_send_error (ctx->sync_fd, err);
      _exit (1);
    }
  if (pid == 0)
    init_main (ctx);
  if (sync_send (ctx->sync_fd, SYNC_PID, pid, &err) < 0)
    _exit (1);
  _exit (0);
}

pid_t
init_spawn (struct init_ctx *ctx, pid_t *helper, ocirun_error_t *err)
{
  bool two_step = ns_needs_intermediate (ctx->config);
  int flags = two_step ? 0 : ns_new_flags (ctx->config) & ~CLONE_NEWCGROUP;
  pid_t pid;

  *helper = 0;
  pid = cgroup_join_clone ((unsigned) flags, ctx->cgroup_join);
  if (pid < 0)
    return ocirun_error (err, errno, "clone the container's init (flags 0x%x)", flags);
  if (pid == 0)
    {
      cleanup_error ocirun_error_t child_err = NULL;
      /* The parent's lock and sync ends must not live on in the init. */
      for (size_t i = 0; i < sizeof (ctx->parent_fds) / sizeof (ctx->parent_fds[0]); i++)
        if (ctx->parent_fds[i] >= 0)
          close (ctx->parent_fds[i]);
      if (cgroup_join_self (ctx->cgroup_join, &child_err) < 0)
        {
          sync_send_error (ctx->sync_fd, child_err);
          _exit (1);
        }
      if (ctx->cgroup_join)
        cgroup_join_close (ctx->cgroup_join);
      if (two_step)
        intermediate_main (ctx);
      init_main (ctx);
    }
  if (two_step)
    {
      *helper = pid;
      return 0;
    }
  return pid;
}
