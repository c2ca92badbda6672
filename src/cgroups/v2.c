/* The cgroup2 hierarchy: /sys/fs/cgroup on unified hosts, the
 * "unified" mount on hybrid ones; found in /proc/self/mountinfo. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "internal.h"

int
cgroup_v2_mount (struct cgroup_mount *out, ocirun_error_t *err)
{
  cleanup_free char *mnt = NULL, *root = NULL, *own = NULL;

  if (cgroup_find_mount ("cgroup2", NULL, &mnt, &root, err) < 0)
    return -1;
  if (mnt == NULL)
    return 1;
  if (cgroup_own_path ("", &own, err) < 0)
    return -1;
  out->mountpoint = steal_pointer (&mnt);
  out->own = cgroup_strip_root (own, root);
  out->controllers = strdup ("");
  if (out->own == NULL || out->controllers == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  return 0;
}
