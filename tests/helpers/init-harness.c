/* Drives the inside-the-container modules without the core: parse
 * BUNDLE/config.json, unshare the namespaces the config asks for (no user
 * or time namespace, no joining by path: those need the core), fork, and
 * in the child (pid 1 of the new pid namespace) run linux_set_hostname,
 * rootfs_setup, terminal_setup (with --console-socket), process_apply and
 * process_exec.  Exits with the child's status (128+N for a signal).
 *
 * --seccomp-deny NAME loads, through process_apply_with_seccomp's hook, a
 * filter that fails syscall NAME with EPERM (to test where it is loaded).
 *
 *   init-harness [--no-pivot] [--console-socket PATH] [--seccomp-deny NAME] BUNDLE */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci-spec/config.h"
#include "ocirun/cleanup.h"
#include "ocirun/error.h"
#include "ocirun/linux.h"
#include "ocirun/utils.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

static const char *seccomp_deny;

/* The hook: libseccomp must not set no_new_privs itself (the config
 * decides), so loading without it needs CAP_SYS_ADMIN, as in runc. */
static int
load_deny_filter (void *data, ocirun_error_t *err)
{
#ifdef HAVE_SECCOMP
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int r;

  (void) data;
  if (ctx == NULL)
    return ocirun_error (err, ENOMEM, "seccomp_init");
  r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), seccomp_syscall_resolve_name (seccomp_deny), 0);
  if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  return r < 0 ? ocirun_error (err, -r, "load the seccomp filter denying `%s`", seccomp_deny) : 0;
#else
  (void) data;
  return ocirun_error (err, ENOSYS, "built without libseccomp");
#endif
}

static int
fail (ocirun_error_t *err)
{
  cleanup_free char *msg = ocirun_error_format (*err);
  fprintf (stderr, "init-harness: %s\n", msg);
  ocirun_error_release (err);
  return 1;
}

static int
unshare_flags (const oci_config *config, int *flags, ocirun_error_t *err)
{
  static const int clone_flag[OCI_NS_COUNT] = {
    [OCI_NS_MOUNT] = CLONE_NEWNS, [OCI_NS_PID] = CLONE_NEWPID, [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_UTS] = CLONE_NEWUTS, [OCI_NS_IPC] = CLONE_NEWIPC, [OCI_NS_CGROUP] = CLONE_NEWCGROUP,
  };

  *flags = CLONE_NEWNS;
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = &config->linux->namespaces[i];
      if (ns->path || clone_flag[ns->type] == 0)
        return ocirun_error (err, 0, "the harness cannot do namespace `%s`%s", oci_ns_type_name (ns->type),
                             ns->path ? " by path" : "");
      *flags |= clone_flag[ns->type];
    }
  return 0;
}

static int
connect_console (const char *path, ocirun_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return ocirun_error (err, errno, "socket");
  strncpy (addr.sun_path, path, sizeof (addr.sun_path) - 1);
  if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    {
      close (fd);
      return ocirun_error (err, errno, "connect `%s`", path);
    }
  return fd;
}

static int
child (const oci_config *config, const struct rootfs_options *opts, int console_fd)
{
  cleanup_error ocirun_error_t err = NULL;

  if (linux_set_hostname (config, &err) < 0 || rootfs_setup (config, opts, &err) < 0)
    return fail (&err);
  if (config->process->terminal && terminal_setup (config->process, console_fd, &err) < 0)
    return fail (&err);
  if (console_fd >= 0)
    close (console_fd);
  struct process_seccomp_hook hook = { .load = seccomp_deny ? load_deny_filter : NULL };
  if (process_apply_with_seccomp (config, config->process, &hook, &err) < 0
      || process_exec (config->process, &err) < 0)
    return fail (&err);
  return 1;
}

static int
wait_status (pid_t pid)
{
  int status;

  if (waitpid (pid, &status, 0) < 0)
    return perror ("waitpid"), 1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* The namespaces are unshared in a forked helper, not in the harness
 * itself: a process left in a pid namespace whose init is gone cannot
 * fork any more (LeakSanitizer's exit-time check needs to). */
static int
spawn (const oci_config *config, const struct rootfs_options *opts, int flags, int console_fd)
{
  pid_t pid = fork ();

  if (pid < 0)
    return perror ("fork"), 1;
  if (pid == 0)
    {
      if (unshare (flags) < 0)
        _exit ((perror ("unshare"), 1));
      pid = fork ();
      if (pid < 0)
        _exit ((perror ("fork"), 1));
      if (pid == 0)
        _exit (child (config, opts, console_fd));
      _exit (wait_status (pid));
    }
  return wait_status (pid);
}

static bool
has_mount_namespace (const oci_config *config)
{
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == OCI_NS_MOUNT)
      return true;
  return false;
}

/* The mounts of a container without a mount namespace need a journal
 * (here in a temporary dir).  The harness still runs the container in a
 * private mount namespace of its own, where they vanish with it: nothing
 * to undo (the journal's mount ids are that namespace's). */
static int
spawn_journalled (const oci_config *config, struct rootfs_options *opts, int flags, int console_fd)
{
  cleanup_error ocirun_error_t err = NULL;
  char dir[] = "/tmp/init-harness.XXXXXX";
  cleanup_close int dir_fd = -1;
  int status;

  if (has_mount_namespace (config))
    return spawn (config, opts, flags, console_fd);
  if (mkdtemp (dir) == NULL)
    return perror ("mkdtemp"), 1;
  dir_fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || (opts->mount_journal_fd = mount_journal_open (dir_fd, &err)) < 0)
    status = err ? fail (&err) : (perror (dir), 1);
  else
    {
      status = spawn (config, opts, flags, console_fd);
      close (opts->mount_journal_fd);
    }
  if (remove_tree (dir, &err) < 0)
    status = fail (&err);
  return status;
}

static int
run (const char *bundle_arg, bool no_pivot, const char *console)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_oci_config oci_config *config = NULL;
  cleanup_free char *config_path = NULL, *rootfs_rel = NULL;
  char bundle[PATH_MAX], rootfs[PATH_MAX];
  struct rootfs_options opts = { .bundle = bundle, .rootfs = rootfs, .no_pivot = no_pivot };
  cleanup_close int console_fd = -1;
  int flags;

  if (realpath (bundle_arg, bundle) == NULL)
    return perror (bundle_arg), 1;
  if (asprintf (&config_path, "%s/config.json", bundle) < 0)
    return 1;
  if (oci_config_parse_file (config_path, &config, &err) < 0 || unshare_flags (config, &flags, &err) < 0)
    return fail (&err);
  if (config->process == NULL || config->root_path == NULL)
    return fprintf (stderr, "init-harness: config has no process or no root\n"), 1;
  if (asprintf (&rootfs_rel, "%s%s%s", config->root_path[0] == '/' ? "" : bundle,
                config->root_path[0] == '/' ? "" : "/", config->root_path) < 0
      || realpath (rootfs_rel, rootfs) == NULL)
    return perror (config->root_path), 1;
  if (console && (console_fd = connect_console (console, &err)) < 0)
    return fail (&err);
  return spawn_journalled (config, &opts, flags, console_fd);
}

int
main (int argc, char **argv)
{
  const char *console = NULL;
  bool no_pivot = false;
  int i = 1;

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--no-pivot") == 0)
        no_pivot = true;
      else if (strcmp (argv[i], "--console-socket") == 0 && i + 1 < argc)
        console = argv[++i];
      else if (strcmp (argv[i], "--seccomp-deny") == 0 && i + 1 < argc)
        seccomp_deny = argv[++i];
      else
        break;
    }
  if (i != argc - 1)
    {
      fprintf (stderr, "usage: init-harness [--no-pivot] [--console-socket PATH] [--seccomp-deny NAME] BUNDLE\n");
      return 2;
    }
  return run (argv[i], no_pivot, console);
}
