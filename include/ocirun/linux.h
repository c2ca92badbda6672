/* What the container's init does inside its namespaces, one module per
 * concern (src/linux/).  The core (src/core/) calls these in order in the
 * init process; they never print and never exit.
 *
 * Order in the init (after namespaces exist and id maps are written):
 *   linux_set_hostname -> rootfs_setup -> terminal_setup (if terminal)
 *   -> process_security_apply (process_apply + LSM labels + seccomp)
 *   -> [READY; wait for start] -> process_exec                       */
#ifndef OCIRUN_LINUX_H
#define OCIRUN_LINUX_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

struct rootfs_options
{
  const char *bundle;   /* absolute bundle directory */
  const char *rootfs;   /* absolute path of root.path */
  bool no_pivot;        /* --no-pivot: MS_MOVE + chroot instead of pivot_root */

  /* Added for the core: mounts made after config.mounts, resolved the same
   * safe way (e.g. the NOTIFY_SOCKET bind); may be NULL/0. */
  const oci_mount *extra_mounts;
  size_t extra_mounts_len;

  /* Added for the hooks: called after every mount and device exists and
   * before pivot_root, in the container's namespaces with the host's
   * view of paths (createContainer hooks run here, as runc runs them).
   * NULL: nothing to run.  Its error fails rootfs_setup. */
  int (*before_pivot) (void *data, ocirun_error_t *err);
  void *before_pivot_data;

  /* Added for containers without a mount namespace: where every host
   * mount is recorded (mount_journal_open); 0 or -1: none, and then such
   * a container is refused. */
  int mount_journal_fd;
};

/* src/linux/mount-journal.c: a container without a mount namespace mounts
 * in the runtime's namespace (runtime-spec: it inherits it).  Its init
 * records each mount in MOUNT_JOURNAL_FILE of the state dir before making
 * it; mount_journal_undo, run when the state dir goes (delete, a failed
 * create, delete --force of a half-created one), detaches them newest
 * first with MNT_DETACH, the rootfs bind last, resolving every path inside
 * the rootfs and touching only mounts that are the container's.  No
 * journal: nothing to undo. */
#define MOUNT_JOURNAL_FILE "mounts"
int mount_journal_open (int state_dir_fd, ocirun_error_t *err);
int mount_journal_undo (const char *state_dir, ocirun_error_t *err);

/* src/linux/uts.c: hostname and domainname (needs a uts namespace). */
int linux_set_hostname (const oci_config *config, ocirun_error_t *err);

/* src/linux/rootfs.c: propagation, bind the rootfs, config.mounts, /dev,
 * pivot_root (or chroot), process.cwd created if missing (as runc does),
 * linux.sysctl (validated first: a key of a namespace the container does
 * not have is an error), maskedPaths, readonlyPaths, root.readonly.
 * Without a mount namespace: the same mounts in the runtime's namespace,
 * journalled (mount-journal.c), under a private bind of the rootfs, and a
 * chroot; maskedPaths and readonlyPaths are refused (see rootfs.c).
 * Every path inside the rootfs is resolved there (openat2 RESOLVE_IN_ROOT,
 * or a checked walk where openat2 is missing).  On return the process's
 * root and cwd are the container's "/". */
int rootfs_setup (const oci_config *config, const struct rootfs_options *opts, ocirun_error_t *err);

/* src/linux/sysctl.c: linux.sysctl checked by create before anything is
 * made, in the runtime's namespaces: runc's namespace rules, plus net.*
 * refused when the network namespace "joined" by path is our own. */
int sysctl_validate_host (const oci_config *config, ocirun_error_t *err);

/* src/linux/terminal.c: open a pty inside the container (after /dev/pts
 * exists), send the master over the connected unix socket console_fd
 * (SCM_RIGHTS), apply consoleSize, make the slave the controlling
 * terminal and stdio, bind it to /dev/console. */
int terminal_setup (const oci_process *process, int console_fd, ocirun_error_t *err);
/* Added for exec: the same without touching /dev/console (it stays the
 * init's terminal). */
int terminal_attach (const oci_process *process, int console_fd, ocirun_error_t *err);

/* src/linux/process.c: everything between start and exec: rlimits,
 * oomScoreAdj, ioPriority, scheduler, personality, execCPUAffinity,
 * user and groups, capabilities (libcap), noNewPrivileges, umask, cwd. */
int process_apply (const oci_config *config, const oci_process *process, ocirun_error_t *err);

/* Added for seccomp: process_apply with the filter loaded at runc's point.
 * load(data, err) runs after rlimits, oomScoreAdj, priorities, personality
 * and affinity; with noNewPrivileges false it runs before the bounding set,
 * groups, ids and capabilities change (loading then needs CAP_SYS_ADMIN);
 * with noNewPrivileges true it runs last, after PR_SET_NO_NEW_PRIVS, umask
 * and chdir.  Only process_exec's PATH lookup (stat, access) and execve
 * follow.  process_apply is this with load NULL. */
struct process_seccomp_hook
{
  int (*load) (void *data, ocirun_error_t *err);
  void *data;
};
int process_apply_with_seccomp (const oci_config *config, const oci_process *process,
                                const struct process_seccomp_hook *hook, ocirun_error_t *err);

/* Added for security (src/linux/security.c): everything the process gets
 * before execve, the same code for create's init and for exec -- the LSM
 * exec labels (process.apparmorProfile, process.selinuxLabel: lsm.h),
 * then process_apply with the seccomp filter loaded at runc's point (see
 * process_apply_with_seccomp and seccomp.h).  `seccomp` is the filter
 * built before clone/fork on the host side (seccomp_filter_build_cached),
 * NULL when the config has none.  With a NOTIFY filter, notify_handover
 * is called right after the load with the listener fd (O_CLOEXEC; it is
 * closed again on return): it must give the runtime process a copy (the
 * init writes the fd number on its sync socket and waits for the ack,
 * the parent takes it with pidfd_getfd) -- a NOTIFY filter without a
 * handover is an error.  Only process_exec may follow. */
struct seccomp_compiled;
struct process_security
{
  const struct seccomp_compiled *seccomp;
  int (*notify_handover) (void *data, int listener_fd, ocirun_error_t *err);
  void *data;
};
int process_security_apply (const oci_config *config, const oci_process *process,
                            const struct process_security *sec, ocirun_error_t *err);

/* Added for security (src/linux/keyring.c): join a new session keyring
 * "_ses.<id>" (runc's name), labelled with selinux_label when SELinux is
 * enabled, and let the possessor's user search it (any user with a user
 * namespace), as runc does.  A kernel without keyrings (ENOSYS) or that
 * refuses keyctl (EACCES/EPERM, e.g. under another runtime's seccomp
 * profile) is not an error. */
int keyring_join_session (const char *id, bool userns, const char *selinux_label, ocirun_error_t *err);

/* Added: set the CPU affinity of `pid` (0: the caller) to a CPU list
 * ("0-3,7"); NULL or "" does nothing.  process_apply applies
 * execCPUAffinity.final with it; the core applies .initial to the init
 * right after it is started, before it joins the container's cgroup. */
int process_set_cpu_affinity (pid_t pid, const char *cpus, ocirun_error_t *err);

/* Added: args[0] looked up in the PATH of process.env, as process_exec
 * will; lets create fail early (as runc's does) on a missing binary.
 * Returns a malloc'd path, or NULL with *err naming the binary. */
char *process_find_executable (const oci_process *process, ocirun_error_t *err);

/* The same search during create, before the init is in process.cwd: a
 * relative path with a slash is taken from process.cwd, and a process.env
 * without PATH searches the usual default one.  0, or -1 with *err
 * naming process.args[0]. */
int process_check_executable (const oci_process *process, ocirun_error_t *err);

/* Find args[0] in the PATH of process.env (not the host's) and execve it
 * with process.env (plus HOME from the container's /etc/passwd when
 * unset, as runc does); returns only on error. */
int process_exec (const oci_process *process, ocirun_error_t *err);

#endif
