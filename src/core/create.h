/* One `create` in progress; `run` drives it too. */
#ifndef OCIRUN_CORE_CREATE_H
#define OCIRUN_CORE_CREATE_H

#include "internal.h"

#include "ocirun/cgroups.h"

struct creation
{
  const struct container_create_opts *opts;
  char *bundle; /* absolute */
  char *rootfs; /* absolute */
  char *dir;    /* state dir */
  bool own_dir; /* created by us: removed on failure */
  int lock_fd;
  int sync_fd;
  int console_fd;   /* the init's end: connected --console-socket or our pair */
  int console_peer; /* foreground run: where the pty master arrives */
  oci_config *config;
  char **cgroups;
  struct cgroup_join join; /* active: the init joins the cgroups itself */
  char *notify_socket; /* the caller's NOTIFY_SOCKET */
  struct seccomp_compiled *seccomp; /* linux.seccomp, built before the clone */
  pid_t pid;    /* the init */
  pid_t helper; /* intermediate process, reaped once it sent the pid */
  int shim_pidfd; /* the shim, watched until it sent the init's pid */
  uint64_t start_time;
  bool hooks_started; /* prestart/createRuntime began: a failure runs poststop */
  bool subreaper_if_two_step; /* run --no-subreaper: we still reap our own init */
  /* run: no exec fifo; SYNC_START releases the init, which reports on a
   * pipe (report_fd ours, report_child its end until the clone) and the
   * state stays "creating" until the process exec'd. */
  bool release_by_sync;
  int report_fd;
  int report_child;
  char created[64];
};

#define CREATION_INIT(o) { .opts = (o), .lock_fd = -1, .sync_fd = -1, .console_fd = -1, .console_peer = -1, .shim_pidfd = -1, \
                           .join = CGROUP_JOIN_INIT, .report_fd = -1, .report_child = -1 }

int creation_run (struct creation *cr, ocirun_error_t *err);
/* The container's state as the creation knows it (borrowed pointers). */
struct container_state creation_state (const struct creation *cr);
void creation_release (struct creation *cr);

#endif
