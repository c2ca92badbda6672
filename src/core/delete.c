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
#include "ocirun/log.h"
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

/* runc's `delete --force` of an id with no state directory is silent
 * and succeeds: podman calls it after every failed create. */
static bool
container_missing (const char *root, const char *id)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *dir = NULL;

  if (state_validate_id (id, &err) < 0)
    return false;
  dir = state_dir (root, id);
  return dir && access (dir, F_OK) < 0 && errno == ENOENT;
}

/* The copy of config.json in the state dir, read before the dir goes,
 * when it has poststop hooks. */
static oci_config *
poststop_config (const struct container_state *st)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *path = NULL;
  oci_config *config = NULL;

  if (asprintf (&path, "%s/" CONFIG_FILE, st->dir) < 0)
    return NULL;
  if (oci_config_parse_file (path, &config, &err) < 0)
    {
      cleanup_free char *msg = ocirun_error_format (err);
      ocirun_warn ("container `%s`: no poststop hooks run: %s", st->id, msg);
      return NULL;
    }
  if (hooks_any (config, HOOK_POSTSTOP))
    return config;
  oci_config_free (config);
  return NULL;
}

int
container_delete (const char *root, const char *id, bool force, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;
  cleanup_oci_config oci_config *config = NULL;
  enum container_status status;

  /* The id may be one whose create was killed before its directory had
   * its name: what it left has no name to delete by. */
  if (force && container_missing (root, id))
    {
      state_sweep_stale_creating (root);
      return 0;
    }
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
  config = poststop_config (&st);
  if (state_remove (st.dir, err) < 0)
    return -1;
  if (config)
    {
      struct hook_state hs = { .id = id, .bundle = st.bundle, .cwd = st.bundle };
      close (lock_fd);
      lock_fd = -1;
      hooks_run_poststop (config, &hs);
    }
  return 0;
}
