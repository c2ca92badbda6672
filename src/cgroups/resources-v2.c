/* linux.resources on the cgroup2 hierarchy, with v1-style values
 * converted the way runc converts them. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "resources.h"

uint64_t
cgroup_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
cgroup_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  return 1 + (weight - 10) * 9999 / 990;
}

int
cgroup_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ocirun_error_t *err)
{
  /* As v1: unlimited memory without a swap value means unlimited swap. */
  if (limit == -1 && swap == 0)
    return *out = -1, 0;
  if (swap == -1 || swap == 0)
    return *out = swap, 0;
  if (limit == 0 || limit == -1)
    return ocirun_error (err, 0, "memory.swap %" PRId64 " needs a memory.limit", swap);
  if (limit < 0)
    return ocirun_error (err, 0, "invalid memory.limit %" PRId64, limit);
  if (swap < limit)
    return ocirun_error (err, 0, "memory.swap %" PRId64 " (memory+swap) is below memory.limit %" PRId64, swap, limit);
  *out = swap - limit;
  return 0;
}

static int
write_max (const char *dir, const char *file, int64_t v, ocirun_error_t *err)
{
  if (v == -1)
    return cgroup_write (dir, file, "max", err);
  return cgroup_write_int (dir, file, v, err);
}

static void
warn_no_v2 (const char *what)
{
  ocirun_warn ("%s has no cgroup v2 equivalent; ignored", what);
}

/* `update --memory-swap` alone: v2's swap figure is relative to the
 * memory limit in force. */
static int
current_limit (const char *dir, int64_t *limit, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;

  if (cgroup_read (dir, "memory.max", &data, err) < 0)
    return -1;
  *limit = strncmp (data, "max", 3) == 0 ? -1 : strtoll (data, NULL, 10);
  return 0;
}

int
cgroup_v2_memory (const char *dir, const oci_memory *m, ocirun_error_t *err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap;
  cleanup_free char *cur = NULL;

  if (m->has_swap && m->swap > 0 && limit == 0 && current_limit (dir, &limit, err) < 0)
    return -1;
  if (cgroup_swap_to_v2 (m->has_swap ? m->swap : 0, limit, &swap, err) < 0)
    return -1;
  if (!m->has_limit)
    limit = 0; /* only the basis of the swap figure: memory.max stays */
  if (m->has_check_before_update && m->check_before_update && limit > 0)
    {
      if (cgroup_read (dir, "memory.current", &cur, err) < 0)
        return -1;
      if (strtoull (cur, NULL, 10) > (uint64_t) limit)
        return ocirun_error (err, 0, "memory limit %" PRId64 " is below the current usage %s of `%s`", limit,
                             strtok (cur, "\n"), dir);
    }
  /* Swap first: a lower memory.max with the old swap is always valid. */
  if (swap != 0 && write_max (dir, "memory.swap.max", swap, err) < 0)
    return -1;
  if (limit != 0 && write_max (dir, "memory.max", limit, err) < 0)
    return -1;
  if (m->has_reservation && write_max (dir, "memory.low", m->reservation, err) < 0)
    return -1;
  if (m->has_kernel)
    warn_no_v2 ("memory.kernel");
  if (m->has_kernel_tcp)
    warn_no_v2 ("memory.kernelTCP");
  if (m->has_swappiness)
    warn_no_v2 ("memory.swappiness");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    warn_no_v2 ("memory.disableOOMKiller");
  return 0;
}

int
cgroup_v2_cpu (const char *dir, const oci_cpu *c, ocirun_error_t *err)
{
  if ((c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime))
    return ocirun_error (err, 0, "cpu.realtimePeriod and cpu.realtimeRuntime are not supported on cgroup v2");
  if (c->has_shares && c->shares
      && cgroup_write_int (dir, "cpu.weight", (int64_t) cgroup_shares_to_weight (c->shares), err) < 0)
    return -1;
  if ((c->has_quota && c->quota) || (c->has_period && c->period))
    {
      char value[64];
      int len = c->has_quota && c->quota > 0 ? snprintf (value, sizeof (value), "%" PRId64, c->quota)
                                             : snprintf (value, sizeof (value), "max");
      if (c->has_period && c->period)
        snprintf (value + len, sizeof (value) - len, " %" PRIu64, c->period);
      if (cgroup_write (dir, "cpu.max", value, err) < 0)
        return -1;
    }
  if (c->has_burst && cgroup_write_int (dir, "cpu.max.burst", (int64_t) c->burst, err) < 0)
    return -1;
  if (c->has_idle && cgroup_write_int (dir, "cpu.idle", c->idle, err) < 0)
    return -1;
  return 0;
}

static int
io_max (const char *dir, const char *key, const oci_throttle_list *l, ocirun_error_t *err)
{
  for (size_t i = 0; i < l->len; i++)
    if (cgroup_writef (dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, l->items[i].major,
                       l->items[i].minor, key, l->items[i].rate) < 0)
      return -1;
  return 0;
}

int
cgroup_v2_io (const char *dir, const oci_block_io *b, ocirun_error_t *err)
{
  bool bfq = cgroup_file_exists (dir, "io.bfq.weight");

  if ((b->has_leaf_weight && b->leaf_weight))
    return ocirun_error (err, 0, "blockIO.leafWeight is not supported on cgroup v2");
  if (b->has_weight && b->weight)
    {
      /* BFQ takes blkio's 10-1000 range as it is. */
      uint64_t w = bfq ? b->weight : cgroup_blkio_to_io_weight (b->weight);
      if (cgroup_write_int (dir, bfq ? "io.bfq.weight" : "io.weight", (int64_t) w, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *w = &b->weight_device[i];
      if (w->has_leaf_weight)
        return ocirun_error (err, 0, "blockIO.weightDevice[].leafWeight is not supported on cgroup v2");
      if (w->has_weight
          && cgroup_writef (dir, bfq ? "io.bfq.weight" : "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                            w->major, w->minor, bfq ? w->weight : cgroup_blkio_to_io_weight (w->weight)) < 0)
        return -1;
    }
  if (io_max (dir, "rbps", &b->throttle_read_bps, err) < 0 || io_max (dir, "wbps", &b->throttle_write_bps, err) < 0
      || io_max (dir, "riops", &b->throttle_read_iops, err) < 0
      || io_max (dir, "wiops", &b->throttle_write_iops, err) < 0)
    return -1;
  return 0;
}

int
cgroup_v2_hugetlb (const char *dir, const oci_hugepage_limit *h, ocirun_error_t *err)
{
  cleanup_free char *file = NULL, *rsvd = NULL;

  if (asprintf (&file, "hugetlb.%s.max", h->page_size) < 0 || asprintf (&rsvd, "hugetlb.%s.rsvd.max", h->page_size) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (cgroup_write_int (dir, file, (int64_t) h->limit, err) < 0)
    return -1;
  /* Reservations count too where the kernel has them, as runc does. */
  if (cgroup_file_exists (dir, rsvd) && cgroup_write_int (dir, rsvd, (int64_t) h->limit, err) < 0)
    return -1;
  return 0;
}

/* A key names a file of the container's own directory: "memory.max". */
int
cgroup_v2_unified (const char *dir, const oci_map *unified, ocirun_error_t *err)
{
  for (size_t i = 0; i < unified->len; i++)
    {
      const char *key = unified->keys[i];
      if (strchr (key, '/') || key[0] == '.' || strchr (key, '.') == NULL)
        return ocirun_error (err, 0, "invalid linux.resources.unified key `%s`", key);
      if (!cgroup_file_exists (dir, key))
        return ocirun_error (err, ENOENT,
                             "linux.resources.unified: `%s/%s` does not exist (controller not enabled here?)", dir, key);
      if (cgroup_write (dir, key, unified->values[i], err) < 0)
        return -1;
    }
  return 0;
}
