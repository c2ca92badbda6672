/* `ps`: the processes of the container's cgroup. */
#include "config.h"

#include "internal.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"

int
container_pids (const char *root, const char *id, pid_t **pids, size_t *n, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };

  if (state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) == STATUS_STOPPED)
    return ocirun_error (err, 0, "container `%s` is not running", id);
  return cgroup_pids (st.cgroups, pids, n, err);
}
