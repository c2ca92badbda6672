/* `start`: open the exec fifo for reading, which releases the init; it
 * returns once the init exec'd the process (the fifo's close-on-exec
 * write end closed with nothing written) or with the error it wrote. */
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
wait_exec (int fifo, int pidfd, ocirun_error_t *err)
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
  if (used == 0)
    return 0;
  return ocirun_error_from_buf (err, buf, used);
}

int
container_start (const char *root, const char *id, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1, fifo = -1, pidfd = -1, notify = -1;
  cleanup_free char *path = NULL;
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
  ret = wait_exec (fifo, pidfd, err);
  /* Started or failed: either way it is no longer `created` (the init
   * removed it already unless a user namespace kept it from it). */
  unlink (path);
  /* Waiting for READY=1 may take long: other operations may go on. */
  close (lock_fd);
  lock_fd = -1;
  if (ret == 0 && notify >= 0)
    ret = notify_relay (notify, pidfd, st.pid, st.notify_socket, err);
  return ret;
}
