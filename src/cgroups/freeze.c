/* pause / resume: the v1 freezer controller where it is mounted, else the
 * cgroup2 core file cgroup.freeze.  Freezing takes effect asynchronously:
 * wait until the kernel reports the new state. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "resources.h"

/* The freezer's directory; *v2 when it is the cgroup2 one. */
static const char *
freezer_dir (char **dirs, bool *v2, ocirun_error_t *err)
{
  const char *dir;

  if (cgroup_controller_dir (dirs, "freezer", &dir, v2, err) < 0)
    return NULL;
  if (dir && !*v2)
    return dir;
  *v2 = true;
  dir = cgroup_v2_dir (dirs);
  if (dir == NULL)
    ocirun_error (err, 0, "no freezer: neither a v1 freezer hierarchy nor a cgroup2 hierarchy is mounted");
  return dir;
}

static int
frozen_now (const char *dir, bool v2, bool *frozen, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;

  if (cgroup_read (dir, v2 ? "cgroup.events" : "freezer.state", &data, err) < 0)
    return -1;
  *frozen = v2 ? strstr (data, "frozen 1") != NULL : strncmp (data, "FROZEN", 6) == 0;
  return 0;
}

int
cgroup_freeze (char **dirs, bool frozen, ocirun_error_t *err)
{
  bool v2, now;
  const char *dir = freezer_dir (dirs, &v2, err);

  if (dir == NULL)
    return -1;
  if ((v2 ? cgroup_write (dir, "cgroup.freeze", frozen ? "1" : "0", err)
          : cgroup_write (dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err)) < 0)
    return -1;
  for (int i = 0; i < 2000; i++)
    {
      if (frozen_now (dir, v2, &now, err) < 0)
        return -1;
      if (now == frozen)
        return 0;
      /* v1 can stay FREEZING on a task in an uninterruptible sleep: ask again. */
      if (!v2 && frozen && i % 100 == 99 && cgroup_write (dir, "freezer.state", "FROZEN", err) < 0)
        return -1;
      nanosleep (&(struct timespec){ 0, 1000000 }, NULL);
    }
  return ocirun_error (err, ETIMEDOUT, "%s `%s`", frozen ? "freeze" : "thaw", dir);
}

static bool
state_says_frozen (const char *dir, bool v2, bool *frozen)
{
  cleanup_free char *data = NULL;
  ocirun_error_t err = NULL;

  if (cgroup_read (dir, v2 ? "cgroup.events" : "freezer.state", &data, &err) < 0)
    {
      ocirun_error_release (&err);
      return false;
    }
  *frozen = v2 ? strstr (data, "frozen 1") != NULL : strncmp (data, "FROZEN", 6) == 0;
  return true;
}

/* state and list ask this for every container: probe the container's own
 * directories for the freezer's state file rather than look the freezer's
 * hierarchy up in mountinfo each time, starting with the position where
 * the v1 freezer was for the previous container (the same on one host).
 * A v1 freezer wins over cgroup2's core file, as in freezer_dir. */
bool
cgroup_is_frozen (char **dirs)
{
  static size_t v1_hint;
  bool frozen = false;
  size_t n = 0;

  while (dirs && dirs[n])
    n++;
  if (v1_hint < n && state_says_frozen (dirs[v1_hint], false, &frozen))
    return frozen;
  for (size_t i = 0; i < n; i++)
    if (state_says_frozen (dirs[i], false, &frozen))
      {
        v1_hint = i;
        return frozen;
      }
  for (size_t i = 0; i < n; i++)
    if (state_says_frozen (dirs[i], true, &frozen))
      return frozen;
  return false;
}
