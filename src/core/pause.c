/* `pause` / `resume`: freeze or thaw the container's cgroup. */
#include "config.h"

#include "internal.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"

int
container_pause (const char *root, const char *id, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;
  enum container_status status;

  if (state_lock (root, id, &lock_fd, err) < 0 || state_load (root, id, &st, err) < 0)
    return -1;
  status = state_status (&st);
  if (status != STATUS_RUNNING && status != STATUS_CREATED)
    return ocirun_error (err, 0, "container not running");
  return cgroup_freeze (st.cgroups, true, err);
}

int
container_resume (const char *root, const char *id, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;

  if (state_lock (root, id, &lock_fd, err) < 0 || state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) != STATUS_PAUSED)
    return ocirun_error (err, 0, "container not paused");
  return cgroup_freeze (st.cgroups, false, err);
}
