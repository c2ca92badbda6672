/* Shared by the files that write limits, freeze and read statistics. */
#ifndef OCIRUN_CGROUPS_RESOURCES_H
#define OCIRUN_CGROUPS_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

struct bpf_insn;

/* Where a controller lives for this container: its directory in the v1
 * hierarchy that has it mounted, else in the cgroup2 hierarchy when the
 * cgroup2 root offers it.  *dir NULL when neither (not an error). */
int cgroup_controller_dir (char **dirs, const char *controller, const char **dir, bool *v2, ocirun_error_t *err);
/* Same, with an error naming what the config asked for when missing. */
int cgroup_require_controller (char **dirs, const char *controller, const char *why, const char **dir, bool *v2,
                               ocirun_error_t *err);
/* The container's directory in the cgroup2 hierarchy, or NULL. */
const char *cgroup_v2_dir (char **dirs);
/* Enable every controller the cgroup2 root offers down to `dir`. */
int cgroup_v2_enable (const char *dir, ocirun_error_t *err);

/* Write `value` to dir/file; the error names the file and the value. */
int cgroup_write (const char *dir, const char *file, const char *value, ocirun_error_t *err);
int cgroup_writef (const char *dir, const char *file, ocirun_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
int cgroup_write_int (const char *dir, const char *file, int64_t value, ocirun_error_t *err);
/* Read dir/file (NUL-terminated, trailing newline kept). */
int cgroup_read (const char *dir, const char *file, char **out, ocirun_error_t *err);
bool cgroup_file_exists (const char *dir, const char *file);

/* resources-v1.c / resources-v2.c: one controller each. */
int cgroup_v1_memory (const char *dir, const oci_memory *m, ocirun_error_t *err);
int cgroup_v1_cpu (const char *dir, const oci_cpu *c, ocirun_error_t *err);
int cgroup_v1_blkio (const char *dir, const oci_block_io *b, ocirun_error_t *err);
int cgroup_v1_hugetlb (const char *dir, const oci_hugepage_limit *h, ocirun_error_t *err);
int cgroup_v2_memory (const char *dir, const oci_memory *m, ocirun_error_t *err);
int cgroup_v2_cpu (const char *dir, const oci_cpu *c, ocirun_error_t *err);
int cgroup_v2_io (const char *dir, const oci_block_io *b, ocirun_error_t *err);
int cgroup_v2_hugetlb (const char *dir, const oci_hugepage_limit *h, ocirun_error_t *err);
int cgroup_v2_unified (const char *dir, const oci_map *unified, ocirun_error_t *err);

/* devices.c: the effective rule list (deny all, the config's rules,
 * runc's default allow list); devices-v1.c and devices-bpf.c enforce it
 * with the last matching rule deciding. */
struct cgroup_dev_rule
{
  bool allow;
  char type;      /* 'a', 'c', 'b' */
  int64_t major;  /* -1: any */
  int64_t minor;  /* -1: any */
  char access[4]; /* subset of "rwm" */
};
int cgroup_device_rules (const oci_config *config, struct cgroup_dev_rule **rules, size_t *n, ocirun_error_t *err);
int cgroup_v1_devices (const char *dir, const struct cgroup_dev_rule *rules, size_t n, ocirun_error_t *err);
/* The BPF_PROG_TYPE_CGROUP_DEVICE program for the rules (malloc'ed). */
struct bpf_insn *cgroup_bpf_program (const struct cgroup_dev_rule *rules, size_t n_rules, size_t *n);
int cgroup_bpf_devices (const char *dir, const struct cgroup_dev_rule *rules, size_t n, ocirun_error_t *err);

#endif
