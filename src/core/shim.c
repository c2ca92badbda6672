/* The detached shim: when no engine reaps the init, this small process
 * is its parent.  It leaves the caller's session and fds, reaps the init,
 * records the exit status in the state dir and exits. */
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
          state_record_exit (dir, status);
          _exit (0);
        }
    }
}

static void
detach_stdio (void)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  if (null >= 0)
    {
      dup2 (null, 0);
      dup2 (null, 1);
      dup2 (null, 2);
    }
  syscall (SYS_close_range, 3, ~0U, 0);
  if (chdir ("/") < 0)
    {
      /* "/" always exists; nothing to do if it does not. */
    }
}

int
shim_spawn (struct init_ctx *ctx, const char *state_dir, ocirun_error_t *err)
{
  cleanup_error ocirun_error_t child_err = NULL;
  cleanup_free char *dir = strdup (state_dir);
  pid_t shim, init, helper;

  if (dir == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  shim = fork ();
  if (shim < 0)
    return ocirun_error (err, errno, "fork the shim");
  if (shim > 0)
    return shim;

  setsid ();
  /* The init of a two-step spawn is reparented to us, not to pid 1. */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  init = init_spawn (ctx, &helper, &child_err);
  if (init < 0)
    {
      sync_send_error (ctx->sync_fd, child_err);
      _exit (1);
    }
  FAULT_POINT ("shim:after-spawn");
  if (init > 0 && sync_send (ctx->sync_fd, SYNC_PID, init, &child_err) < 0)
    _exit (1);
  detach_stdio ();
  /* Give back what create's heap held: the shim lives as long as the
   * container and must stay small. */
  oci_config_free (ctx->config);
  malloc_trim (0);
  shim_wait (dir);
}
