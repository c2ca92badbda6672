/* One `exec` in progress: what the parent (exec.c) prepares on the host
 * and the child (exec-child.c) uses inside the container. */
#ifndef OCIRUN_CORE_EXEC_H
#define OCIRUN_CORE_EXEC_H

#include "internal.h"

struct seccomp_compiled;

#include "ocirun/cgroups.h"

struct exec_run
{
  const struct container_exec_opts *opts;
  struct container_state st;
  oci_config *config;
  struct seccomp_compiled *seccomp; /* built on the host, loaded by the child */
  int lock_fd;
  int pidfd;                /* the container's init */
  int ns_fds[OCI_NS_COUNT]; /* its namespaces that differ from ours; -1 elsewhere */
  int root_fd;              /* O_PATH of its root (/proc/PID/root) */
  char **cgroups;           /* where the process goes: the container's, or sub-cgroups */
  struct cgroup_join join;  /* active: the helper joins them itself */
  int sync_fd;              /* our end */
  int child_fd;             /* the child's end */
  int console_fd;           /* the child's end: connected --console-socket or our pair */
  int console_peer;         /* foreground -t: where the pty master arrives */
  int sfd;                  /* foreground: signalfd of the signals to forward */
  pid_t helper;             /* first child: joins the namespaces, forks the process */
  pid_t pid;                /* the process */
};

#define EXEC_RUN_INIT(o)                                                                                  \
  {                                                                                                       \
    .opts = (o), .lock_fd = -1, .pidfd = -1, .root_fd = -1, .sync_fd = -1, .child_fd = -1,             \
    .console_fd = -1, .console_peer = -1, .sfd = -1, .join = CGROUP_JOIN_INIT,                            \
  }

/* src/core/exec-child.c: the forked child; never returns. */
void __attribute__ ((noreturn)) exec_child_main (struct exec_run *r);

/* src/core/exec-cgroup.c: r->cgroups from the container's directories and
 * --cgroup ([CTRL[,CTRL]:]PATH: PATH alone is a sub-cgroup in every
 * hierarchy; with controllers, in the v1 hierarchies holding them). */
int exec_resolve_cgroups (struct exec_run *r, ocirun_error_t *err);

#endif
