/* The OCI runtime-spec v1.3.0 configuration (config.json), Linux fields, as
 * typed C structures.  oci_config_parse_file() fills them; oci_config_free()
 * releases everything.  Optional scalars carry a has_<field> flag so that
 * "absent" and "zero" stay distinct, as the spec requires.  Arrays are a
 * pointer plus a count; maps are parallel key/value arrays in file order.
 * Parsed string arrays (oci_strv, oci_map) are also NULL-terminated, so
 * args.items and env.items can go straight to execve(). */
#ifndef OCI_SPEC_CONFIG_H
#define OCI_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocirun/error.h"

/* GNU C predefines `linux` as 1; oci_config has a member of that name. */
#undef linux

typedef struct {
  char **keys;
  char **values;
  size_t len;
} oci_map;

typedef struct {
  char **items;
  size_t len;
} oci_strv;

typedef struct {
  char *path;
  oci_strv args;
  oci_strv env;
  bool has_timeout;
  int64_t timeout; /* seconds, >= 1 */
} oci_hook;

typedef struct {
  oci_hook *items;
  size_t len;
} oci_hooks;

typedef struct {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct {
  char *destination; /* required */
  char *source;
  char *type;
  oci_strv options;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct {
  char *type; /* RLIMIT_* name, validated against the known set */
  int resource; /* the RLIMIT_ constant for type */
  uint64_t soft;
  uint64_t hard;
} oci_rlimit;

typedef struct {
  oci_strv bounding, effective, inheritable, permitted, ambient;
} oci_capabilities;

typedef struct {
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
} oci_user;

enum oci_ioprio_class { OCI_IOPRIO_CLASS_RT = 1, OCI_IOPRIO_CLASS_BE = 2, OCI_IOPRIO_CLASS_IDLE = 3 };

enum oci_sched_policy {
  OCI_SCHED_OTHER = 0,
  OCI_SCHED_FIFO = 1,
  OCI_SCHED_RR = 2,
  OCI_SCHED_BATCH = 3,
  OCI_SCHED_ISO = 4,
  OCI_SCHED_IDLE = 5,
  OCI_SCHED_DEADLINE = 6,
};

typedef struct {
  int policy; /* enum oci_sched_policy == the kernel's SCHED_* value */
  int32_t nice;
  int32_t priority;
  uint64_t flags; /* SCHED_FLAG_* bits, or-ed */
  uint64_t runtime, deadline, period;
} oci_scheduler;

typedef struct {
  bool terminal;
  bool has_console_size;
  uint64_t console_height, console_width;
  oci_user user;
  oci_strv args; /* required, at least one element */
  char *command_line;
  oci_strv env;
  char *cwd; /* required, absolute */
  oci_capabilities *capabilities; /* NULL when absent */
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *selinux_label;
  bool has_io_priority;
  int io_priority_class; /* enum oci_ioprio_class */
  int32_t io_priority;
  oci_scheduler *scheduler; /* NULL when absent */
  char *exec_cpu_affinity_initial;
  char *exec_cpu_affinity_final;
} oci_process;

enum oci_ns_type {
  OCI_NS_MOUNT,
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_UTS,
  OCI_NS_IPC,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS_COUNT
};

typedef struct {
  int type; /* enum oci_ns_type; duplicates are rejected by the parser */
  char *path; /* join this namespace instead of creating one */
} oci_namespace;

typedef struct {
  char type; /* 'c', 'b', 'u' or 'p' */
  char *path;
  int64_t major, minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
} oci_device;

typedef struct {
  bool allow;
  char type; /* 'a', 'c' or 'b'; 'a' when absent */
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  char *access;
} oci_device_rule;

typedef struct {
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernel_tcp;
  int64_t kernel_tcp;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disable_oom_killer;
  bool disable_oom_killer;
  bool has_use_hierarchy;
  bool use_hierarchy;
  bool has_check_before_update;
  bool check_before_update;
} oci_memory;

typedef struct {
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtime_runtime;
  int64_t realtime_runtime;
  bool has_realtime_period;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
} oci_cpu;

typedef struct {
  int64_t major, minor;
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
} oci_weight_device;

typedef struct {
  int64_t major, minor;
  uint64_t rate;
} oci_throttle_device;

typedef struct {
  oci_throttle_device *items;
  size_t len;
} oci_throttle_list;

typedef struct {
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops, throttle_write_iops;
} oci_block_io;

typedef struct {
  char *page_size;
  uint64_t limit;
} oci_hugepage_limit;

typedef struct {
  char *name;
  uint32_t priority;
} oci_net_priority;

typedef struct {
  char *device; /* the map key */
  bool has_hca_handles;
  uint32_t hca_handles;
  bool has_hca_objects;
  uint32_t hca_objects;
} oci_rdma;

typedef struct {
  oci_device_rule *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  bool has_pids_limit;
  int64_t pids_limit;
  oci_block_io *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  bool has_net_class_id;
  uint32_t net_class_id;
  oci_net_priority *net_priorities;
  size_t net_priorities_len;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_map unified;
} oci_resources;

enum oci_seccomp_op {
  OCI_SCMP_CMP_NE = 1,
  OCI_SCMP_CMP_LT,
  OCI_SCMP_CMP_LE,
  OCI_SCMP_CMP_EQ,
  OCI_SCMP_CMP_GE,
  OCI_SCMP_CMP_GT,
  OCI_SCMP_CMP_MASKED_EQ,
};

enum oci_seccomp_action {
  OCI_SCMP_ACT_KILL,
  OCI_SCMP_ACT_KILL_PROCESS,
  OCI_SCMP_ACT_KILL_THREAD,
  OCI_SCMP_ACT_TRAP,
  OCI_SCMP_ACT_ERRNO,
  OCI_SCMP_ACT_TRACE,
  OCI_SCMP_ACT_ALLOW,
  OCI_SCMP_ACT_LOG,
  OCI_SCMP_ACT_NOTIFY,
};

typedef struct {
  uint32_t index;
  uint64_t value;
  bool has_value_two;
  uint64_t value_two;
  int op; /* enum oci_seccomp_op */
} oci_seccomp_arg;

typedef struct {
  oci_strv names;
  int action; /* enum oci_seccomp_action */
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct {
  /* runc: no defaultAction and no syscalls ("seccomp": {}) means no
   * filter at all; no defaultAction with syscalls is an error. */
  bool has_default_action;
  int default_action; /* enum oci_seccomp_action */
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  oci_strv architectures; /* SCMP_ARCH_* names, validated */
  oci_strv flags; /* SECCOMP_FILTER_FLAG_* names, validated */
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct {
  char *clos_id;
  oci_strv schemata;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct {
  char *mode; /* MPOL_* name, validated */
  char *nodes;
  oci_strv flags;
} oci_memory_policy;

enum oci_personality_domain { OCI_PER_LINUX, OCI_PER_LINUX32 };

typedef struct {
  int domain; /* enum oci_personality_domain */
  oci_strv flags;
} oci_personality;

typedef struct {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct {
  char *host_name; /* the map key */
  char *name; /* the name inside the container, optional */
} oci_net_device;

typedef struct {
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_device *devices;
  size_t devices_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  oci_resources *resources; /* NULL when absent */
  char *rootfs_propagation; /* "private" | "shared" | "slave" | "unbindable" */
  oci_seccomp *seccomp; /* NULL when absent */
  oci_map sysctl;
  oci_strv masked_paths;
  oci_strv readonly_paths;
  char *mount_label;
  oci_intel_rdt *intel_rdt;
  oci_memory_policy *memory_policy;
  oci_personality *personality;
  oci_time_offset time_boottime, time_monotonic;
} oci_linux;

typedef struct {
  char *oci_version; /* required, semver with major 1 */
  char *root_path; /* NULL when root is absent */
  bool root_readonly;
  char *hostname;
  char *domainname;
  oci_mount *mounts;
  size_t mounts_len;
  oci_process *process; /* NULL when absent (allowed for create) */
  oci_hooks prestart, create_runtime, create_container, start_container, poststart, poststop;
  oci_map annotations;
  oci_linux *linux; /* NULL when absent */
} oci_config;

/* Parse a config document held in memory.  `name` is used in error
 * messages ("config.json:12:9: .process.user.uid: expected ...").
 * Returns 0 and sets *out, or -1 with *err set. */
int oci_config_parse_data (const char *name, const char *data, size_t len, oci_config **out, ocirun_error_t *err);

/* Read and parse a file. */
int oci_config_parse_file (const char *path, oci_config **out, ocirun_error_t *err);

void oci_config_free (oci_config *config);
/* A linux.resources object alone (`update -r FILE`); oci-spec/resources.c. */
int oci_resources_parse_data (const char *name, const char *data, size_t len, oci_resources **out, ocirun_error_t *err);
/* r as a LinuxResources JSON object, on one line: the members present. */
int oci_resources_generate (const oci_resources *r, char **out, ocirun_error_t *err);
void oci_resources_free (oci_resources *r);

/* A "process" object alone, as `exec --process FILE` takes it, with the
 * same rules as config.json's; error paths start at the object (".cwd"). */
int oci_process_parse_data (const char *name, const char *data, size_t len, oci_process **out, ocirun_error_t *err);
int oci_process_parse_file (const char *path, oci_process **out, ocirun_error_t *err);
void oci_process_free (oci_process *process);

/* Name <-> value tables shared with features and the runtime. */
const char *oci_ns_type_name (int type);          /* "pid", "network", ... */
const char *oci_ns_proc_name (int type);          /* "pid", "net", ... as in /proc/PID/ns */
int oci_rlimit_from_name (const char *name);      /* RLIMIT_x or -1 */
const char *oci_seccomp_action_name (int action); /* "SCMP_ACT_ERRNO" */
const char *oci_seccomp_op_name (int op);         /* "SCMP_CMP_EQ" */

static inline void
oci_config_freep (oci_config **p)
{
  oci_config_free (*p);
}
#define cleanup_oci_config __attribute__ ((cleanup (oci_config_freep)))

static inline void
oci_process_freep (oci_process **p)
{
  oci_process_free (*p);
}
#define cleanup_oci_process __attribute__ ((cleanup (oci_process_freep)))

#endif
