/* The detached shim: when no engine reaps the init, this small process
 * is its parent.  It leaves the caller's session and fds, reaps the init,
 * records the exit status in the state dir and exits.
 *
 * It holds that directory open (fd 3) from the start, and reaches it only
 * through that fd: the container may be deleted once its init is a
 * zombie, and a new one created under the same id, before the shim
 * records the exit; a path would lead it into the new container. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/utils.h"

static pid_t
recorded_pid (const char *dir)
{
  char path[4096];
  cleanup_free char *data = NULL;
  ocirun_error_t err = NULL;

  snprintf (path, sizeof (path), "%s/" STATE_FILE, dir);
  if (read_file (path, &data, NULL, &err) < 0)
    {
      ocirun_error_release (&err);
      return 0;
    }
  return state_text_pid (data);
}

/* Reap children until the init (its pid is in the state file once create
 * succeeded) is gone; nothing else is left to wait for after ECHILD. */
static void __attribute__ ((noreturn))
shim_wait (const char *dir)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, 0);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid < 0)
        _exit (0);
      if (pid == recorded_pid (dir))
        {
          FAULT_POINT ("shim:before-record-exit");
          FAULT_HOLD ("shim:hold-before-record-exit");
          state_record_exit (dir, status);
          _exit (0);
        }
    }
}

/* Where the held state dir is kept, and the path that reaches it. */
#define SHIM_DIR_FD 3
#define SHIM_DIR "/proc/self/fd/3"

/* Create holds the lock: the directory at `path` is its own. */
static int
hold_state_dir (const char *path, ocirun_error_t *err)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return ocirun_error (err, errno, "open `%s`", path);
  return fd;
}

/* stdio to /dev/null, nothing else open but the state dir at SHIM_DIR_FD. */
static void
detach_stdio (int dir_fd)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  if (null >= 0)
    {
      dup2 (null, 0);
      dup2 (null, 1);
      dup2 (null, 2);
    }
  if (dir_fd != SHIM_DIR_FD)
    dup2 (dir_fd, SHIM_DIR_FD);
  syscall (SYS_close_range, SHIM_DIR_FD + 1, ~0U, 0);
  if (chdir ("/") < 0)
    {
      /* "/" always exists; nothing to do if it does not. */
    }
}

int
shim_spawn (struct init_ctx *ctx, const char *state_dir, ocirun_error_t *err)
{
  cleanup_error ocirun_error_t child_err = NULL;
  pid_t shim, init, helper;
  int dir_fd;

  shim = fork ();
  if (shim < 0)
    return ocirun_error (err, errno, "fork the shim");
  if (shim > 0)
    return shim;

  setsid ();
  /* The init of a two-step spawn is reparented to us, not to pid 1. */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  dir_fd = hold_state_dir (state_dir, &child_err);
  /* Not for the init: it closes it first. */
  ctx->parent_fds[2] = dir_fd;
  init = dir_fd < 0 ? -1 : init_spawn (ctx, &helper, &child_err);
  if (init < 0)
    {
      sync_send_error (ctx->sync_fd, child_err);
      _exit (1);
    }
  FAULT_POINT ("shim:after-spawn");
  if (init > 0 && sync_send (ctx->sync_fd, SYNC_PID, init, &child_err) < 0)
    _exit (1);
  detach_stdio (dir_fd);
  /* Give back what create's heap held: the shim lives as long as the
   * container and must stay small. */
  oci_config_free (ctx->config);
  malloc_trim (0);
  shim_wait (SHIM_DIR);
}
