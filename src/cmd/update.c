/* ocirun update [flags] ID: runc's flags, or -r FILE / -r - with a
 * linux.resources object (then the other flags are ignored, as in runc). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"
#include "ocirun/utils.h"

struct update_flags
{
  const char *resources, *memory, *memory_reservation, *memory_swap, *kernel_memory, *kernel_memory_tcp;
  const char *cpu_share, *cpu_period, *cpu_quota, *cpu_burst, *cpu_idle, *cpu_rt_period, *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems;
  const char *pids_limit, *blkio_weight, *l3_cache_schema, *mem_bw_schema;
};

/* docker's units.RAMInBytes: "512", "64k", "1.5g", "100MiB" (powers of 1024); "-1" is unlimited. */
static int
parse_size (const char *flag, const char *text, int64_t *out, ocirun_error_t *err)
{
  static const char units[] = "kmgtp";
  char *end = NULL;
  double v;
  const char *u;

  if (strcmp (text, "-1") == 0)
    return *out = -1, 0;
  errno = 0;
  v = strtod (text, &end);
  if (end == text || errno || v < 0 || !isdigit ((unsigned char) text[0]))
    return ocirun_error (err, 0, "invalid value for %s: invalid size: '%s'", flag, text);
  if (*end == ' ')
    end++;
  if (*end && (u = strchr (units, tolower ((unsigned char) *end))))
    {
      for (int i = 0; i <= u - units; i++)
        v *= 1024;
      end++;
    }
  if (*end == 'i' || *end == 'I')
    end++;
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end || v > (double) INT64_MAX)
    return ocirun_error (err, 0, "invalid value for %s: invalid size: '%s'", flag, text);
  *out = (int64_t) v;
  return 0;
}

static int
parse_int (const char *flag, const char *text, bool is_unsigned, int64_t *out, ocirun_error_t *err)
{
  char *end = NULL;

  errno = 0;
  *out = strtoll (text, &end, 10);
  if (end == text || *end || errno || (is_unsigned && *out < 0))
    return ocirun_error (err, 0, "invalid value for %s: %s", flag, text);
  return 0;
}

/* Each flag given sets the field and its has_ flag: absent ones are left alone. */
#define SIZE_FIELD(flag, text, obj, field)                                                \
  if (text)                                                                               \
    {                                                                                     \
      if (parse_size (flag, text, &(obj)->field, err) < 0)                                \
        return -1;                                                                        \
      (obj)->has_##field = true;                                                          \
    }
#define INT_FIELD(flag, text, uns, obj, field, type)                                      \
  if (text)                                                                               \
    {                                                                                     \
      int64_t v_;                                                                         \
      if (parse_int (flag, text, uns, &v_, err) < 0)                                      \
        return -1;                                                                        \
      (obj)->field = (type) v_;                                                           \
      (obj)->has_##field = true;                                                          \
    }

static int
resources_from_flags (const struct update_flags *f, oci_resources *r, oci_memory *m, oci_cpu *c, oci_block_io *b,
                      ocirun_error_t *err)
{
  SIZE_FIELD ("memory", f->memory, m, limit);
  SIZE_FIELD ("memory-reservation", f->memory_reservation, m, reservation);
  SIZE_FIELD ("memory-swap", f->memory_swap, m, swap);
  SIZE_FIELD ("kernel-memory", f->kernel_memory, m, kernel);
  SIZE_FIELD ("kernel-memory-tcp", f->kernel_memory_tcp, m, kernel_tcp);
  INT_FIELD ("cpu-share", f->cpu_share, true, c, shares, uint64_t);
  INT_FIELD ("cpu-period", f->cpu_period, true, c, period, uint64_t);
  INT_FIELD ("cpu-quota", f->cpu_quota, false, c, quota, int64_t);
  INT_FIELD ("cpu-burst", f->cpu_burst, true, c, burst, uint64_t);
  INT_FIELD ("cpu-idle", f->cpu_idle, false, c, idle, int64_t);
  INT_FIELD ("cpu-rt-period", f->cpu_rt_period, true, c, realtime_period, uint64_t);
  INT_FIELD ("cpu-rt-runtime", f->cpu_rt_runtime, false, c, realtime_runtime, int64_t);
  INT_FIELD ("pids-limit", f->pids_limit, false, r, pids_limit, int64_t);
  INT_FIELD ("blkio-weight", f->blkio_weight, true, b, weight, uint16_t);
  c->cpus = (char *) f->cpuset_cpus;
  c->mems = (char *) f->cpuset_mems;
  if (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp)
    r->memory = m;
  if (c->has_shares || c->has_period || c->has_quota || c->has_burst || c->has_idle || c->has_realtime_period || c->has_realtime_runtime || c->cpus
      || c->mems)
    r->cpu = c;
  if (b->has_weight)
    r->block_io = b;
  return 0;
}

static int
resources_from_file (const char *path, oci_resources **r, char **text, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;

  if (strcmp (path, "-") == 0)
    {
      cleanup_file FILE *in = fdopen (dup (0), "r");
      if (in == NULL || getdelim (&data, &len, '\0', in) < 0)
        return ocirun_error (err, errno, "read the resources from the standard input");
      len = strlen (data);
    }
  else if (read_file (path, &data, &len, err) < 0)
    return -1;
  if (oci_resources_parse_data (strcmp (path, "-") == 0 ? "<stdin>" : path, data, len, r, err) < 0)
    return -1;
  *text = steal_pointer (&data);
  return 0;
}

int
cmd_update (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct update_flags f = { 0 };
  struct cmdline_option options[] = {
    CMDLINE_STRING ("resources", 'r', &f.resources,
                    "path to the file containing the resources to update or '-' to read from the standard input"),
    CMDLINE_STRING ("blkio-weight", 0, &f.blkio_weight, "Specifies per cgroup weight, range is from 10 to 1000"),
    CMDLINE_STRING ("cpu-period", 0, &f.cpu_period,
                    "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"),
    CMDLINE_STRING ("cpu-quota", 0, &f.cpu_quota, "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"),
    CMDLINE_STRING ("cpu-burst", 0, &f.cpu_burst, "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for burst a given period"),
    CMDLINE_STRING ("cpu-idle", 0, &f.cpu_idle, "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"),
    CMDLINE_STRING ("cpu-share", 0, &f.cpu_share, "CPU shares (relative weight vs. other containers)"),
    CMDLINE_STRING ("cpu-rt-period", 0, &f.cpu_rt_period,
                    "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"),
    CMDLINE_STRING ("cpu-rt-runtime", 0, &f.cpu_rt_runtime,
                    "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"),
    CMDLINE_STRING ("cpuset-cpus", 0, &f.cpuset_cpus, "CPU(s) to use"),
    CMDLINE_STRING ("cpuset-mems", 0, &f.cpuset_mems, "Memory node(s) to use"),
    CMDLINE_STRING ("kernel-memory", 0, &f.kernel_memory, "Kernel memory limit (in bytes)"),
    CMDLINE_STRING ("kernel-memory-tcp", 0, &f.kernel_memory_tcp, "Kernel memory limit (in bytes) for tcp buffer"),
    CMDLINE_STRING ("memory", 0, &f.memory, "Memory limit (in bytes)"),
    CMDLINE_STRING ("memory-reservation", 0, &f.memory_reservation, "Memory reservation or soft_limit (in bytes)"),
    CMDLINE_STRING ("memory-swap", 0, &f.memory_swap,
                    "Total memory usage (memory + swap); set '-1' to enable unlimited swap"),
    CMDLINE_STRING ("pids-limit", 0, &f.pids_limit, "Maximum number of pids allowed in the container"),
    CMDLINE_STRING ("l3-cache-schema", 0, &f.l3_cache_schema, "The string of Intel RDT/CAT L3 cache schema"),
    CMDLINE_STRING ("mem-bw-schema", 0, &f.mem_bw_schema, "The string of Intel RDT/MBA memory bandwidth schema"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = "The update command changes the resource constraints of a running container instance.\n"
                   "With --resources (-r), the file (or '-', the standard input) holds a linux.resources\n"
                   "object and all other options are ignored.",
    .options = options,
    .min_args = 1,
    .max_args = 1,
  };
  oci_resources flags_r = { 0 }, *file_r = NULL;
  oci_memory m = { 0 };
  oci_cpu c = { 0 };
  oci_block_io b = { 0 };
  cleanup_free char *json = NULL;
  int first = cmdline_parse (&cmd, argc, argv, err), ret;

  if (first <= 0)
    return first;
  if (f.resources)
    {
      if (resources_from_file (f.resources, &file_r, &json, err) < 0)
        return -1;
      ret = container_update (g->root, argv[first], file_r, json, NULL, NULL, err);
      oci_resources_free (file_r);
      return ret < 0 ? -1 : 0;
    }
  if (resources_from_flags (&f, &flags_r, &m, &c, &b, err) < 0 || oci_resources_generate (&flags_r, &json, err) < 0)
    return -1;
  ret = container_update (g->root, argv[first], &flags_r, json, f.l3_cache_schema, f.mem_bw_schema, err);
  return ret < 0 ? -1 : 0;
}
