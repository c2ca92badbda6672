/* ocirun: global flags, the command table, error printing. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
# include <seccomp.h>
#endif

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/error.h"
#include "ocirun/container.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"

/* Keep sorted by name: the order of `ocirun help`. */
static const struct ocirun_command commands[] = {
  { "create", "create a container", cmd_create },
  { "delete", "delete any resources held by the container often used with detached container", cmd_delete },
  { "events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics", cmd_events },
  { "exec", "execute new process inside the container", cmd_exec },
  { "features", "show the enabled features", cmd_features },
  { "kill", "kill sends the specified signal (default: SIGTERM) to the container's init process", cmd_kill },
  { "list", "lists containers started by ocirun with the given root", cmd_list },
  { "pause", "pause suspends all processes inside the container", cmd_pause },
  { "ps", "ps displays the processes running inside a container", cmd_ps },
  { "resume", "resumes all processes that have been previously paused", cmd_resume },
  { "run", "create and run a container", cmd_run },
  { "spec", "create a new specification file", cmd_spec },
  { "start", "executes the user defined process in a created container", cmd_start },
  { "state", "output the state of a container", cmd_state },
  { "update", "update container resource constraints", cmd_update },
  { NULL, NULL, NULL },
};

const struct ocirun_command *
ocirun_find_command (const char *name)
{
  for (const struct ocirun_command *c = commands; c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

static const char global_description[] =
    "ocirun is a command line client for running applications packaged according to\n"
    "the Open Container Initiative (OCI) format and is a compliant implementation of the\n"
    "Open Container Initiative runtime specification, a drop-in replacement for runc.\n"
    "\n"
    "Containers are configured using bundles. A bundle for a container is a directory\n"
    "that includes a specification file named \"config.json\" and a root filesystem.\n"
    "\n"
    "To start a new instance of a container:\n"
    "\n"
    "    # ocirun run [ -b bundle ] <container-id>\n";

static void
print_usage (FILE *out, const struct cmdline_option *global_options)
{
  fprintf (out, "NAME:\n   ocirun - Open Container Initiative runtime\n\n%s\n", global_description);
  fprintf (out, "USAGE:\n   ocirun [global options] command [command options] [arguments...]\n\n"
                "VERSION:\n   %s\n\nCOMMANDS:\n", PACKAGE_VERSION);
  for (const struct ocirun_command *c = commands; c->name; c++)
    fprintf (out, "   %-10s %s\n", c->name, c->summary);
  fprintf (out, "   %-10s %s\n", "help, h", "show a list of commands or help for one command");
  fputs ("\nGLOBAL OPTIONS:\n", out);
  cmdline_print_options (out, global_options);
}

static void
print_version (void)
{
  printf ("ocirun version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, OCIRUN_COMMIT, OCI_SPEC_VERSION);
#ifdef HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version ();
    printf ("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
  }
#endif
  /* Build options, in crun's style: + built in, - left out. */
  printf ("%cSECCOMP %cSELINUX +APPARMOR +CAP +YAJL\n",
#ifdef HAVE_SECCOMP
          '+',
#else
          '-',
#endif
#ifdef HAVE_SELINUX
          '+'
#else
          '-'
#endif
  );
}

static const char *
default_root (void)
{
  const char *xdg;
  static char buf[4096];

  /* runc: root uses /run/runc; others $XDG_RUNTIME_DIR/runc. */
  if (geteuid () == 0)
    return "/run/ocirun";
  xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg && *xdg)
    {
      snprintf (buf, sizeof (buf), "%s/ocirun", xdg);
      return buf;
    }
  return "/run/ocirun";
}

/* Print the error and return the exit status.  Before the log sink is set
 * up (bad global flags, bad --log) it goes straight to stderr. */
static int
fail (ocirun_error_t *err, bool log_ready)
{
  cleanup_free char *msg = ocirun_error_format (*err);

  if (log_ready)
    ocirun_log (OCIRUN_LOG_ERROR, "%s", msg);
  else
    fprintf (stderr, "ocirun: %s\n", msg);
  ocirun_error_release (err);
  return 1;
}

/* `ocirun help [COMMAND]`: the command prints its own help. */
static int
run_help (struct ocirun_global *g, int argc, char **argv, const struct cmdline_option *global_options,
          ocirun_error_t *err)
{
  const struct ocirun_command *cmd;
  char *help_argv[3];

  if (argc < 2)
    {
      print_usage (stdout, global_options);
      return 0;
    }
  cmd = ocirun_find_command (argv[1]);
  if (cmd == NULL)
    return ocirun_error (err, 0, "unknown command `%s`", argv[1]);
  help_argv[0] = argv[1];
  help_argv[1] = (char *) "--help";
  help_argv[2] = NULL;
  return cmd->run (g, 2, help_argv, err);
}

int
main (int argc, char **argv)
{
  struct ocirun_global g = { .log_format = "text", .rootless = "auto" };
  cleanup_free char *root_abs = NULL;
  const struct ocirun_command *cmd;
  cleanup_error ocirun_error_t err = NULL;
  bool help = false, version = false;
  int first, ret;
  struct cmdline_option global_options[] = {
    CMDLINE_BOOL ("debug", 0, &g.debug, "enable debug logging"),
    CMDLINE_STRING ("log", 0, &g.log, "set the log file to write ocirun logs to (default is stderr)"),
    CMDLINE_STRING ("log-format", 0, &g.log_format, "set the log format ('text' (default), or 'json')"),
    CMDLINE_STRING ("root", 0, &g.root, "root directory for storage of container state (default: \"/run/ocirun\")"),
    CMDLINE_BOOL ("systemd-cgroup", 0, &g.systemd_cgroup, "enable systemd cgroup support"),
    CMDLINE_STRING ("rootless", 0, &g.rootless, "ignore cgroup permission errors ('true', 'false', or 'auto')"),
    CMDLINE_BOOL ("version", 'v', &version, "print the version"),
    CMDLINE_END,
  };

  first = cmdline_parse_flags (NULL, global_options, argc, argv, &help, &err);
  if (first < 0)
    return fail (&err, false);
  if (version)
    {
      print_version ();
      return 0;
    }
  if (help || first >= argc)
    {
      print_usage (stdout, global_options);
      return 0;
    }
  if (g.root == NULL)
    g.root = default_root ();
  /* Absolute: the shim and the init outlive the caller's cwd. */
  root_abs = path_absolute (g.root);
  if (root_abs == NULL)
    {
      fprintf (stderr, "ocirun: resolve --root `%s`\n", g.root);
      return 1;
    }
  g.root = root_abs;

  if (ocirun_log_init (g.log, g.log_format, g.debug, &err) < 0)
    return fail (&err, false);

  if (strcmp (argv[first], "help") == 0 || strcmp (argv[first], "h") == 0)
    ret = run_help (&g, argc - first, argv + first, global_options, &err);
  else if ((cmd = ocirun_find_command (argv[first])) != NULL)
    {
      if (g.systemd_cgroup && (cmd->run == cmd_create || cmd->run == cmd_run) && cgroup_systemd_check (&err) < 0)
        return fail (&err, true);
      /* Commands that start a process in a container run from a sealed
       * copy of this binary (CVE-2019-5736). */
      if ((cmd->run == cmd_create || cmd->run == cmd_run || cmd->run == cmd_exec) && ensure_sealed_exe (argv, &err) < 0)
        return fail (&err, true);
      ret = cmd->run (&g, argc - first, argv + first, &err);
    }
  else
    ret = ocirun_error (&err, 0, "unknown command `%s`", argv[first]);
  if (ret < 0)
    {
      fail (&err, true);
      return g.fail_status ? g.fail_status : 1;
    }
  return ret;
}
