/* Limits on the container's cgroups (linux.resources), freezing, and the
 * figures `events` reports.  The directories are those of cgroups.h:
 * one per mounted hierarchy; each controller is used in the hierarchy
 * where it is mounted (v1, or the cgroup2 mount). */
#ifndef OCIRUN_CGROUP_RESOURCES_H
#define OCIRUN_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

/* src/cgroups/resources.c: every resource of the config but the pids
 * limit, devices included (as runc: deny all, the config's rules, then
 * runc's default allow list; the last matching rule wins).  At create,
 * before the init runs user code. */
int cgroup_apply_config (char **dirs, const oci_config *config, ocirun_error_t *err);
/* The pids limit, once the init is in the cgroup and before it goes on: a
 * two-step spawn's intermediate forks the init inside the cgroup, which a
 * pids.max of 1 would refuse (runc too sets its limits after the spawn). */
int cgroup_apply_pids_limit (char **dirs, const oci_config *config, ocirun_error_t *err);
/* `update`: the resources given, without the device rules. */
int cgroup_apply_resources (char **dirs, const oci_resources *r, ocirun_error_t *err);

/* v1-style values converted for cgroup v2, as runc converts them. */
uint64_t cgroup_shares_to_weight (uint64_t shares);      /* cpu.shares -> cpu.weight; 0: unset */
uint64_t cgroup_blkio_to_io_weight (uint64_t weight);    /* blkio.weight -> io.weight; 0: unset */
/* memory.swap.max from the v1 memory+swap total; -1 is "max", 0 unset. */
int cgroup_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ocirun_error_t *err);

/* src/cgroups/freeze.c: v1 freezer.state or v2 cgroup.freeze; returns
 * once the kernel reports the cgroup frozen (or thawed). */
int cgroup_freeze (char **dirs, bool frozen, ocirun_error_t *err);
bool cgroup_is_frozen (char **dirs);

/* src/cgroups/stats.c: runc's `events` "data" object, as JSON text. */
int cgroup_stats_json (char **dirs, char **json, ocirun_error_t *err);

/* src/cgroups/oom.c: a descriptor that becomes readable on the next OOM
 * kill in the container's memory cgroup (v1 eventfd on memory.oom_control,
 * v2 inotify on memory.events); cgroup_oom_check consumes the readiness
 * and says whether an OOM kill happened since the last call. */
int cgroup_oom_watch (char **dirs, int *fd, uint64_t *count, ocirun_error_t *err);
int cgroup_oom_check (char **dirs, int fd, uint64_t *count, bool *oom, ocirun_error_t *err);

/* src/cgroups/systemd.c: --systemd-cgroup; fails with the reason. */
int cgroup_systemd_check (ocirun_error_t *err);

#endif
