/* The starter config.json `ocirun spec` writes: runc's default document,
 * byte for byte (tab indentation, no final newline), except ociVersion. */
#ifndef OCI_SPEC_SPEC_DEFAULT_H
#define OCI_SPEC_SPEC_DEFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ocirun/error.h"

/* rootless: runc's `spec --rootless` variant: a user namespace mapping
 * host uid/gid (the caller's effective ids) to 0 with size 1, no network
 * namespace, no device cgroup rules, /sys bind-mounted from the host and
 * no gid= option on mounts (the mapped gid 5 does not exist). */
int oci_spec_default_generate (bool rootless, uid_t uid, gid_t gid, char **out, size_t *len, ocirun_error_t *err);

#endif
