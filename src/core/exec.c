/* `exec`: a new process in a running container.  On the host, under the
 * container's lock: check its status, take a pidfd on its init and open
 * the init's namespaces and root (checked against the pidfd, so they are
 * the init's and not a later process's), resolve the cgroup, build the
 * seccomp filter.  Then fork the helper (exec-child.c), move it into the
 * cgroup, and wait until the process exec'd or reported why it could not.
 * Any failure kills what was started: nothing is left behind. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/linux.h"
#include "ocirun/log.h"
#include "ocirun/lsm.h"
#include "ocirun/seccomp.h"
#include "ocirun/utils.h"

int
container_load_config (const char *root, const char *id, oci_config **config, ocirun_error_t *err)
{
  cleanup_free char *dir = NULL, *path = NULL;

  if (state_validate_id (id, err) < 0)
    return -1;
  dir = state_dir (root, id);
  if (dir == NULL || asprintf (&path, "%s/" CONFIG_FILE, dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (access (dir, F_OK) < 0 && errno == ENOENT)
    return ocirun_error (err, 0, "container `%s` does not exist", id);
  return oci_config_parse_file (path, config, err);
}

/* runc's rules for a terminal, and the fds to preserve must exist. */
static int
check_request (const struct container_exec_opts *o, ocirun_error_t *err)
{
  if (o->detach && o->process->terminal && o->console_socket == NULL)
    return ocirun_error (err, 0, "cannot allocate tty if ocirun will detach without setting console socket");
  if ((!o->detach || !o->process->terminal) && o->console_socket)
    return ocirun_error (err, 0, "cannot use console socket if ocirun will not detach or allocate tty");
  /* A label or profile this host cannot apply: before anything starts. */
  if (lsm_check (o->process, NULL, err) < 0)
    return -1;
  if (o->preserve_fds < 0)
    return ocirun_error (err, 0, "invalid --preserve-fds `%d`", o->preserve_fds);
  for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      return ocirun_error (err, errno, "unable to stat preserved-fd %d (of %d)", fd - 3, o->preserve_fds);
  return 0;
}

static int
load_container (struct exec_run *r, ocirun_error_t *err)
{
  const struct container_exec_opts *o = r->opts;
  enum container_status status;

  if (state_lock (o->root, o->id, &r->lock_fd, err) < 0 || state_load (o->root, o->id, &r->st, err) < 0)
    return -1;
  status = state_status (&r->st);
  if (status == STATUS_STOPPED)
    return ocirun_error (err, 0, "cannot exec in a stopped container");
  if (status == STATUS_PAUSED && !o->ignore_paused)
    return ocirun_error (err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
  if (container_load_config (o->root, o->id, &r->config, err) < 0)
    return -1;
  if (seccomp_setup_build (r->config, o->root, &r->seccomp, err) < 0)
    return -1;
  /* The process would freeze as it joins the cgroup: resume must be able
   * to take the lock meanwhile. */
  if (status == STATUS_PAUSED)
    {
      close (r->lock_fd);
      r->lock_fd = -1;
    }
  return 0;
}

static bool
init_gone (const struct exec_run *r)
{
  struct pollfd p = { .fd = r->pidfd, .events = POLLIN };

  return r->pidfd < 0 || poll (&p, 1, 0) != 0;
}

/* Also while it exits: its namespaces go before its pidfd says so. */
static bool
init_exiting (const struct exec_run *r)
{
  char path[64];

  snprintf (path, sizeof (path), "/proc/%d/ns/mnt", (int) r->st.pid);
  return init_gone (r) || access (path, F_OK) < 0;
}

/* The init's namespace of `type`, or -1 when it is ours too. */
static int
open_namespace (pid_t pid, int type, int *fd, ocirun_error_t *err)
{
  char theirs[64], ours[64];
  struct stat a, b;

  *fd = -1;
  snprintf (theirs, sizeof (theirs), "/proc/%d/ns/%s", (int) pid, oci_ns_proc_name (type));
  snprintf (ours, sizeof (ours), "/proc/self/ns/%s", oci_ns_proc_name (type));
  if (stat (ours, &b) < 0 && errno == ENOENT)
    return 0; /* this kernel has no such namespace */
  *fd = open (theirs, O_RDONLY | O_CLOEXEC);
  /* Its namespaces go first as a process exits, before its pidfd says so. */
  if (*fd < 0 && (errno == ENOENT || errno == ESRCH))
    return ocirun_error (err, 0, "cannot exec in a stopped container");
  if (*fd < 0)
    return ocirun_error (err, errno, "open `%s`", theirs);
  if (fstat (*fd, &a) < 0)
    return ocirun_error (err, errno, "stat `%s`", theirs);
  if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
    {
      close (*fd);
      *fd = -1;
    }
  return 0;
}

static int
open_init (struct exec_run *r, ocirun_error_t *err)
{
  char root[64];

  r->pidfd = pidfd_open_checked (r->st.pid, r->st.start_time);
  if (r->pidfd < 0)
    return ocirun_error (err, 0, "cannot exec in a stopped container");
  for (int t = 0; t < OCI_NS_COUNT; t++)
    if (open_namespace (r->st.pid, t, &r->ns_fds[t], err) < 0)
      return -1;
  snprintf (root, sizeof (root), "/proc/%d/root", (int) r->st.pid);
  r->root_fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (r->root_fd < 0)
    return ocirun_error (err, errno, "open `%s`", root);
  /* Still alive after the opens: they are the init's. */
  if (init_gone (r))
    return ocirun_error (err, 0, "cannot exec in a stopped container");
  return 0;
}

static int
prepare_console (struct exec_run *r, ocirun_error_t *err)
{
  if (!r->opts->process->terminal)
    return 0;
  return console_channel_open (r->opts->console_socket, &r->console_fd, &r->console_peer, err);
}

/* Foreground: the signals to forward, blocked before the fork. */
static int
prepare_signals (struct exec_run *r, ocirun_error_t *err)
{
  if (r->opts->detach)
    return 0;
  r->sfd = foreground_signals (err);
  return r->sfd < 0 ? -1 : 0;
}

static int
spawn (struct exec_run *r, ocirun_error_t *err)
{
  int fds[2];

  if (sync_pair (fds, err) < 0)
    return -1;
  r->sync_fd = fds[0];
  r->child_fd = fds[1];
  /* execCPUAffinity.initial must hold before the helper joins: then we
   * move it in ourselves, after setting it (drive). */
  if (r->opts->process->exec_cpu_affinity_initial == NULL && cgroup_join_open (r->cgroups, &r->join, err) < 0)
    return -1;
  r->helper = cgroup_join_clone (0, &r->join);
  if (r->helper < 0)
    return ocirun_error (err, errno, "clone the exec helper");
  if (r->helper == 0)
    exec_child_main (r);
  FAULT_POINT ("exec:after-spawn");
  close (r->child_fd);
  r->child_fd = -1;
  if (r->console_fd >= 0)
    close (r->console_fd);
  r->console_fd = -1;
  return 0;
}

static void
reap (pid_t *pid)
{
  if (*pid > 0)
    while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
      ;
  *pid = 0;
}

/* The next message; 1 at end of file. */
static int
next_message (struct exec_run *r, struct sync_msg *m, ocirun_error_t *err)
{
  char c;
  ssize_t n;

  do
    n = recv (r->sync_fd, &c, 1, MSG_PEEK);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return ocirun_error (err, errno, "read from the exec process");
  if (n == 0)
    return 1;
  return sync_recv (r->sync_fd, m, err);
}

/* The process's seccomp listener, for the agent, with the container's
 * state ("running", the init's pid; seccomp_notify_send makes that the
 * top-level pid too). */
static int
take_listener (struct exec_run *r, int fd_number, ocirun_error_t *err)
{
  const oci_seccomp *s = r->config->linux ? r->config->linux->seccomp : NULL;
  uint64_t start_time;
  oci_state state = {
    .oci_version = OCI_SPEC_VERSION, .id = r->st.id, .status = "running", .pid = r->st.pid,
    .bundle = r->st.bundle, .rootfs = r->st.rootfs, .created = r->st.created, .owner = "",
    .annotations = &r->config->annotations,
  };

  if (s == NULL)
    return ocirun_error (err, 0, "unexpected seccomp listener from the exec process");
  if (proc_start_time (r->pid, &start_time, NULL) < 0)
    return ocirun_error (err, errno, "read the start time of the exec process (pid %d)", (int) r->pid);
  return seccomp_setup_take_listener (r->sync_fd, r->pid, start_time, fd_number, s, &state, err);
}

/* Until the exec: end of file after SYNC_READY means it happened. */
static int
drive (struct exec_run *r, ocirun_error_t *err)
{
  struct sync_msg m;
  int ret;

  /* execCPUAffinity.initial before the cgroup, as for the init;
   * process_apply sets .final. */
  if (process_set_cpu_affinity (r->helper, r->opts->process->exec_cpu_affinity_initial, err) < 0)
    return -1;
  if (!r->join.active && cgroup_enter (r->cgroups, r->helper, err) < 0)
    return -1;
  cgroup_join_close (&r->join);
  if (sync_send (r->sync_fd, SYNC_GO, 0, err) < 0)
    return -1;
  FAULT_POINT ("exec:after-cgroup-enter");
  /* From two processes: the process may be ready before its pid came. */
  for (bool ready = false; r->pid <= 0 || !ready;)
    {
      ret = next_message (r, &m, err);
      if (ret != 0)
        return ret < 0 ? -1 : ocirun_error (err, 0, "the exec process exited during its setup");
      if (m.type == SYNC_PID)
        {
          r->pid = m.pid;
          reap (&r->helper);
          FAULT_POINT ("exec:after-pid");
          ocirun_debug ("container `%s`: exec process pid %d", r->opts->id, (int) r->pid);
        }
      else if (m.type == SYNC_READY)
        ready = true;
      else
        return ocirun_error (err, 0, "unexpected sync message %u", m.type);
    }
  /* From here the process goes on to its exec without us. */
  FAULT_POINT ("exec:after-ready");
  while ((ret = next_message (r, &m, err)) == 0)
    if (m.type != SYNC_SECCOMP_FD || take_listener (r, m.pid, err) < 0)
      return m.type != SYNC_SECCOMP_FD ? ocirun_error (err, 0, "unexpected sync message %u", m.type) : -1;
  return ret < 0 ? -1 : 0;
}

/* Whatever failed once the init was found, its exit meanwhile is the
 * reason to tell. */
static void
explain_failure (const struct exec_run *r, ocirun_error_t *err)
{
  if (r->st.pid > 0 && init_exiting (r))
    {
      ocirun_error_release (err);
      ocirun_error (err, 0, "cannot exec in a stopped container");
    }
}

static void
abort_exec (struct exec_run *r, ocirun_error_t *err)
{
  if (r->pid > 0)
    {
      kill (r->pid, SIGKILL);
      reap (&r->pid);
    }
  if (r->helper > 0)
    {
      kill (r->helper, SIGKILL);
      reap (&r->helper);
    }
  explain_failure (r, err);
}

static void
exec_run_release (struct exec_run *r)
{
  int fds[] = { r->lock_fd, r->pidfd, r->root_fd, r->sync_fd, r->child_fd, r->console_fd, r->console_peer, r->sfd };

  for (size_t i = 0; i < sizeof (fds) / sizeof (fds[0]); i++)
    if (fds[i] >= 0)
      close (fds[i]);
  for (int t = 0; t < OCI_NS_COUNT; t++)
    if (r->ns_fds[t] >= 0)
      close (r->ns_fds[t]);
  seccomp_compiled_free (r->seccomp);
  oci_config_free (r->config);
  cgroup_join_close (&r->join);
  ocirun_strv_freep (&r->cgroups);
  state_release (&r->st);
}

static int
start_process (struct exec_run *r, ocirun_error_t *err)
{
  char buf[32];
  int len;

  if (check_request (r->opts, err) < 0 || load_container (r, err) < 0)
    return -1;
  if (open_init (r, err) < 0 || exec_resolve_cgroups (r, err) < 0 || prepare_console (r, err) < 0
      || prepare_signals (r, err) < 0)
    {
      explain_failure (r, err);
      return -1;
    }
  if (spawn (r, err) < 0 || drive (r, err) < 0)
    {
      abort_exec (r, err);
      return -1;
    }
  FAULT_POINT ("exec:after-exec");
  if (r->opts->pid_file == NULL)
    return 0;
  len = snprintf (buf, sizeof (buf), "%d", (int) r->pid);
  if (write_file_atomic (r->opts->pid_file, buf, len, 0644, err) < 0)
    {
      abort_exec (r, err);
      return -1;
    }
  FAULT_POINT ("exec:after-pid-file");
  return 0;
}

static int
wait_process (struct exec_run *r, int *exit_code, ocirun_error_t *err)
{
  struct console_proxy console = { .master = -1 };
  cleanup_close int pidfd = syscall (SYS_pidfd_open, r->pid, 0);
  int status = 0, ret;

  if (pidfd < 0)
    return ocirun_error (err, errno, "open a pidfd of the exec process (pid %d)", (int) r->pid);
  if (r->console_peer >= 0)
    {
      int master = console_recv_master (r->console_peer, err);
      if (master < 0)
        return -1;
      console_proxy_start (&console, master);
    }
  ret = foreground_wait (r->pid, pidfd, r->sfd, r->console_peer >= 0 ? &console : NULL, &status, err);
  console_proxy_stop (&console);
  if (ret < 0)
    return -1;
  *exit_code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return 0;
}

int
container_exec (const struct container_exec_opts *opts, int *exit_code, ocirun_error_t *err)
{
  struct exec_run r __attribute__ ((cleanup (exec_run_release))) = EXEC_RUN_INIT (opts);

  for (int t = 0; t < OCI_NS_COUNT; t++)
    r.ns_fds[t] = -1;
  *exit_code = 0;
  if (start_process (&r, err) < 0)
    return -1;
  /* Other operations on the container may go on while it runs. */
  close (r.lock_fd);
  r.lock_fd = -1;
  if (opts->detach)
    return 0;
  return wait_process (&r, exit_code, err);
}
