/* The two processes `exec` forks.  The first joins the init's namespaces
 * (the user namespace first) and its root, then clones the second with
 * CLONE_PARENT: it is born inside the container's pid namespace and is
 * ocirun's own child, so that ocirun waits for it (foreground) or its
 * caller's subreaper inherits it (detach), as with runc.  The second sets
 * the process up (terminal, keyring, then process_security_apply: LSM
 * labels, process_apply, the config's seccomp filter -- the init's own
 * code) and execs it.
 *
 * Messages to ocirun on the sync channel: SYNC_PID (the process's pid,
 * from the first child), SYNC_READY (the process is about to apply its
 * settings), SYNC_SECCOMP_FD (a NOTIFY listener to hand over), SYNC_ERROR.  The channel is close-on-exec: end of file after
 * SYNC_READY means the exec happened. */
#include "config.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/linux.h"
#include "ocirun/namespaces.h"
#include "ocirun/utils.h"

/* The user namespace first: it grants the capabilities over the others. */
static const int join_order[] = {
  OCI_NS_USER, OCI_NS_MOUNT, OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_CGROUP, OCI_NS_TIME,
};

static int
join_namespaces (struct exec_run *r, ocirun_error_t *err)
{
  for (size_t i = 0; i < sizeof (join_order) / sizeof (join_order[0]); i++)
    {
      int t = join_order[i];
      if (r->ns_fds[t] < 0)
        continue;
      if (setns (r->ns_fds[t], ns_clone_flag (t)) < 0)
        return ocirun_error (err, errno, "join the container's %s namespace", oci_ns_type_name (t));
      close (r->ns_fds[t]);
      r->ns_fds[t] = -1;
      /* Our host ids mean nothing in the container's user namespace:
       * become its root (full capabilities there), as the init did. */
      if (t == OCI_NS_USER && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
        return ocirun_error (err, errno, "become root in the container's user namespace");
    }
  return 0;
}

/* The init's root (also right with --no-pivot, where the mount
 * namespace's root is not the container's). */
static int
enter_root (struct exec_run *r, ocirun_error_t *err)
{
  if (fchdir (r->root_fd) < 0 || chroot (".") < 0)
    return ocirun_error (err, errno, "enter the container's root");
  if (chdir ("/") < 0)
    return ocirun_error (err, errno, "chdir to the container's root");
  close (r->root_fd);
  r->root_fd = -1;
  return 0;
}

/* clone3 refuses an exit signal with CLONE_PARENT: the child gets ours
 * (SIGCHLD), as fork gave it to us. */
static pid_t
clone_sibling (void)
{
  struct clone_args args = { .flags = CLONE_PARENT };
  return syscall (SYS_clone3, &args, sizeof (args));
}

/* An error after the seccomp filter is loaded: write(2), which any
 * sensible profile allows, rather than send(2). */
static void
report_error (int fd, ocirun_error_t e)
{
  char buf[4096];
  struct sync_msg m = { .type = SYNC_ERROR };
  int len;

  memcpy (buf, &m, sizeof (m));
  len = ocirun_error_to_buf (e, buf + sizeof (m), sizeof (buf) - sizeof (m));
  if (write (fd, buf, sizeof (m) + (len > 0 ? len : 0)) < 0)
    _exit (255);
}

/* Our half of a NOTIFY listener's hand-over, as the init's: ocirun
 * copies the fd with pidfd_getfd and passes it on to the agent. */
static int
notify_handover (void *data, int listener, ocirun_error_t *err)
{
  struct exec_run *r = data;

  if (sync_send (r->child_fd, SYNC_SECCOMP_FD, listener, err) < 0)
    return -1;
  return sync_expect (r->child_fd, SYNC_SECCOMP_ACK, NULL, err);
}

/* Inside every namespace, under the container's root. */
static int
process_setup (struct exec_run *r, ocirun_error_t *err)
{
  const oci_process *p = r->opts->process;

  if (setsid () < 0)
    return ocirun_error (err, errno, "setsid");
  /* runc's rule: a container created with --no-new-keyring keeps the
   * caller's session keyring in exec too. */
  if (!r->st.no_new_keyring
      && keyring_join_session (r->opts->id, ns_has (r->config, OCI_NS_USER), p->selinux_label, err) < 0)
    return -1;
  if (p->terminal && terminal_attach (p, r->console_fd, err) < 0)
    return -1;
  if (r->console_fd >= 0)
    close (r->console_fd);
  r->console_fd = -1;
  return sync_send (r->child_fd, SYNC_READY, 0, err);
}

static void __attribute__ ((noreturn))
process_main (struct exec_run *r)
{
  cleanup_error ocirun_error_t err = NULL;
  struct process_security sec = { .seccomp = r->seccomp, .notify_handover = notify_handover, .data = r };

  if (process_setup (r, &err) < 0)
    {
      sync_send_error (r->child_fd, err);
      _exit (255);
    }
  if (fds_prepare_for_exec (r->opts->preserve_fds, &r->child_fd, &err) == 0
      && process_security_apply (r->config, r->opts->process, &sec, &err) == 0)
    process_exec (r->opts->process, &err);
  report_error (r->child_fd, err);
  _exit (255);
}

static int
helper_setup (struct exec_run *r, ocirun_error_t *err)
{
  if (sync_expect (r->child_fd, SYNC_GO, NULL, err) < 0)
    return -1;
  if (join_namespaces (r, err) < 0 || enter_root (r, err) < 0)
    return -1;
  /* The helper itself dies here: ocirun must see it and clean up. */
  FAULT_POINT ("exec:helper-after-join");
  r->pid = clone_sibling ();
  if (r->pid < 0)
    return ocirun_error (err, errno, "clone the process into the container");
  if (r->pid == 0)
    process_main (r);
  return sync_send (r->child_fd, SYNC_PID, r->pid, err);
}

void
exec_child_main (struct exec_run *r)
{
  cleanup_error ocirun_error_t err = NULL;
  int parent_fds[] = { r->sync_fd, r->lock_fd, r->console_peer, r->sfd, r->pidfd };
  sigset_t none;

  /* Nothing in the container may open our memory or fds while we run
   * ocirun's image (the exec resets it). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (size_t i = 0; i < sizeof (parent_fds) / sizeof (parent_fds[0]); i++)
    if (parent_fds[i] >= 0)
      close (parent_fds[i]);
  if (cgroup_join_self (&r->join, &err) < 0)
    {
      sync_send_error (r->child_fd, err);
      _exit (1);
    }
  cgroup_join_close (&r->join);
  if (helper_setup (r, &err) < 0)
    {
      sync_send_error (r->child_fd, err);
      _exit (1);
    }
  _exit (0);
}
