/* Container operations on its cgroups (src/core/{pause,update,ps,events}.c),
 * called by the CLI.  They never print. */
#ifndef OCIRUN_CONTAINER_CGROUP_H
#define OCIRUN_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

/* runc's rules: pause a running (or created) container, resume a paused one. */
int container_pause (const char *root, const char *id, ocirun_error_t *err);
int container_resume (const char *root, const char *id, ocirun_error_t *err);

/* New limits for a live container; l3_cache / mem_bw are Intel RDT
 * schemata lines (NULL: unchanged).  r_json is `r` as a linux.resources
 * JSON object: it is merged into the container's saved config, as runc
 * saves an update in its state, so that the config says what the cgroups
 * hold. */
int container_update (const char *root, const char *id, const oci_resources *r, const char *r_json,
                      const char *l3_cache, const char *mem_bw, ocirun_error_t *err);

/* The pids of the container's cgroup. */
int container_pids (const char *root, const char *id, pid_t **pids, size_t *n, ocirun_error_t *err);

/* `events`: `emit` gets each event as one line of JSON (no newline).
 * With `once`, a single stats event; else a stats event every
 * interval_ms and an oom event on each OOM, until the container stops.
 * A non-zero return of `emit` stops the loop and is returned. */
typedef int (*container_event_fn) (const char *json, void *data);
int container_events (const char *root, const char *id, bool once, long interval_ms, container_event_fn emit,
                      void *data, ocirun_error_t *err);

#endif
