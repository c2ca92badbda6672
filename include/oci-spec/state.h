/* The container state document: runtime-spec state-schema.json plus the
 * fields runc adds (rootfs, created, owner), generated exactly as runc
 * prints it, and ocirun's own exit-status fields for stopped containers. */
#ifndef OCI_SPEC_STATE_H
#define OCI_SPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

typedef struct
{
  const char *oci_version; /* "1.3.0" */
  const char *id;
  const char *status; /* "creating" | "created" | "running" | "stopped" | "paused" */
  pid_t pid;          /* 0 once stopped */
  const char *bundle;
  const char *rootfs;
  const char *created; /* RFC 3339 with nanoseconds, UTC */
  const char *owner;   /* runc: "" in `state`; the owner's user name in `list` */
  const oci_map *annotations; /* NULL or empty: no "annotations" key */
  bool has_exit_status; /* ocirun's extension once the shim recorded it */
  int exit_status;
  const char *exited; /* RFC 3339 time of exit; NULL: no "exited" key */
} oci_state;

/* Keys in runc's order: ociVersion, id, pid, status, bundle, rootfs,
 * created, annotations (sorted by key, only when non-empty), owner; then,
 * only when has_exit_status, ocirun's "exitStatus" (exit_status, an
 * integer) and "exited" (the time string).
 * Strings are escaped as Go does (<, >, & as \u003c..., invalid UTF-8 as
 * \ufffd), so the bytes equal runc's.  *out is NUL-terminated, owned by
 * the caller; *len excludes the NUL.  Write it with fwrite (out, 1, len). */

/* `ocirun state`: runc's layout: 2-space indent and, like runc, NO final
 * newline. */
int oci_state_generate (const oci_state *s, char **out, size_t *len, ocirun_error_t *err);

/* `ocirun list -f json`: one compact line plus "\n"; "null\n" when n is 0
 * (runc encodes its empty list as null). */
int oci_state_list_generate (const oci_state *states, size_t n, char **out, size_t *len, ocirun_error_t *err);

/* What hooks read on stdin: the runtime-spec's state only (ociVersion, id,
 * status, pid when > 0, bundle, annotations when non-empty), one compact
 * line without a newline; rootfs, created, owner and the exit fields are
 * left out. */
int oci_state_spec_generate (const oci_state *s, char **out, size_t *len, ocirun_error_t *err);

#endif
