/* config.json, "linux.resources" (config-linux.md, Control groups): the
 * walker tables for devices, memory, cpu, pids, blockIO, hugepageLimits,
 * network, rdma and unified. */
#include "config.h"

#include <string.h>

#include "oci-spec/config-internal.h"

static int
check_device_rule (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_device_rule *r = obj;
  (void) node;
  if (r->type == '\0')
    r->type = 'a';
  if (r->access && !oci_chars_in (r->access, "rwm"))
    return jw_fail (ctx, "access", "\"%s\" is not a combination of r, w and m", r->access);
  return 0;
}

static const jw_field device_rule_fields[] = {
  JW_F (oci_device_rule, "allow", JW_BOOL, allow, .flags = JW_REQUIRED),
  JW_F (oci_device_rule, "type", JW_CHAR, type, .aux = "acb"),
  JW_FH (oci_device_rule, "major", JW_INT64, major, has_major),
  JW_FH (oci_device_rule, "minor", JW_INT64, minor, has_minor),
  JW_F (oci_device_rule, "access", JW_STRING, access),
  JW_END,
};
static const jw_struct device_rule_struct
    = { .size = sizeof (oci_device_rule), .fields = device_rule_fields, .check = check_device_rule };

static const jw_field memory_fields[] = {
  JW_FH (oci_memory, "limit", JW_INT64, limit, has_limit),
  JW_FH (oci_memory, "reservation", JW_INT64, reservation, has_reservation),
  JW_FH (oci_memory, "swap", JW_INT64, swap, has_swap),
  JW_FH (oci_memory, "kernel", JW_INT64, kernel, has_kernel),
  JW_FH (oci_memory, "kernelTCP", JW_INT64, kernel_tcp, has_kernel_tcp),
  JW_FH (oci_memory, "swappiness", JW_UINT64, swappiness, has_swappiness),
  JW_FH (oci_memory, "disableOOMKiller", JW_BOOL, disable_oom_killer, has_disable_oom_killer),
  JW_FH (oci_memory, "useHierarchy", JW_BOOL, use_hierarchy, has_use_hierarchy),
  JW_FH (oci_memory, "checkBeforeUpdate", JW_BOOL, check_before_update, has_check_before_update),
  JW_END,
};
static const jw_struct memory_struct = { .size = sizeof (oci_memory), .fields = memory_fields };

static const jw_field cpu_fields[] = {
  JW_FH (oci_cpu, "shares", JW_UINT64, shares, has_shares),
  JW_FH (oci_cpu, "quota", JW_INT64, quota, has_quota),
  JW_FH (oci_cpu, "burst", JW_UINT64, burst, has_burst),
  JW_FH (oci_cpu, "period", JW_UINT64, period, has_period),
  JW_FH (oci_cpu, "realtimeRuntime", JW_INT64, realtime_runtime, has_realtime_runtime),
  JW_FH (oci_cpu, "realtimePeriod", JW_UINT64, realtime_period, has_realtime_period),
  JW_F (oci_cpu, "cpus", JW_STRING, cpus),
  JW_F (oci_cpu, "mems", JW_STRING, mems),
  JW_FH (oci_cpu, "idle", JW_INT64, idle, has_idle),
  JW_END,
};
static const jw_struct cpu_struct = { .size = sizeof (oci_cpu), .fields = cpu_fields };

/* Flattened into oci_resources. */
static const jw_field pids_fields[] = {
  { .key = "limit", .kind = JW_INT64, .offset = offsetof (oci_resources, pids_limit), .flags = JW_HAS | JW_REQUIRED,
    .has = offsetof (oci_resources, has_pids_limit) },
  JW_END,
};
static const jw_struct pids_struct = { .size = sizeof (oci_resources), .fields = pids_fields };

static int
check_weight_device (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_weight_device *w = obj;
  (void) node;
  if (!w->has_weight && !w->has_leaf_weight)
    return jw_fail (ctx, NULL, "at least one of weight and leafWeight is required");
  return 0;
}

static const jw_field weight_device_fields[] = {
  JW_F (oci_weight_device, "major", JW_INT64, major, .flags = JW_REQUIRED),
  JW_F (oci_weight_device, "minor", JW_INT64, minor, .flags = JW_REQUIRED),
  JW_FH (oci_weight_device, "weight", JW_UINT16, weight, has_weight),
  JW_FH (oci_weight_device, "leafWeight", JW_UINT16, leaf_weight, has_leaf_weight),
  JW_END,
};
static const jw_struct weight_device_struct
    = { .size = sizeof (oci_weight_device), .fields = weight_device_fields, .check = check_weight_device };

static const jw_field throttle_device_fields[] = {
  JW_F (oci_throttle_device, "major", JW_INT64, major, .flags = JW_REQUIRED),
  JW_F (oci_throttle_device, "minor", JW_INT64, minor, .flags = JW_REQUIRED),
  JW_F (oci_throttle_device, "rate", JW_UINT64, rate, .flags = JW_REQUIRED),
  JW_END,
};
static const jw_struct throttle_device_struct
    = { .size = sizeof (oci_throttle_device), .fields = throttle_device_fields };

static const jw_field block_io_fields[] = {
  JW_FH (oci_block_io, "weight", JW_UINT16, weight, has_weight),
  JW_FH (oci_block_io, "leafWeight", JW_UINT16, leaf_weight, has_leaf_weight),
  JW_F (oci_block_io, "weightDevice", JW_ARRAY, weight_device, .aux = &weight_device_struct),
  JW_F (oci_block_io, "throttleReadBpsDevice", JW_ARRAY, throttle_read_bps, .aux = &throttle_device_struct),
  JW_F (oci_block_io, "throttleWriteBpsDevice", JW_ARRAY, throttle_write_bps, .aux = &throttle_device_struct),
  JW_F (oci_block_io, "throttleReadIOPSDevice", JW_ARRAY, throttle_read_iops, .aux = &throttle_device_struct),
  JW_F (oci_block_io, "throttleWriteIOPSDevice", JW_ARRAY, throttle_write_iops, .aux = &throttle_device_struct),
  JW_END,
};
static const jw_struct block_io_struct = { .size = sizeof (oci_block_io), .fields = block_io_fields };

/* pageSize matches ^[1-9][0-9]*[KMG]B$, the kernel's hugepages-<size> names. */
static int
check_hugepage_limit (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_hugepage_limit *h = obj;
  const char *s = h->page_size;
  size_t digits = strspn (s, "0123456789");
  (void) node;
  if (digits == 0 || s[0] == '0' || s[digits] == '\0' || strchr ("KMG", s[digits]) == NULL
      || strcmp (s + digits + 1, "B") != 0)
    return jw_fail (ctx, "pageSize", "invalid page size \"%s\" (expected a number and KB, MB or GB)", s);
  return 0;
}

static const jw_field hugepage_limit_fields[] = {
  JW_F (oci_hugepage_limit, "pageSize", JW_STRING, page_size, .flags = JW_REQUIRED),
  JW_F (oci_hugepage_limit, "limit", JW_UINT64, limit, .flags = JW_REQUIRED),
  JW_END,
};
static const jw_struct hugepage_limit_struct
    = { .size = sizeof (oci_hugepage_limit), .fields = hugepage_limit_fields, .check = check_hugepage_limit };

static const jw_field net_priority_fields[] = {
  JW_F (oci_net_priority, "name", JW_STRING, name, .flags = JW_REQUIRED),
  JW_F (oci_net_priority, "priority", JW_UINT32, priority, .flags = JW_REQUIRED),
  JW_END,
};
static const jw_struct net_priority_struct = { .size = sizeof (oci_net_priority), .fields = net_priority_fields };

/* Flattened into oci_resources. */
static const jw_field network_fields[] = {
  JW_FH (oci_resources, "classID", JW_UINT32, net_class_id, has_net_class_id),
  JW_F (oci_resources, "priorities", JW_ARRAY, net_priorities, .aux = &net_priority_struct),
  JW_END,
};
static const jw_struct network_struct = { .size = sizeof (oci_resources), .fields = network_fields };

static int
check_rdma (void *obj, yajl_val node, jw_ctx *ctx)
{
  oci_rdma *r = obj;
  (void) node;
  if (!r->has_hca_handles && !r->has_hca_objects)
    return jw_fail (ctx, NULL, "at least one of hcaHandles and hcaObjects is required");
  return 0;
}

static const jw_field rdma_fields[] = {
  JW_FH (oci_rdma, "hcaHandles", JW_UINT32, hca_handles, has_hca_handles),
  JW_FH (oci_rdma, "hcaObjects", JW_UINT32, hca_objects, has_hca_objects),
  JW_END,
};
static const jw_struct rdma_struct
    = { .size = sizeof (oci_rdma), .key_offset = offsetof (oci_rdma, device), .fields = rdma_fields, .check = check_rdma };

static const jw_field resources_fields[] = {
  JW_F (oci_resources, "devices", JW_ARRAY, devices, .aux = &device_rule_struct),
  JW_F (oci_resources, "memory", JW_OBJECT, memory, .flags = JW_ALLOC, .aux = &memory_struct),
  JW_F (oci_resources, "cpu", JW_OBJECT, cpu, .flags = JW_ALLOC, .aux = &cpu_struct),
  { .key = "pids", .kind = JW_OBJECT, .aux = &pids_struct },
  JW_F (oci_resources, "blockIO", JW_OBJECT, block_io, .flags = JW_ALLOC, .aux = &block_io_struct),
  JW_F (oci_resources, "hugepageLimits", JW_ARRAY, hugepage_limits, .aux = &hugepage_limit_struct),
  { .key = "network", .kind = JW_OBJECT, .aux = &network_struct },
  JW_F (oci_resources, "rdma", JW_OBJECT_MAP, rdma, .aux = &rdma_struct),
  JW_F (oci_resources, "unified", JW_MAP, unified),
  JW_END,
};
const jw_struct oci_resources_struct = { .size = sizeof (oci_resources), .fields = resources_fields };
