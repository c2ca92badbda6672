/* `create`: state dir, config copy, cgroup, the init cloned and driven
 * over the sync channel until it reports ready.  Any failure undoes
 * everything: the init is killed, the cgroup and state dir removed. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/linux.h"
#include "ocirun/log.h"
#include "ocirun/lsm.h"
#include "ocirun/namespaces.h"
#include "ocirun/seccomp.h"
#include "ocirun/utils.h"

enum container_parent
container_detached_parent (const char *pid_file)
{
  const char *force = getenv ("OCIRUN_SHIM");

  if (force && strcmp (force, "1") == 0)
    return PARENT_SHIM;
  if (force && strcmp (force, "0") == 0)
    return PARENT_ENGINE;
  return pid_file ? PARENT_ENGINE : PARENT_SHIM;
}

int
kill_and_wait (pid_t pid, uint64_t start_time, ocirun_error_t *err)
{
  cleanup_close int pidfd = pidfd_open_checked (pid, start_time);

  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      if (pidfd_send (pidfd, SIGKILL) < 0 && errno != ESRCH)
        return ocirun_error (err, errno, "kill pid %d", (int) pid);
      while (poll (&p, 1, -1) < 0)
        if (errno != EINTR)
          return ocirun_error (err, errno, "wait for pid %d", (int) pid);
    }
  /* Reap it when it is our child; otherwise its parent does. */
  while (waitpid (pid, NULL, WNOHANG) < 0 && errno == EINTR)
    ;
  return 0;
}

static int
check_terminal (const struct creation *cr, ocirun_error_t *err)
{
  const oci_process *p = cr->config->process;
  bool terminal = p && p->terminal;
  bool detached = cr->opts->parent != PARENT_FOREGROUND;

  if (terminal && detached && cr->opts->console_socket == NULL)
    return ocirun_error (err, 0, "cannot allocate tty if ocirun will detach without setting console socket");
  if (!terminal && cr->opts->console_socket)
    return ocirun_error (err, 0, "cannot use console socket if ocirun will not detach or allocate tty");
  return 0;
}

/* Read the bundle's config.json, keep an exact copy in the state dir
 * (later edits to the bundle must not change the container), parse it. */
static int
load_config (struct creation *cr, ocirun_error_t *err)
{
  cleanup_free char *src = NULL, *dst = NULL, *data = NULL;
  size_t len;
  struct stat st;

  if (asprintf (&src, "%s/config.json", cr->bundle) < 0 || asprintf (&dst, "%s/" CONFIG_FILE, cr->dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (read_file (src, &data, &len, err) < 0)
    return -1;
  if (oci_config_parse_data (src, data, len, &cr->config, err) < 0)
    return -1;
  if (cr->config->root_path == NULL)
    return ocirun_error (err, 0, "`%s`: root.path is required", src);
  if (cr->config->root_path[0] == '/')
    cr->rootfs = strdup (cr->config->root_path);
  else if (asprintf (&cr->rootfs, "%s/%s", cr->bundle, cr->config->root_path) < 0)
    cr->rootfs = NULL;
  if (cr->rootfs == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  if (stat (cr->rootfs, &st) < 0)
    return ocirun_error (err, errno, "rootfs `%s`", cr->rootfs);
  if (!S_ISDIR (st.st_mode))
    return ocirun_error (err, ENOTDIR, "rootfs `%s`", cr->rootfs);
  return write_file_atomic (dst, data, len, 0600, err);
}

/* The state as the creation knows it so far. */
struct container_state
creation_state (const struct creation *cr)
{
  return (struct container_state){
    .dir = cr->dir, .id = (char *) cr->opts->id, .pid = cr->pid, .start_time = cr->start_time,
    .bundle = cr->bundle, .rootfs = cr->rootfs, .created = (char *) cr->created, .owner = (char *) "",
    .has_process = cr->config->process != NULL, .cgroups = cr->cgroups, .notify_socket = cr->notify_socket,
    .no_new_keyring = cr->opts->no_new_keyring,
  };
}

/* Saved whole with `creating` before the cgroups exist, so that `delete
 * --force` finds every trace of a create that was killed midway; the
 * init's pid and the end of the creation are appended later. */
static int
save_state_creating (const struct creation *cr, ocirun_error_t *err)
{
  struct container_state st = creation_state (cr);

  st.creating = true;
  return state_save (&st, err);
}

/* What `start` releases the init through: the exec fifo, or for run,
 * which starts the init itself, a pipe (no file to make and remove). */
static int
make_start_channel (struct creation *cr, ocirun_error_t *err)
{
  cleanup_free char *fifo = NULL;
  int pipe_fds[2];

  if (cr->release_by_sync)
    {
      if (pipe2 (pipe_fds, O_CLOEXEC) < 0)
        return ocirun_error (err, errno, "create the start report pipe");
      cr->report_fd = pipe_fds[0];
      cr->report_child = pipe_fds[1];
      return 0;
    }
  if (asprintf (&fifo, "%s/" FIFO_FILE, cr->dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  /* Writable by the container's root even when a user namespace maps it
   * to another host uid; chmod because mkfifo's mode obeys the umask. */
  if (mkfifo (fifo, 0622) < 0 || chmod (fifo, 0622) < 0)
    return ocirun_error (err, errno, "mkfifo `%s`", fifo);
  return 0;
}

static int
prepare (struct creation *cr, ocirun_error_t *err)
{
  struct stat st;

  cr->bundle = realpath (cr->opts->bundle ? cr->opts->bundle : ".", NULL);
  if (cr->bundle == NULL || stat (cr->bundle, &st) < 0)
    return ocirun_error (err, errno, "bundle `%s`", cr->opts->bundle ? cr->opts->bundle : ".");
  if (state_create_dir (cr->opts->root, cr->opts->id, &cr->dir, &cr->lock_fd, err) < 0)
    return -1;
  cr->own_dir = true;
  FAULT_POINT ("create:after-state-dir");
  FAULT_HOLD ("create:hold-after-state-dir");
  if (load_config (cr, err) < 0 || check_terminal (cr, err) < 0 || sysctl_validate_host (cr->config, err) < 0)
    return -1;
  if (lsm_check (cr->config->process, cr->config->linux ? cr->config->linux->mount_label : NULL, err) < 0
      || seccomp_setup_build (cr->config, cr->opts->root, &cr->seccomp, err) < 0)
    return -1;
  if (notify_prepare (cr->dir, cr->config, &cr->notify_socket, err) < 0)
    return -1;
  if (make_start_channel (cr, err) < 0)
    return -1;
  if (cgroup_resolve (cr->config->linux ? cr->config->linux->cgroups_path : NULL, cr->opts->id, &cr->cgroups, err) < 0)
    return -1;
  if (save_state_creating (cr, err) < 0)
    return -1;
  if (cgroup_create (cr->cgroups, err) < 0 || cgroup_apply_config (cr->cgroups, cr->config, err) < 0)
    return -1;
  /* execCPUAffinity.initial must hold before the init joins: then we
   * move it in ourselves, after setting it (release_init). */
  if (!(cr->config->process && cr->config->process->exec_cpu_affinity_initial)
      && cgroup_join_open (cr->cgroups, &cr->join, err) < 0)
    return -1;
  FAULT_POINT ("create:after-cgroup");
  if (cr->opts->console_socket || (cr->config->process && cr->config->process->terminal))
    return console_channel_open (cr->opts->console_socket, &cr->console_fd, &cr->console_peer, err);
  return 0;
}

static int
listen_fds (void)
{
  const char *fds = getenv ("LISTEN_FDS"), *pid = getenv ("LISTEN_PID");

  /* systemd socket activation of ocirun itself: pass them on, as runc. */
  if (fds == NULL || pid == NULL || atoi (pid) != (int) getpid ())
    return 0;
  return atoi (fds) > 0 ? atoi (fds) : 0;
}

static int
launch (struct creation *cr, ocirun_error_t *err)
{
  int fds[2];
  cleanup_close int dir_fd = -1, child_end = -1;
  struct init_ctx ctx = {
    .id = cr->opts->id, .bundle = cr->bundle, .rootfs = cr->rootfs, .config = cr->config,
    .console_fd = cr->console_fd, .listen_fds = listen_fds (),
    .no_pivot = cr->opts->no_pivot, .no_new_keyring = cr->opts->no_new_keyring, .seccomp = cr->seccomp,
    .cgroup_join = &cr->join,
  };

  ctx.keep_fds = ctx.listen_fds + cr->opts->preserve_fds;
  dir_fd = open (cr->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return ocirun_error (err, errno, "open `%s`", cr->dir);
  if (sync_pair (fds, err) < 0)
    return -1;
  cr->sync_fd = fds[0];
  child_end = fds[1];
  ctx.sync_fd = child_end;
  ctx.state_dir_fd = dir_fd;
  ctx.parent_fds[0] = cr->sync_fd;
  ctx.parent_fds[1] = cr->lock_fd;
  ctx.parent_fds[2] = -1; /* the shim's */
  ctx.parent_fds[3] = cr->report_fd;
  ctx.report_fd = cr->report_child;
  ocirun_debug ("container `%s`: spawning the init (%s)", cr->opts->id,
                cr->opts->parent == PARENT_SHIM ? "shim" : cr->opts->parent == PARENT_ENGINE ? "engine reaps" : "foreground");
  if (cr->opts->parent == PARENT_SHIM)
    {
      int shim = shim_spawn (&ctx, cr->dir, err);
      if (shim < 0)
        return -1;
      /* Our unreaped child: the pid cannot be reused meanwhile. */
      cr->shim_pidfd = syscall (SYS_pidfd_open, shim, 0);
      return cr->shim_pidfd < 0 ? ocirun_error (err, errno, "pidfd_open of the shim (pid %d)", shim) : 0;
    }
  /* A two-step spawn's init is reparented to us, so that we can reap it. */
  if (cr->subreaper_if_two_step && ns_needs_intermediate (cr->config)
      && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return ocirun_error (err, errno, "become a child subreaper");
  cr->pid = init_spawn (&ctx, &cr->helper, err);
  if (cr->report_child >= 0)
    close (cr->report_child);
  cr->report_child = -1;
  return cr->pid < 0 ? -1 : 0;
}

/* The init is known: move it into the cgroup, write its id maps when the
 * clone created its user namespace, and let it go on. */
static int
release_init (struct creation *cr, ocirun_error_t *err)
{
  char lines[96];

  if (proc_start_time (cr->pid, &cr->start_time, NULL) < 0)
    return ocirun_error (err, errno, "read the start time of the init (pid %d)", (int) cr->pid);
  snprintf (lines, sizeof (lines), "pid=%d\nstart_time=%" PRIu64 "\n", (int) cr->pid, cr->start_time);
  if (state_append (cr->dir, lines, err) < 0)
    return -1;
  FAULT_POINT ("create:after-clone");
  ocirun_debug ("container `%s`: init pid %d, cgroup %s", cr->opts->id, (int) cr->pid,
                cr->cgroups[0] ? cr->cgroups[0] : "(none)");
  if (cr->helper > 0)
    while (waitpid (cr->helper, NULL, 0) < 0 && errno == EINTR)
      ;
  /* execCPUAffinity.initial holds until the cgroup (and later .final)
   * decide: applied before the init joins the container's cgroup. */
  if (cr->config->process && cr->config->process->exec_cpu_affinity_initial
      && process_set_cpu_affinity (cr->pid, cr->config->process->exec_cpu_affinity_initial, err) < 0)
    return -1;
  if (!cr->join.active && cgroup_enter (cr->cgroups, cr->pid, err) < 0)
    return -1;
  cgroup_join_close (&cr->join);
  if (cgroup_apply_pids_limit (cr->cgroups, cr->config, err) < 0)
    return -1;
  FAULT_POINT ("create:after-cgroup-enter");
  if (!ns_needs_intermediate (cr->config) && (ns_new_flags (cr->config) & ns_clone_flag (OCI_NS_USER))
      && ns_write_id_maps (cr->pid, cr->config->linux, err) < 0)
    return -1;
  return sync_send (cr->sync_fd, SYNC_GO, cr->pid, err);
}

/* prestart, then createRuntime, in our (the runtime's) namespaces.  From
 * here on a failed create goes on to destroy and the poststop hooks. */
static int
run_create_hooks (struct creation *cr, ocirun_error_t *err)
{
  struct hook_state st = { .id = cr->opts->id, .bundle = cr->bundle, .pid = cr->pid, .cwd = cr->bundle };

  cr->hooks_started = true;
  if (hooks_run (cr->config, HOOK_PRESTART, &st, err) < 0)
    return -1;
  return hooks_run (cr->config, HOOK_CREATE_RUNTIME, &st, err);
}

static int
take_seccomp_listener (struct creation *cr, int fd_number, ocirun_error_t *err)
{
  const oci_seccomp *s = cr->config->linux ? cr->config->linux->seccomp : NULL;
  oci_state state = {
    .oci_version = OCI_SPEC_VERSION, .id = cr->opts->id, .status = "creating", .pid = cr->pid,
    .bundle = cr->bundle, .rootfs = cr->rootfs, .created = cr->created, .owner = "",
    .annotations = &cr->config->annotations,
  };

  if (s == NULL)
    return ocirun_error (err, 0, "unexpected seccomp listener from the init");
  return seccomp_setup_take_listener (cr->sync_fd, cr->pid, cr->start_time, fd_number, s, &state, err);
}

/* Until the shim sent the init's pid, it holds the init's end of the
 * sync channel too: a shim killed then would leave us waiting forever. */
static int
wait_sync_or_shim (struct creation *cr, ocirun_error_t *err)
{
  struct pollfd p[2] = { { .fd = cr->sync_fd, .events = POLLIN }, { .fd = cr->shim_pidfd, .events = POLLIN } };

  if (cr->shim_pidfd < 0 || cr->pid > 0)
    return 0;
  while (poll (p, 2, -1) < 0)
    if (errno != EINTR)
      return ocirun_error (err, errno, "poll the sync channel");
  if (p[0].revents == 0)
    return ocirun_error (err, 0, "the shim of container `%s` exited before it reported the init's pid", cr->opts->id);
  return 0;
}

static int
drive (struct creation *cr, ocirun_error_t *err)
{
  struct sync_msg m;

  if (cr->pid > 0 && release_init (cr, err) < 0)
    return -1;
  for (;;)
    {
      if (wait_sync_or_shim (cr, err) < 0 || sync_recv (cr->sync_fd, &m, err) < 0)
        return -1;
      switch (m.type)
        {
        case SYNC_USERMAP:
          if (ns_write_id_maps (m.pid, cr->config->linux, err) < 0
              || sync_send (cr->sync_fd, SYNC_USERMAP_ACK, 0, err) < 0)
            return -1;
          break;
        case SYNC_PID:
          cr->pid = m.pid;
          if (release_init (cr, err) < 0)
            return -1;
          break;
        case SYNC_SECCOMP_FD:
          if (take_seccomp_listener (cr, m.pid, err) < 0)
            return -1;
          break;
        case SYNC_HOOKS:
          if (run_create_hooks (cr, err) < 0 || sync_send (cr->sync_fd, SYNC_HOOKS_DONE, 0, err) < 0)
            return -1;
          break;
        case SYNC_READY:
          ocirun_debug ("container `%s`: init ready, waiting for start", cr->opts->id);
          FAULT_POINT ("create:after-ready");
          return 0;
        default:
          return ocirun_error (err, 0, "unexpected sync message %u", m.type);
        }
    }
}

static int
finish (struct creation *cr, ocirun_error_t *err)
{
  char buf[32];
  int len;

  if (!cr->release_by_sync && state_append (cr->dir, "creating=0\n", err) < 0)
    return -1;
  FAULT_POINT ("create:after-state-write");
  if (cr->opts->pid_file == NULL)
    return 0;
  len = snprintf (buf, sizeof (buf), "%d", (int) cr->pid);
  if (write_file_atomic (cr->opts->pid_file, buf, len, 0644, err) < 0)
    return -1;
  FAULT_POINT ("create:after-pid-file");
  return 0;
}

static void
abort_creation (struct creation *cr)
{
  cleanup_error ocirun_error_t err = NULL;

  if (cr->sync_fd >= 0)
    close (cr->sync_fd);
  cr->sync_fd = -1;
  if (cr->pid > 0 && cr->start_time)
    kill_and_wait (cr->pid, cr->start_time, &err);
  else if (cr->pid > 0)
    {
      kill (cr->pid, SIGKILL);
      waitpid (cr->pid, NULL, 0);
    }
  if (cr->helper > 0)
    {
      kill (cr->helper, SIGKILL);
      waitpid (cr->helper, NULL, 0);
    }
  ocirun_error_release (&err);
  if (cr->cgroups && cgroup_destroy (cr->cgroups, &err) < 0)
    ocirun_warn ("cleanup: %s", err->msg);
  ocirun_error_release (&err);
  if (cr->own_dir && state_remove (cr->dir, &err) < 0)
    ocirun_warn ("cleanup: %s", err->msg);
  if (cr->hooks_started)
    {
      struct hook_state st = { .id = cr->opts->id, .bundle = cr->bundle, .cwd = cr->bundle };
      hooks_run_poststop (cr->config, &st);
    }
}

void
creation_release (struct creation *cr)
{
  if (cr->sync_fd >= 0)
    close (cr->sync_fd);
  if (cr->shim_pidfd >= 0)
    close (cr->shim_pidfd);
  if (cr->console_fd >= 0)
    close (cr->console_fd);
  if (cr->console_peer >= 0)
    close (cr->console_peer);
  if (cr->lock_fd >= 0)
    close (cr->lock_fd);
  if (cr->report_fd >= 0)
    close (cr->report_fd);
  if (cr->report_child >= 0)
    close (cr->report_child);
  cgroup_join_close (&cr->join);
  oci_config_free (cr->config);
  seccomp_compiled_free (cr->seccomp);
  free (cr->bundle);
  free (cr->rootfs);
  free (cr->notify_socket);
  free (cr->dir);
  ocirun_strv_freep (&cr->cgroups);
}

int
creation_run (struct creation *cr, ocirun_error_t *err)
{
  format_rfc3339_nano (cr->created, sizeof (cr->created));
  if (prepare (cr, err) < 0 || launch (cr, err) < 0 || drive (cr, err) < 0 || finish (cr, err) < 0)
    {
      abort_creation (cr);
      return -1;
    }
  return 0;
}

int
container_create (const struct container_create_opts *opts, pid_t *pid, ocirun_error_t *err)
{
  struct creation cr __attribute__ ((cleanup (creation_release))) = CREATION_INIT (opts);

  if (creation_run (&cr, err) < 0)
    return -1;
  if (pid)
    *pid = cr.pid;
  return 0;
}
