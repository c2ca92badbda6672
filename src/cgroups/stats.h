/* Helpers of the `events` statistics (stats.c, stats-memory.c). */
#ifndef OCIRUN_CGROUPS_STATS_H
#define OCIRUN_CGROUPS_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

void stats_key (yajl_gen g, const char *key);
/* key: v, left out when omitempty and v is 0 (Go's omitempty). */
void stats_u64 (yajl_gen g, const char *key, uint64_t v, bool omitempty);
/* The text of dir/file; NULL when dir is NULL or the file unreadable. */
char *stats_read (const char *dir, const char *file);
/* A number file ("max": UINT64_MAX); 0 when dir is NULL or unreadable. */
uint64_t stats_read_u64 (const char *dir, const char *file);
/* The value of `key` in a "key value" per line file; 0 when absent. */
uint64_t stats_keyed (const char *dir, const char *file, const char *key);
/* key: {every line of the file}; nothing when unreadable. */
void stats_keyed_map (yajl_gen g, const char *key, const char *dir, const char *file);
/* The controller's directory (NULL when none); *v2 as cgroup_controller_dir. */
const char *stats_dir (char **dirs, const char *controller, bool *v2);

void stats_memory (yajl_gen g, char **dirs);
void stats_pids (yajl_gen g, char **dirs);
void stats_blkio (yajl_gen g, char **dirs);
void stats_hugetlb (yajl_gen g, char **dirs);

#endif
