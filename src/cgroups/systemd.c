/* --systemd-cgroup: the systemd driver places containers in units through
 * systemd's D-Bus API, which needs a running systemd. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "ocirun/cgroup-resources.h"

int
cgroup_systemd_check (ocirun_error_t *err)
{
  /* sd_booted(3)'s test. */
  if (access ("/run/systemd/system", F_OK) < 0)
    return ocirun_error (err, 0, "--systemd-cgroup: systemd is not running on this host "
                                 "(/run/systemd/system does not exist); run without --systemd-cgroup");
  return ocirun_error (err, 0, "--systemd-cgroup: the systemd cgroup driver is not part of this build of ocirun; "
                               "run without --systemd-cgroup");
}
