/* `start`: open the exec fifo for reading, which releases the init; it
 * returns once the init exec'd the process (the fifo's close-on-exec
 * write end closed after FIFO_RELEASED alone) or with the error it wrote. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"

/* Append what is in the fifo to buf; returns 1 at end of file. */
static int
drain (int fd, char *buf, size_t size, size_t *used, ocirun_error_t *err)
{
  for (;;)
    {
      char scratch[256];
      ssize_t n = read (fd, *used < size - 1 ? buf + *used : scratch,
                        *used < size - 1 ? size - 1 - *used : sizeof (scratch));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n < 0)
        return ocirun_error (err, errno, "read the exec fifo");
      if (n == 0)
        return 1;
      if (*used < size - 1)
        *used += n;
    }
}

static int
wait_exec (int fifo, int pidfd, bool *hook_failed, ocirun_error_t *err)
{
  char buf[4096];
  size_t used = 0;

  for (;;)
    {
      struct pollfd p[2] = { { .fd = fifo, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
      int r = poll (p, 2, -1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return ocirun_error (err, errno, "poll the exec fifo");
      if (p[0].revents & (POLLIN | POLLHUP))
        {
          r = drain (fifo, buf, sizeof (buf), &used, err);
          if (r < 0)
            return -1;
          if (r == 1 && (p[0].revents & POLLHUP))
            break;
          continue;
        }
      if (p[1].revents)
        /* Gone without ever opening the fifo: it never reached exec. */
        return ocirun_error (err, 0, "the container's init exited before start");
    }
  /* A hang-up with nothing written: the init was killed before it took
   * the release (the fifo counted it as a writer while it waited). */
  if (used == 0 || buf[0] != FIFO_RELEASED)
    return ocirun_error (err, 0, "the container's init exited before start");
  if (used == 1)
    return 0;
  *hook_failed = buf[1] == FIFO_HOOK_FAILED;
  return ocirun_error_from_buf (err, buf + 1 + *hook_failed, used - 1 - *hook_failed);
}

/* A failed startContainer or poststart hook: the container is stopped and
 * destroyed (runtime.md lifecycle steps 7 and 9 go on at step 12), which
 * runs the poststop hooks.  The lock must be ours no more. */
static void
destroy_after_hook (const char *root, const char *id, int *lock_fd)
{
  cleanup_error ocirun_error_t err = NULL;

  close (*lock_fd);
  *lock_fd = -1;
  if (container_delete (root, id, true, &err) < 0)
    {
      cleanup_free char *msg = ocirun_error_format (err);
      ocirun_warn ("destroy container `%s` after its failed hook: %s", id, msg);
    }
}

static int
poststart (const char *root, const struct container_state *st, const oci_config *config, int *lock_fd,
           ocirun_error_t *err)
{
  struct hook_state hs = { .id = st->id, .bundle = st->bundle, .pid = st->pid, .cwd = st->bundle };

  if (!hooks_any (config, HOOK_POSTSTART))
    return 0;
  /* A hook may well call `ocirun state` or `kill`: not under our lock. */
  close (*lock_fd);
  *lock_fd = -1;
  if (hooks_run (config, HOOK_POSTSTART, &hs, err) == 0)
    return 0;
  destroy_after_hook (root, st->id, lock_fd);
  return -1;
}

static int
load_config (const struct container_state *st, oci_config **config, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/" CONFIG_FILE, st->dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return oci_config_parse_file (path, config, err);
}

/* Released: wait until the init exec'd (channel: the fifo, or run's
 * report pipe) and see the start through -- poststart hooks, and
 * NOTIFY_SOCKET's READY=1 when asked.  `mark_running` runs once the
 * process exec'd, before the poststart hooks see the state. */
int
start_wait_released (const char *root, const struct container_state *st, const oci_config *config,
                     struct start_channel *ch, ocirun_error_t *err)
{
  bool hook_failed = false;
  int ret;

  ret = wait_exec (ch->fd, ch->pidfd, &hook_failed, err);
  /* Started or failed: either way it is no longer `created`. */
  ch->mark_running (st);
  if (ret < 0 && hook_failed)
    destroy_after_hook (root, st->id, &ch->lock_fd);
  if (ret == 0)
    ret = poststart (root, st, config, &ch->lock_fd, err);
  /* Waiting for READY=1 may take long: other operations may go on. */
  if (ch->lock_fd >= 0)
    close (ch->lock_fd);
  ch->lock_fd = -1;
  if (ret == 0 && ch->notify >= 0)
    ret = notify_relay (ch->notify, ch->pidfd, st->pid, st->notify_socket, err);
  return ret;
}

static void
unlink_fifo (const struct container_state *st)
{
  char path[4096];

  /* The init removed it already unless it lacked the permission. */
  snprintf (path, sizeof (path), "%s/" FIFO_FILE, st->dir);
  unlink (path);
}

int
container_start (const char *root, const char *id, ocirun_error_t *err)
{
  cleanup_oci_config oci_config *config = NULL;
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1, fifo = -1, pidfd = -1, notify = -1;
  cleanup_free char *path = NULL;
  struct start_channel ch = { .mark_running = unlink_fifo };
  enum container_status status;
  int ret;

  if (state_lock (root, id, &lock_fd, err) < 0 || state_load (root, id, &st, err) < 0)
    return -1;
  status = state_status (&st);
  if (status == STATUS_STOPPED)
    return ocirun_error (err, 0, "cannot start a container that has stopped");
  if (status == STATUS_CREATING)
    return ocirun_error (err, 0, "cannot start container `%s`: its create did not finish (delete it)", id);
  if (status == STATUS_RUNNING)
    return ocirun_error (err, 0, "cannot start an already running container");
  if (status == STATUS_PAUSED)
    return ocirun_error (err, 0, "cannot start a container in the paused state");
  if (!st.has_process)
    return ocirun_error (err, 0, "cannot start container `%s`: its config has no process", id);
  if (asprintf (&path, "%s/" FIFO_FILE, st.dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (load_config (&st, &config, err) < 0)
    return -1;
  /* The pidfd first: opening the fifo lets the init exec, and a short
   * process may be gone (and reaped) right after. */
  pidfd = pidfd_open_checked (st.pid, st.start_time);
  if (pidfd < 0)
    return ocirun_error (err, 0, "cannot start a container that has stopped");
  if (st.notify_socket && (notify = notify_listen (st.dir, err)) < 0)
    return -1;
  FAULT_POINT ("start:before-release");
  fifo = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return ocirun_error (err, errno, "open the exec fifo `%s`", path);
  ocirun_debug ("container `%s`: released the init (pid %d)", id, (int) st.pid);
  FAULT_POINT ("start:after-release");
  ch.fd = fifo;
  ch.pidfd = pidfd;
  ch.notify = notify;
  ch.lock_fd = steal_fd (&lock_fd);
  ret = start_wait_released (root, &st, config, &ch, err);
  if (ch.lock_fd >= 0)
    close (ch.lock_fd);
  return ret;
}
