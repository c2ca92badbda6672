/* linux.resources on cgroup v1 hierarchies: memory, cpu, blkio, hugetlb.
 * Orders of writes follow runc, so that an update from one pair of values
 * to another passes the kernel's checks. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "resources.h"

static int
read_u64 (const char *dir, const char *file, uint64_t *v, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;

  if (cgroup_read (dir, file, &data, err) < 0)
    return -1;
  *v = strtoull (data, NULL, 10);
  return 0;
}

/* memory and memory+swap must stay ordered (limit <= memsw): when the new
 * total is above the current limit, raise the total first. */
static int
memory_and_swap (const char *dir, const oci_memory *m, ocirun_error_t *err)
{
  bool has_memsw = cgroup_file_exists (dir, "memory.memsw.limit_in_bytes");
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  uint64_t current;

  if (limit == -1 && swap == 0 && has_memsw)
    swap = -1;
  if (swap != 0 && !has_memsw)
    return ocirun_error (err, 0, "memory.swap is set but `%s/memory.memsw.limit_in_bytes` does not exist "
                                 "(swap accounting is off in this kernel)", dir);
  if (limit != 0 && swap != 0)
    {
      if (read_u64 (dir, "memory.limit_in_bytes", &current, err) < 0)
        return -1;
      if (swap == -1 || current < (uint64_t) swap)
        {
          if (cgroup_write_int (dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
            return -1;
          return cgroup_write_int (dir, "memory.limit_in_bytes", limit, err);
        }
    }
  if (limit != 0 && cgroup_write_int (dir, "memory.limit_in_bytes", limit, err) < 0)
    return -1;
  if (swap != 0 && cgroup_write_int (dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
    return -1;
  return 0;
}

static int
check_before_update (const char *dir, const char *usage_file, const oci_memory *m, ocirun_error_t *err)
{
  uint64_t usage;

  if (!m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit <= 0)
    return 0;
  if (read_u64 (dir, usage_file, &usage, err) < 0)
    return -1;
  if (usage > (uint64_t) m->limit)
    return ocirun_error (err, 0, "memory limit %" PRId64 " is below the current usage %" PRIu64 " of `%s`",
                         m->limit, usage, dir);
  return 0;
}

/* Deprecated by the spec; kernels since 6.0 accept the write to
 * memory.kmem.limit_in_bytes and ignore it, later ones drop the file
 * (runc ignores the setting altogether): say so rather than pretend. */
static int
kernel_memory (const char *dir, int64_t limit, ocirun_error_t *err)
{
  uint64_t got;

  if (!cgroup_file_exists (dir, "memory.kmem.limit_in_bytes"))
    {
      ocirun_warn ("memory.kernel: this kernel has no kernel memory limit; ignored");
      return 0;
    }
  if (cgroup_write_int (dir, "memory.kmem.limit_in_bytes", limit, err) < 0
      || read_u64 (dir, "memory.kmem.limit_in_bytes", &got, err) < 0)
    return -1;
  if (limit > 0 && got != (uint64_t) limit)
    ocirun_warn ("memory.kernel: the kernel ignores kernel memory limits (`%s/memory.kmem.limit_in_bytes` "
                 "stays %" PRIu64 ")", dir, got);
  return 0;
}

int
cgroup_v1_memory (const char *dir, const oci_memory *m, ocirun_error_t *err)
{
  if (check_before_update (dir, "memory.usage_in_bytes", m, err) < 0 || memory_and_swap (dir, m, err) < 0)
    return -1;
  if (m->has_reservation && cgroup_write_int (dir, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
    return -1;
  if (m->has_kernel && kernel_memory (dir, m->kernel, err) < 0)
    return -1;
  if (m->has_kernel_tcp && cgroup_write_int (dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err) < 0)
    return -1;
  if (m->has_swappiness)
    {
      if (m->swappiness > 100)
        return ocirun_error (err, 0, "invalid memory.swappiness %" PRIu64 ": the range is 0-100", m->swappiness);
      if (cgroup_write_int (dir, "memory.swappiness", (int64_t) m->swappiness, err) < 0)
        return -1;
    }
  if (m->has_disable_oom_killer && m->disable_oom_killer
      && cgroup_write (dir, "memory.oom_control", "1", err) < 0)
    return -1;
  if (m->has_use_hierarchy && cgroup_write (dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", err) < 0)
    return -1;
  return 0;
}

/* A pair of files whose values the kernel checks against each other
 * (period/quota, rt period/runtime): when the first write is refused, the
 * second value may have to go first. */
static int
write_pair (const char *dir, const char *f1, bool has1, int64_t v1, const char *f2, bool has2, int64_t v2,
            ocirun_error_t *err)
{
  if (has1 && cgroup_write_int (dir, f1, v1, err) < 0)
    {
      if (!has2 || (*err)->errnum != EINVAL)
        return -1;
      ocirun_error_release (err);
      if (cgroup_write_int (dir, f2, v2, err) < 0)
        return -1;
      return cgroup_write_int (dir, f1, v1, err);
    }
  return has2 ? cgroup_write_int (dir, f2, v2, err) : 0;
}

static int
cpu_shares (const char *dir, uint64_t shares, ocirun_error_t *err)
{
  uint64_t got;

  if (cgroup_write_int (dir, "cpu.shares", (int64_t) shares, err) < 0 || read_u64 (dir, "cpu.shares", &got, err) < 0)
    return -1;
  /* The kernel clamps instead of refusing. */
  if (got != shares)
    return ocirun_error (err, 0, "cpu.shares %" PRIu64 " is out of the kernel's range (it set %" PRIu64 " in `%s`)",
                         shares, got, dir);
  return 0;
}

int
cgroup_v1_cpu (const char *dir, const oci_cpu *c, ocirun_error_t *err)
{
  if (c->has_shares && c->shares != 0 && cpu_shares (dir, c->shares, err) < 0)
    return -1;
  if (write_pair (dir, "cpu.cfs_period_us", c->has_period && c->period, (int64_t) c->period, "cpu.cfs_quota_us",
                  c->has_quota && c->quota, c->quota, err) < 0)
    return -1;
  if (c->has_burst && cgroup_write_int (dir, "cpu.cfs_burst_us", (int64_t) c->burst, err) < 0)
    return -1;
  if (write_pair (dir, "cpu.rt_period_us", c->has_realtime_period && c->realtime_period,
                  (int64_t) c->realtime_period, "cpu.rt_runtime_us",
                  c->has_realtime_runtime && c->realtime_runtime, c->realtime_runtime, err) < 0)
    return -1;
  if (c->has_idle && cgroup_write_int (dir, "cpu.idle", c->idle, err) < 0)
    return -1;
  return 0;
}

static int
throttle (const char *dir, const char *file, const oci_throttle_list *l, ocirun_error_t *err)
{
  for (size_t i = 0; i < l->len; i++)
    if (cgroup_writef (dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, l->items[i].major, l->items[i].minor,
                       l->items[i].rate) < 0)
      return -1;
  return 0;
}

/* CFQ's blkio.weight, or BFQ's blkio.bfq.weight on kernels without CFQ. */
static const char *
weight_file (const char *dir, bool device)
{
  if (cgroup_file_exists (dir, device ? "blkio.weight_device" : "blkio.weight"))
    return device ? "blkio.weight_device" : "blkio.weight";
  return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
}

int
cgroup_v1_blkio (const char *dir, const oci_block_io *b, ocirun_error_t *err)
{
  if (b->has_weight && b->weight && cgroup_write_int (dir, weight_file (dir, false), b->weight, err) < 0)
    return -1;
  if (b->has_leaf_weight && b->leaf_weight && cgroup_write_int (dir, "blkio.leaf_weight", b->leaf_weight, err) < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *w = &b->weight_device[i];
      if (w->has_weight && cgroup_writef (dir, weight_file (dir, true), err, "%" PRId64 ":%" PRId64 " %u", w->major,
                                          w->minor, w->weight) < 0)
        return -1;
      if (w->has_leaf_weight && cgroup_writef (dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u",
                                               w->major, w->minor, w->leaf_weight) < 0)
        return -1;
    }
  if (throttle (dir, "blkio.throttle.read_bps_device", &b->throttle_read_bps, err) < 0
      || throttle (dir, "blkio.throttle.write_bps_device", &b->throttle_write_bps, err) < 0
      || throttle (dir, "blkio.throttle.read_iops_device", &b->throttle_read_iops, err) < 0
      || throttle (dir, "blkio.throttle.write_iops_device", &b->throttle_write_iops, err) < 0)
    return -1;
  return 0;
}

int
cgroup_v1_hugetlb (const char *dir, const oci_hugepage_limit *h, ocirun_error_t *err)
{
  cleanup_free char *file = NULL;

  if (asprintf (&file, "hugetlb.%s.limit_in_bytes", h->page_size) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return cgroup_write_int (dir, file, (int64_t) h->limit, err);
}
