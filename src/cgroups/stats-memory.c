/* `events` statistics of memory, pids, blkio and hugetlb, v1 and v2. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cleanup.h"
#include "resources.h"
#include "stats.h"

/* runc's MemoryEntry: limit and failcnt always, usage and max if not 0. */
static void
memory_entry (yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  stats_key (g, key);
  yajl_gen_map_open (g);
  stats_u64 (g, "limit", limit, false);
  stats_u64 (g, "usage", usage, true);
  stats_u64 (g, "max", max, true);
  stats_u64 (g, "failcnt", failcnt, false);
  yajl_gen_map_close (g);
}

static void
memory_v1_entry (yajl_gen g, const char *key, const char *dir, const char *prefix)
{
  char f[4][96];

  snprintf (f[0], sizeof (f[0]), "%s.limit_in_bytes", prefix);
  snprintf (f[1], sizeof (f[1]), "%s.usage_in_bytes", prefix);
  snprintf (f[2], sizeof (f[2]), "%s.max_usage_in_bytes", prefix);
  snprintf (f[3], sizeof (f[3]), "%s.failcnt", prefix);
  memory_entry (g, key, stats_read_u64 (dir, f[0]), stats_read_u64 (dir, f[1]), stats_read_u64 (dir, f[2]),
                stats_read_u64 (dir, f[3]));
}

void
stats_memory (yajl_gen g, char **dirs)
{
  bool v2;
  const char *dir = stats_dir (dirs, "memory", &v2);

  stats_key (g, "memory");
  yajl_gen_map_open (g);
  if (dir && !v2)
    {
      stats_u64 (g, "cache", stats_keyed (dir, "memory.stat", "cache"), true);
      memory_v1_entry (g, "usage", dir, "memory");
      memory_v1_entry (g, "swap", dir, "memory.memsw");
      memory_v1_entry (g, "kernel", dir, "memory.kmem");
      memory_v1_entry (g, "kernelTCP", dir, "memory.kmem.tcp");
    }
  else if (dir)
    {
      stats_u64 (g, "cache", stats_keyed (dir, "memory.stat", "file"), true);
      memory_entry (g, "usage", stats_read_u64 (dir, "memory.max"), stats_read_u64 (dir, "memory.current"),
                    stats_read_u64 (dir, "memory.peak"), stats_keyed (dir, "memory.events", "max"));
      memory_entry (g, "swap", stats_read_u64 (dir, "memory.swap.max"), stats_read_u64 (dir, "memory.swap.current"),
                    stats_read_u64 (dir, "memory.swap.peak"), stats_keyed (dir, "memory.swap.events", "max"));
      memory_entry (g, "kernel", 0, 0, 0, 0);
      memory_entry (g, "kernelTCP", 0, 0, 0, 0);
    }
  if (dir)
    stats_keyed_map (g, "raw", dir, "memory.stat");
  yajl_gen_map_close (g);
}

void
stats_pids (yajl_gen g, char **dirs)
{
  bool v2;
  const char *dir = stats_dir (dirs, "pids", &v2);
  uint64_t limit = stats_read_u64 (dir, "pids.max");

  stats_key (g, "pids");
  yajl_gen_map_open (g);
  stats_u64 (g, "current", stats_read_u64 (dir, "pids.current"), true);
  stats_u64 (g, "limit", limit == UINT64_MAX ? 0 : limit, true);
  yajl_gen_map_close (g);
}

/* "MAJ:MIN Op value" lines (v1) as runc's BlkioEntry list. */
static void
blkio_v1_list (yajl_gen g, const char *key, const char *dir, const char *file)
{
  cleanup_free char *data = stats_read (dir, file);
  char *save = NULL;
  bool open = false;

  if (data == NULL)
    return;
  for (char *l = strtok_r (data, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      unsigned long long major, minor, value;
      char op[32];
      if (sscanf (l, "%llu:%llu %31s %llu", &major, &minor, op, &value) != 4)
        continue;
      if (!open)
        {
          stats_key (g, key);
          yajl_gen_array_open (g);
          open = true;
        }
      yajl_gen_map_open (g);
      stats_u64 (g, "major", major, true);
      stats_u64 (g, "minor", minor, true);
      stats_key (g, "op");
      yajl_gen_string (g, (const unsigned char *) op, strlen (op));
      stats_u64 (g, "value", value, true);
      yajl_gen_map_close (g);
    }
  if (open)
    yajl_gen_array_close (g);
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." as runc maps it. */
static void
io_v2_list (yajl_gen g, const char *key, const char *dir, const char *rkey, const char *wkey)
{
  cleanup_free char *data = stats_read (dir, "io.stat");
  char *save = NULL;

  stats_key (g, key);
  yajl_gen_array_open (g);
  if (data)
    for (char *l = strtok_r (data, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
      {
        unsigned long long major, minor;
        const char *ops[2][2] = { { rkey, "Read" }, { wkey, "Write" } };
        if (sscanf (l, "%llu:%llu", &major, &minor) != 2)
          continue;
        for (int i = 0; i < 2; i++)
          {
            char *kv = strstr (l, ops[i][0]);
            yajl_gen_map_open (g);
            stats_u64 (g, "major", major, true);
            stats_u64 (g, "minor", minor, true);
            stats_key (g, "op");
            yajl_gen_string (g, (const unsigned char *) ops[i][1], strlen (ops[i][1]));
            stats_u64 (g, "value", kv ? strtoull (strchr (kv, '=') + 1, NULL, 10) : 0, true);
            yajl_gen_map_close (g);
          }
      }
  yajl_gen_array_close (g);
}

void
stats_blkio (yajl_gen g, char **dirs)
{
  bool v2;
  const char *dir = stats_dir (dirs, "blkio", &v2);

  stats_key (g, "blkio");
  yajl_gen_map_open (g);
  if (dir)
    {
      blkio_v1_list (g, "ioServiceBytesRecursive", dir, "blkio.throttle.io_service_bytes_recursive");
      blkio_v1_list (g, "ioServicedRecursive", dir, "blkio.throttle.io_serviced_recursive");
    }
  else if ((dir = stats_dir (dirs, "io", &v2)))
    {
      io_v2_list (g, "ioServiceBytesRecursive", dir, "rbytes=", "wbytes=");
      io_v2_list (g, "ioServicedRecursive", dir, "rios=", "wios=");
    }
  yajl_gen_map_close (g);
}

/* One entry per page size, named as the kernel names its files ("2MB"). */
void
stats_hugetlb (yajl_gen g, char **dirs)
{
  bool v2;
  const char *dir = stats_dir (dirs, "hugetlb", &v2);
  cleanup_dir DIR *d = dir ? opendir (dir) : NULL;
  struct dirent *de;

  stats_key (g, "hugetlb");
  yajl_gen_map_open (g);
  while (d && (de = readdir (d)))
    {
      char size[32], file[96];
      const char *suffix = v2 ? ".current" : ".usage_in_bytes";
      size_t len = strlen (de->d_name), slen = strlen (suffix);
      if (strncmp (de->d_name, "hugetlb.", 8) != 0 || len <= 8 + slen || strcmp (de->d_name + len - slen, suffix)
          || strchr (de->d_name + 8, '.') != de->d_name + len - slen || len - 8 - slen >= sizeof (size))
        continue;
      snprintf (size, sizeof (size), "%.*s", (int) (len - 8 - slen), de->d_name + 8);
      stats_key (g, size);
      yajl_gen_map_open (g);
      stats_u64 (g, "usage", stats_read_u64 (dir, de->d_name), true);
      snprintf (file, sizeof (file), v2 ? "hugetlb.%s.events" : "hugetlb.%s.max_usage_in_bytes", size);
      stats_u64 (g, "max", v2 ? 0 : stats_read_u64 (dir, file), true);
      if (!v2)
        snprintf (file, sizeof (file), "hugetlb.%s.failcnt", size);
      stats_u64 (g, "failcnt", v2 ? stats_keyed (dir, file, "max") : stats_read_u64 (dir, file), false);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}
