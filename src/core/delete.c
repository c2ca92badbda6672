/* `delete`: a created container's init is killed first (as runc does), a
 * running one only with --force; then every leftover process of the
 * cgroup, the cgroup directories and the state dir go. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/utils.h"

static int
kill_leftovers (char **cgroups, ocirun_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n;

  if (cgroups == NULL || cgroups[0] == NULL)
    return 0;
  if (cgroup_pids (cgroups, &pids, &n, err) < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      ocirun_error_release (err);
      return 0;
    }
  for (size_t i = 0; i < n; i++)
    kill (pids[i], SIGKILL);
  return 0;
}

int
container_delete (const char *root, const char *id, bool force, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;
  enum container_status status;

  if (state_lock (root, id, &lock_fd, err) < 0)
    return -1;
  if (state_load (root, id, &st, err) < 0)
    {
      /* A directory without a state file is what a create killed midway
       * leaves: nothing runs for it, remove it. */
      cleanup_free char *dir = state_dir (root, id);
      ocirun_error_release (err);
      return dir ? state_remove (dir, err) : ocirun_error (err, ENOMEM, "allocate");
    }
  status = state_status (&st);
  if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force)
    return ocirun_error (err, 0, "cannot delete container `%s` that is not stopped: %s", id,
                         state_status_name (status));
  /* A frozen v1 task dies of SIGKILL only once thawed. */
  if (status == STATUS_PAUSED && (kill_leftovers (st.cgroups, err) < 0 || cgroup_freeze (st.cgroups, false, err) < 0))
    return -1;
  if (status != STATUS_STOPPED && st.pid > 0 && kill_and_wait (st.pid, st.start_time, err) < 0)
    return -1;
  FAULT_POINT ("delete:after-kill");
  if (kill_leftovers (st.cgroups, err) < 0 || cgroup_destroy (st.cgroups, err) < 0)
    return -1;
  FAULT_POINT ("delete:after-cgroup-destroy");
  return state_remove (st.dir, err);
}
