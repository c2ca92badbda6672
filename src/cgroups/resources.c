/* linux.resources: each group of settings goes to the hierarchy where its
 * controller is mounted (v1, or the cgroup2 mount on unified and hybrid
 * hosts).  What the config asks of a missing controller is an error. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "resources.h"

static int
apply_memory (char **dirs, const oci_memory *m, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cgroup_require_controller (dirs, "memory", "memory limits", &dir, &v2, err) < 0)
    return -1;
  return v2 ? cgroup_v2_memory (dir, m, err) : cgroup_v1_memory (dir, m, err);
}

static bool
cpu_sets_cpu_controller (const oci_cpu *c)
{
  return c->has_shares || c->has_quota || c->has_burst || c->has_period || c->has_realtime_runtime
         || c->has_realtime_period || c->has_idle;
}

static int
apply_cpu (char **dirs, const oci_cpu *c, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cpu_sets_cpu_controller (c))
    {
      if (cgroup_require_controller (dirs, "cpu", "cpu limits", &dir, &v2, err) < 0)
        return -1;
      if ((v2 ? cgroup_v2_cpu (dir, c, err) : cgroup_v1_cpu (dir, c, err)) < 0)
        return -1;
    }
  if (c->cpus == NULL && c->mems == NULL)
    return 0;
  if (cgroup_require_controller (dirs, "cpuset", "cpu.cpus or cpu.mems", &dir, &v2, err) < 0)
    return -1;
  if (c->cpus && *c->cpus && cgroup_write (dir, "cpuset.cpus", c->cpus, err) < 0)
    return -1;
  if (c->mems && *c->mems && cgroup_write (dir, "cpuset.mems", c->mems, err) < 0)
    return -1;
  return 0;
}

static int
apply_pids (char **dirs, int64_t limit, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  /* runc: 0 leaves the limit alone, a negative value is "max". */
  if (limit == 0)
    return 0;
  if (cgroup_require_controller (dirs, "pids", "pids.limit", &dir, &v2, err) < 0)
    return -1;
  return limit < 0 ? cgroup_write (dir, "pids.max", "max", err) : cgroup_write_int (dir, "pids.max", limit, err);
}

static int
apply_block_io (char **dirs, const oci_block_io *b, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cgroup_controller_dir (dirs, "blkio", &dir, &v2, err) < 0)
    return -1;
  if (dir == NULL && cgroup_require_controller (dirs, "io", "blockIO", &dir, &v2, err) < 0)
    return -1;
  return v2 ? cgroup_v2_io (dir, b, err) : cgroup_v1_blkio (dir, b, err);
}

static int
apply_hugetlb (char **dirs, const oci_resources *r, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cgroup_require_controller (dirs, "hugetlb", "hugepageLimits", &dir, &v2, err) < 0)
    return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      const oci_hugepage_limit *h = &r->hugepage_limits[i];
      for (const char *p = h->page_size; *p; p++)
        if (!isalnum ((unsigned char) *p))
          return ocirun_error (err, 0, "invalid hugepageLimits page size `%s`", h->page_size);
      if ((v2 ? cgroup_v2_hugetlb (dir, h, err) : cgroup_v1_hugetlb (dir, h, err)) < 0)
        return -1;
    }
  return 0;
}

static int
apply_network (char **dirs, const oci_resources *r, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (r->has_net_class_id)
    {
      if (cgroup_require_controller (dirs, "net_cls", "network.classID", &dir, &v2, err) < 0
          || cgroup_write_int (dir, "net_cls.classid", r->net_class_id, err) < 0)
        return -1;
    }
  if (r->net_priorities_len == 0)
    return 0;
  if (cgroup_require_controller (dirs, "net_prio", "network.priorities", &dir, &v2, err) < 0)
    return -1;
  for (size_t i = 0; i < r->net_priorities_len; i++)
    if (cgroup_writef (dir, "net_prio.ifpriomap", err, "%s %u", r->net_priorities[i].name,
                       r->net_priorities[i].priority) < 0)
      return -1;
  return 0;
}

static int
apply_rdma (char **dirs, const oci_resources *r, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cgroup_require_controller (dirs, "rdma", "rdma", &dir, &v2, err) < 0)
    return -1;
  for (size_t i = 0; i < r->rdma_len; i++)
    {
      const oci_rdma *d = &r->rdma[i];
      char handles[32] = "", objects[32] = "";
      if (!d->has_hca_handles && !d->has_hca_objects)
        continue;
      if (d->has_hca_handles)
        snprintf (handles, sizeof (handles), " hca_handle=%u", d->hca_handles);
      if (d->has_hca_objects)
        snprintf (objects, sizeof (objects), " hca_object=%u", d->hca_objects);
      if (cgroup_writef (dir, "rdma.max", err, "%s%s%s", d->device, handles, objects) < 0)
        return -1;
    }
  return 0;
}

static int
apply_unified (char **dirs, const oci_map *unified, ocirun_error_t *err)
{
  const char *dir = cgroup_v2_dir (dirs);

  if (dir == NULL)
    return ocirun_error (err, 0, "linux.resources.unified needs cgroup v2, and this host has no cgroup2 hierarchy");
  return cgroup_v2_unified (dir, unified, err);
}

static int
apply_resources (char **dirs, const oci_resources *r, bool with_pids, ocirun_error_t *err)
{
  const char *v2_dir = cgroup_v2_dir (dirs);

  if (r == NULL)
    return 0;
  if (v2_dir && cgroup_v2_enable (v2_dir, err) < 0)
    return -1;
  if (r->memory && apply_memory (dirs, r->memory, err) < 0)
    return -1;
  if (r->cpu && apply_cpu (dirs, r->cpu, err) < 0)
    return -1;
  if (with_pids && r->has_pids_limit && apply_pids (dirs, r->pids_limit, err) < 0)
    return -1;
  if (r->block_io && apply_block_io (dirs, r->block_io, err) < 0)
    return -1;
  if (r->hugepage_limits_len && apply_hugetlb (dirs, r, err) < 0)
    return -1;
  if (apply_network (dirs, r, err) < 0)
    return -1;
  if (r->rdma_len && apply_rdma (dirs, r, err) < 0)
    return -1;
  if (r->unified.len && apply_unified (dirs, &r->unified, err) < 0)
    return -1;
  return 0;
}

int
cgroup_apply_resources (char **dirs, const oci_resources *r, ocirun_error_t *err)
{
  return apply_resources (dirs, r, true, err);
}

static int
apply_devices (char **dirs, const oci_config *config, ocirun_error_t *err)
{
  cleanup_free struct cgroup_dev_rule *rules = NULL;
  const char *dir;
  bool v2;
  size_t n;

  if (cgroup_device_rules (config, &rules, &n, err) < 0)
    return -1;
  if (cgroup_controller_dir (dirs, "devices", &dir, &v2, err) < 0)
    return -1;
  if (dir)
    return cgroup_v1_devices (dir, rules, n, err);
  /* cgroup v2 has no devices controller: an eBPF program takes its place. */
  dir = cgroup_v2_dir (dirs);
  if (dir == NULL)
    return ocirun_error (err, 0, "no devices cgroup (v1) and no cgroup2 hierarchy to restrict devices with");
  return cgroup_bpf_devices (dir, rules, n, err);
}

int
cgroup_apply_config (char **dirs, const oci_config *config, ocirun_error_t *err)
{
  const oci_resources *r = config->linux ? config->linux->resources : NULL;

  if (apply_resources (dirs, r, false, err) < 0)
    return -1;
  return apply_devices (dirs, config, err);
}

int
cgroup_apply_pids_limit (char **dirs, const oci_config *config, ocirun_error_t *err)
{
  const oci_resources *r = config->linux ? config->linux->resources : NULL;

  if (r == NULL || !r->has_pids_limit)
    return 0;
  return apply_pids (dirs, r->pids_limit, err);
}
