/* Scheduling of the container's process: scheduler (sched_setattr),
 * ioPriority (ioprio_set) and the CPU lists of execCPUAffinity. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/linux.h"
#include "src/linux/internal.h"

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1): glibc 2.36 has
 * no wrapper, and <linux/sched/types.h> clashes with <sched.h>. */
struct kernel_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

int
sched_apply_scheduler (const oci_scheduler *s, ocirun_error_t *err)
{
  struct kernel_sched_attr attr = {
    .size = sizeof (attr),
    .sched_policy = s->policy,
    .sched_flags = s->flags,
    .sched_nice = s->nice,
    .sched_priority = s->priority,
    .sched_runtime = s->runtime,
    .sched_deadline = s->deadline,
    .sched_period = s->period,
  };

  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return ocirun_error (err, errno, "set the scheduler (policy %d, priority %d, nice %d)", s->policy,
                         s->priority, s->nice);
  return 0;
}

int
sched_apply_io_priority (const oci_process *p, ocirun_error_t *err)
{
  int value = (p->io_priority_class << IOPRIO_CLASS_SHIFT) | p->io_priority;

  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return ocirun_error (err, errno, "set the I/O priority (class %d, priority %d)", p->io_priority_class,
                         p->io_priority);
  return 0;
}

static int
parse_cpu (const char **p, long *out)
{
  char *end;

  if (**p < '0' || **p > '9')
    return -1;
  errno = 0;
  *out = strtol (*p, &end, 10);
  if (errno || *out >= CPU_SETSIZE)
    return -1;
  *p = end;
  return 0;
}

int
cpu_list_parse (const char *list, cpu_set_t *set, ocirun_error_t *err)
{
  const char *p = list;

  CPU_ZERO (set);
  while (*p)
    {
      long lo, hi;

      if (parse_cpu (&p, &lo) < 0)
        return ocirun_error (err, EINVAL, "invalid CPU list `%s`", list);
      hi = lo;
      if (*p == '-')
        {
          p++;
          if (parse_cpu (&p, &hi) < 0 || hi < lo)
            return ocirun_error (err, EINVAL, "invalid CPU list `%s`", list);
        }
      for (long cpu = lo; cpu <= hi; cpu++)
        CPU_SET (cpu, set);
      if (*p == ',' && p[1] != '\0')
        p++;
      else if (*p != '\0')
        return ocirun_error (err, EINVAL, "invalid CPU list `%s`", list);
    }
  if (p == list)
    return ocirun_error (err, EINVAL, "empty CPU list");
  return 0;
}

int
process_set_cpu_affinity (pid_t pid, const char *cpus, ocirun_error_t *err)
{
  cpu_set_t set;

  if (cpus == NULL || *cpus == '\0')
    return 0;
  if (cpu_list_parse (cpus, &set, err) < 0)
    return -1;
  if (sched_setaffinity (pid, sizeof (set), &set) < 0)
    return ocirun_error (err, errno, "set the CPU affinity to `%s`", cpus);
  return 0;
}
