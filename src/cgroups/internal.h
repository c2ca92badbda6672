/* Shared by the cgroup v1/v2 lookups. */
#ifndef OCIRUN_CGROUPS_INTERNAL_H
#define OCIRUN_CGROUPS_INTERNAL_H

#include <stdbool.h>

#include "ocirun/error.h"

/* The first mount of `fstype` whose super options hold every controller
 * of the comma list `controllers` (NULL: any).  *mnt NULL when none.
 * _in: the same in the text of a mountinfo the caller read once. */
/* /proc/self/mountinfo, read once per mount namespace (the text is
 * owned by the cache: do not free). */
int cgroup_mountinfo (const char **text, ocirun_error_t *err);
int cgroup_find_mount (const char *fstype, const char *controllers, char **mnt, char **root, ocirun_error_t *err);
int cgroup_find_mount_in (const char *mountinfo, const char *fstype, const char *controllers, char **mnt,
                          char **root, ocirun_error_t *err);
/* This process's path in the hierarchy named by `controllers` as it
 * appears in /proc/self/cgroup ("" for cgroup2). */
int cgroup_own_path (const char *controllers, char **path, ocirun_error_t *err);
/* "ID:CONTROLLERS:PATH" of /proc/self/cgroup, split in place. */
bool cgroup_line_split (char *line, char **controllers, char **path);
/* `own` relative to the mount's root ("/" when the mount root is it). */
char *cgroup_strip_root (const char *own, const char *root);

#endif
