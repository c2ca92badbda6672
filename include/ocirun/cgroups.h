/* Cgroup placement: the container's directory in every mounted hierarchy
 * (each cgroup v1 hierarchy and the cgroup2 mount, on hybrid hosts both).
 * Limits are applied by the cgroups issue on top of these directories. */
#ifndef OCIRUN_CGROUPS_H
#define OCIRUN_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
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

/* src/cgroups/join.c: the new process joins the cgroups itself (v1:
 * "0" to `tasks`; cgroup2: clone3's CLONE_INTO_CGROUP), which spares
 * the kernel's grace period a write of its pid by the parent costs. */
struct cgroup_join_file
{
  int fd;
  const char *dir;  /* borrowed from the dirs given to cgroup_join_open */
  const char *name; /* "tasks" or "cgroup.procs" */
};
struct cgroup_join
{
  bool active;      /* opened: the child joins, the parent does not */
  bool v2_by_clone; /* the clone placed the child in the cgroup2 dir */
  int v2_dir;       /* O_DIRECTORY of the cgroup2 dir, or -1 */
  size_t v2_procs;  /* index of its cgroup.procs in files */
  struct cgroup_join_file *files;
  size_t n_files;
};
#define CGROUP_JOIN_INIT { .v2_dir = -1 }
/* Parent, before the clone: open what the child writes. */
int cgroup_join_open (char **dirs, struct cgroup_join *j, ocirun_error_t *err);
/* clone3 with exit signal SIGCHLD (and fork's semantics otherwise),
 * into the cgroup2 dir when j is active; -1 with errno. */
pid_t cgroup_join_clone (uint64_t flags, struct cgroup_join *j);
/* Child, first thing, still single-threaded: join every hierarchy. */
int cgroup_join_self (const struct cgroup_join *j, ocirun_error_t *err);
void cgroup_join_close (struct cgroup_join *j);
/* Every process in the container's cgroup (from the first hierarchy that
 * lists them; cgroup2 first). */
int cgroup_pids (char **dirs, pid_t **pids, size_t *n, ocirun_error_t *err);
/* Remove the directories (and sub-cgroups); waits briefly for exiting
 * processes to leave.  Missing directories are fine. */
int cgroup_destroy (char **dirs, ocirun_error_t *err);

#endif
