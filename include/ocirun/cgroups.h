/* Cgroup placement: the container's directory in every mounted hierarchy
 * (each cgroup v1 hierarchy and the cgroup2 mount, on hybrid hosts both).
 * Limits are applied by the cgroups issue on top of these directories. */
#ifndef OCIRUN_CGROUPS_H
#define OCIRUN_CGROUPS_H

#include <sys/types.h>

#include "ocirun/error.h"

struct cgroup_mount
{
  char *mountpoint; /* /sys/fs/cgroup/memory */
  char *own;        /* this process's cgroup in it, relative to the mount root */
  char *controllers; /* "memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
};

/* src/cgroups/v1.c, v2.c: the hierarchies this process belongs to. */
int cgroup_v1_mounts (struct cgroup_mount **out, size_t *n, ocirun_error_t *err);
int cgroup_v2_mount (struct cgroup_mount *out, ocirun_error_t *err); /* 0 found, 1 none */
/* cpuset: a new v1 cpuset directory must copy cpus and mems from its parent. */
int cgroup_v1_cpuset_init (const char *dir, ocirun_error_t *err);
void cgroup_mounts_free (struct cgroup_mount *m, size_t n);

/* src/cgroups/cgroup.c */
/* The container's directories, as runc places them: cgroupsPath absent ->
 * "<own cgroup>/<id>"; relative -> under the own cgroup; absolute -> under
 * the hierarchy's root.  NULL-terminated list of absolute paths. */
int cgroup_resolve (const char *cgroups_path, const char *id, char ***dirs, ocirun_error_t *err);
int cgroup_create (char **dirs, ocirun_error_t *err);
int cgroup_enter (char **dirs, pid_t pid, ocirun_error_t *err);
/* Every process in the container's cgroup (from the first hierarchy that
 * lists them; cgroup2 first). */
int cgroup_pids (char **dirs, pid_t **pids, size_t *n, ocirun_error_t *err);
/* Remove the directories (and sub-cgroups); waits briefly for exiting
 * processes to leave.  Missing directories are fine. */
int cgroup_destroy (char **dirs, ocirun_error_t *err);

#endif
