/* The figures of `events`: runc's "data" object (cpu, cpuset, memory,
 * pids, blkio, hugetlb, intel_rdt, network_interfaces) with its keys and
 * its omissions (Go's omitempty), read from whichever hierarchy holds each
 * controller. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "resources.h"
#include "stats.h"

void
stats_key (yajl_gen g, const char *key)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
}

void
stats_u64 (yajl_gen g, const char *key, uint64_t v, bool omitempty)
{
  char buf[32];

  if (omitempty && v == 0)
    return;
  stats_key (g, key);
  yajl_gen_number (g, buf, snprintf (buf, sizeof (buf), "%llu", (unsigned long long) v));
}

/* The text of dir/file, or NULL when dir is NULL or the file unreadable:
 * a statistic the kernel does not have is left out, not an error. */
char *
stats_read (const char *dir, const char *file)
{
  ocirun_error_t err = NULL;
  char *data = NULL;

  if (dir == NULL || cgroup_read (dir, file, &data, &err) < 0)
    {
      ocirun_error_release (&err);
      return NULL;
    }
  return data;
}

/* A number file; "max" reads as Go's math.MaxUint64, a missing file 0. */
uint64_t
stats_read_u64 (const char *dir, const char *file)
{
  cleanup_free char *data = stats_read (dir, file);

  if (data == NULL)
    return 0;
  if (strncmp (data, "max", 3) == 0)
    return UINT64_MAX;
  return strtoull (data, NULL, 10);
}

/* The value of `key` in a "key value" per line file (memory.stat, cpu.stat). */
uint64_t
stats_keyed (const char *dir, const char *file, const char *key)
{
  cleanup_free char *data = stats_read (dir, file);
  size_t len = strlen (key);

  if (data == NULL)
    return 0;
  for (char *l = data; l && *l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    if (strncmp (l, key, len) == 0 && l[len] == ' ')
      return strtoull (l + len + 1, NULL, 10);
  return 0;
}

/* Every "key value" line of a file as a JSON map ("raw"). */
void
stats_keyed_map (yajl_gen g, const char *key, const char *dir, const char *file)
{
  cleanup_free char *data = stats_read (dir, file);
  char *save = NULL;

  if (data == NULL)
    return;
  stats_key (g, key);
  yajl_gen_map_open (g);
  for (char *l = strtok_r (data, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (l, ' ');
      if (sp == NULL)
        continue;
      *sp = '\0';
      stats_u64 (g, l, strtoull (sp + 1, NULL, 10), false);
    }
  yajl_gen_map_close (g);
}

/* Space-separated numbers (cpuacct.usage_percpu) as an array; omitted when empty. */
static void
number_list (yajl_gen g, const char *key, const char *dir, const char *file)
{
  cleanup_free char *data = stats_read (dir, file);
  char *save = NULL, *tok;

  if (data == NULL)
    return;
  tok = strtok_r (data, " \n", &save);
  if (tok == NULL)
    return;
  stats_key (g, key);
  yajl_gen_array_open (g);
  for (; tok; tok = strtok_r (NULL, " \n", &save))
    yajl_gen_number (g, tok, strlen (tok));
  yajl_gen_array_close (g);
}

/* "0-2,5" as [0,1,2,5]; omitted when empty. */
static void
cpu_list (yajl_gen g, const char *key, const char *dir, const char *file)
{
  cleanup_free char *data = stats_read (dir, file);
  char *save = NULL, buf[16];
  bool open = false;

  if (data == NULL)
    return;
  for (char *r = strtok_r (data, ",\n", &save); r; r = strtok_r (NULL, ",\n", &save))
    {
      char *dash = strchr (r, '-');
      unsigned long lo = strtoul (r, NULL, 10), hi = dash ? strtoul (dash + 1, NULL, 10) : lo;
      if (!open)
        {
          stats_key (g, key);
          yajl_gen_array_open (g);
          open = true;
        }
      for (unsigned long i = lo; i <= hi && i < 65536; i++)
        yajl_gen_number (g, buf, snprintf (buf, sizeof (buf), "%lu", i));
    }
  if (open)
    yajl_gen_array_close (g);
}

const char *
stats_dir (char **dirs, const char *controller, bool *v2)
{
  ocirun_error_t err = NULL;
  const char *dir = NULL;

  if (cgroup_controller_dir (dirs, controller, &dir, v2, &err) < 0)
    ocirun_error_release (&err);
  return dir;
}

static void
gen_cpu (yajl_gen g, char **dirs)
{
  bool v2;
  const char *acct = stats_dir (dirs, "cpuacct", &v2), *cpu = stats_dir (dirs, "cpu", &v2);
  const uint64_t tick_ns = 10000000; /* cpuacct.stat counts USER_HZ (100) ticks */

  stats_key (g, "cpu");
  yajl_gen_map_open (g);
  stats_key (g, "usage");
  yajl_gen_map_open (g);
  if (acct && !v2)
    {
      stats_u64 (g, "total", stats_read_u64 (acct, "cpuacct.usage"), true);
      number_list (g, "percpu", acct, "cpuacct.usage_percpu");
      number_list (g, "percpu_kernel", acct, "cpuacct.usage_percpu_sys");
      number_list (g, "percpu_user", acct, "cpuacct.usage_percpu_user");
      stats_u64 (g, "kernel", stats_keyed (acct, "cpuacct.stat", "system") * tick_ns, false);
      stats_u64 (g, "user", stats_keyed (acct, "cpuacct.stat", "user") * tick_ns, false);
    }
  else
    {
      /* cgroup2's cpu.stat is there even without the cpu controller. */
      const char *d = cpu ? cpu : cgroup_v2_dir (dirs);
      stats_u64 (g, "total", stats_keyed (d, "cpu.stat", "usage_usec") * 1000, true);
      stats_u64 (g, "kernel", stats_keyed (d, "cpu.stat", "system_usec") * 1000, false);
      stats_u64 (g, "user", stats_keyed (d, "cpu.stat", "user_usec") * 1000, false);
    }
  yajl_gen_map_close (g);
  stats_key (g, "throttling");
  yajl_gen_map_open (g);
  stats_u64 (g, "periods", stats_keyed (cpu, "cpu.stat", "nr_periods"), true);
  stats_u64 (g, "throttled_periods", stats_keyed (cpu, "cpu.stat", "nr_throttled"), true);
  stats_u64 (g, "throttled_time", v2 ? stats_keyed (cpu, "cpu.stat", "throttled_usec") * 1000
                                     : stats_keyed (cpu, "cpu.stat", "throttled_time"), true);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
gen_cpuset (yajl_gen g, char **dirs)
{
  static const char *const fields[][2] = {
    { "cpu_exclusive", "cpuset.cpu_exclusive" },       { "mems", NULL },
    { "mem_hardwall", "cpuset.mem_hardwall" },         { "mem_exclusive", "cpuset.mem_exclusive" },
    { "memory_migrate", "cpuset.memory_migrate" },     { "memory_spread_page", "cpuset.memory_spread_page" },
    { "memory_spread_slab", "cpuset.memory_spread_slab" }, { "memory_pressure", "cpuset.memory_pressure" },
    { "sched_load_balance", "cpuset.sched_load_balance" },
  };
  bool v2;
  const char *dir = stats_dir (dirs, "cpuset", &v2);

  stats_key (g, "cpuset");
  yajl_gen_map_open (g);
  cpu_list (g, "cpus", dir, v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
  for (size_t i = 0; i < sizeof (fields) / sizeof (fields[0]); i++)
    {
      if (fields[i][1] == NULL)
        cpu_list (g, "mems", dir, v2 ? "cpuset.mems.effective" : "cpuset.mems");
      else
        stats_u64 (g, fields[i][0], v2 ? 0 : stats_read_u64 (dir, fields[i][1]), false);
    }
  stats_key (g, "sched_relax_domain_level");
  yajl_gen_integer (g, v2 || dir == NULL ? 0 : (long long) (int64_t) stats_read_u64 (dir, "cpuset.sched_relax_domain_level"));
  yajl_gen_map_close (g);
}

int
cgroup_stats_json (char **dirs, char **json, ocirun_error_t *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  if (g == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  yajl_gen_map_open (g);
  gen_cpu (g, dirs);
  gen_cpuset (g, dirs);
  stats_memory (g, dirs);
  stats_pids (g, dirs);
  stats_blkio (g, dirs);
  stats_hugetlb (g, dirs);
  stats_key (g, "intel_rdt");
  yajl_gen_map_open (g);
  yajl_gen_map_close (g);
  stats_key (g, "network_interfaces");
  yajl_gen_null (g);
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok || (*json = strndup ((const char *) buf, len)) == NULL)
    {
      yajl_gen_free (g);
      return ocirun_error (err, ENOMEM, "generate the statistics");
    }
  yajl_gen_free (g);
  return 0;
}
