/* Namespaces of the container's init: which to create, which to join by
 * path, user-namespace id maps and time-namespace offsets. */
#ifndef OCIRUN_NAMESPACES_H
#define OCIRUN_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

/* CLONE_NEW* flag of an enum oci_ns_type. */
int ns_clone_flag (int type);
/* CLONE_NEW* flags of the namespaces the config creates (no path). */
int ns_new_flags (const oci_config *config);
bool ns_has (const oci_config *config, int type);
/* True when a single clone cannot set the init up: a namespace is joined
 * by path, or a time namespace needs its offsets before anyone enters. */
bool ns_needs_intermediate (const oci_config *config);
/* Open every namespace path (fds[type], -1 where none) while the
 * process still sees the host's mounts. */
int ns_open_paths (const oci_config *config, int fds[OCI_NS_COUNT], ocirun_error_t *err);
/* setns() into the opened namespaces, the user namespace first. */
int ns_join_opened (const oci_config *config, int fds[OCI_NS_COUNT], ocirun_error_t *err);
/* Written from outside, into /proc/PID/{uid_map,setgroups,gid_map}. */
int ns_write_id_maps (pid_t pid, const oci_linux *linux_cfg, ocirun_error_t *err);
/* Into /proc/self/timens_offsets after unshare(CLONE_NEWTIME). */
int ns_write_time_offsets (const oci_linux *linux_cfg, ocirun_error_t *err);

#endif
