/* `update`: new limits on a live container's cgroups, and its Intel RDT
 * schemata when the host has resctrl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"
#include "ocirun/utils.h"

/* The container's resctrl group is <resctrl mount>/<id>, as runc names it. */
static int
update_rdt (const char *id, const char *schema, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;

  if (access ("/sys/fs/resctrl/schemata", F_OK) < 0)
    return ocirun_error (err, errno, "Intel RDT: resctrl is not mounted at /sys/fs/resctrl");
  if (asprintf (&path, "/sys/fs/resctrl/%s/schemata", id) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (access (path, F_OK) < 0)
    return ocirun_error (err, errno, "Intel RDT: container `%s` has no resctrl group (`%s`)", id, path);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, schema, strlen (schema)) < 0)
    return ocirun_error (err, errno, "write `%s` to `%s`", schema, path);
  return 0;
}

int
container_update (const char *root, const char *id, const oci_resources *r, const char *l3_cache,
                  const char *mem_bw, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;

  if (state_lock (root, id, &lock_fd, err) < 0 || state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) == STATUS_STOPPED)
    return ocirun_error (err, 0, "container not running");
  if (cgroup_apply_resources (st.cgroups, r, err) < 0)
    return -1;
  if (l3_cache && update_rdt (id, l3_cache, err) < 0)
    return -1;
  return mem_bw ? update_rdt (id, mem_bw, err) : 0;
}
