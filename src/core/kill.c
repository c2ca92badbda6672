/* `kill`: a signal to the init (checked by pid + start time through a
 * pidfd), or with --all to every process of the container's cgroup. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

int
signal_parse (const char *text, ocirun_error_t *err)
{
  const char *name = text;
  char *end = NULL;
  long n;

  if (text == NULL || *text == '\0')
    return ocirun_error (err, 0, "invalid signal: empty");
  n = strtol (text, &end, 10);
  if (*end == '\0')
    {
      if (n <= 0 || n > SIGRTMAX)
        return ocirun_error (err, 0, "invalid signal `%s`", text);
      return (int) n;
    }
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  for (int sig = 1; sig < NSIG; sig++)
    {
      const char *abbrev = sigabbrev_np (sig);
      if (abbrev && strcasecmp (abbrev, name) == 0)
        return sig;
    }
  return ocirun_error (err, 0, "unknown signal `%s`", text);
}

static int
kill_all (const struct container_state *st, int sig, ocirun_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n;

  if (cgroup_pids (st->cgroups, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return ocirun_error (err, errno, "kill pid %d", (int) pids[i]);
  return 0;
}

int
container_kill (const char *root, const char *id, int sig, bool all, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int pidfd = -1;

  if (state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) == STATUS_STOPPED)
    return ocirun_error (err, 0, "container `%s` is not running", id);
  if (all)
    return kill_all (&st, sig, err);
  pidfd = pidfd_open_checked (st.pid, st.start_time);
  if (pidfd < 0 || pidfd_send (pidfd, sig) < 0)
    {
      if (errno == ESRCH)
        return ocirun_error (err, 0, "container `%s` is not running", id);
      return ocirun_error (err, errno, "send signal %d to pid %d", sig, (int) st.pid);
    }
  return 0;
}
