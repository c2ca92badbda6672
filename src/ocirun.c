/* ocirun: global flags, the command table, error printing. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/error.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"

static const struct ocirun_command commands[] = {
  { "create", "create a container", cmd_create },
  { "delete", "delete any resources held by the container often used with detached container", cmd_delete },
  { "kill", "kill sends the specified signal (default: SIGTERM) to the container's init process", cmd_kill },
  { "list", "lists containers started by ocirun with the given root", cmd_list },
  { "run", "create and run a container", cmd_run },
  { "start", "executes the user defined process in a created container", cmd_start },
  { "state", "output the state of a container", cmd_state },

  { NULL, NULL, NULL },
};

static const struct ocirun_command *
find_command (const char *name)
{
  for (const struct ocirun_command *c = commands; c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "NAME:\n   ocirun - Open Container Initiative runtime\n\n"
                "USAGE:\n   ocirun [global options] command [command options] [arguments...]\n\n"
                "COMMANDS:\n");
  for (const struct ocirun_command *c = commands; c->name; c++)
    fprintf (out, "   %-10s %s\n", c->name, c->summary);
  fprintf (out, "   %-10s %s\n", "help", "shows a list of commands or help for one command");
  fprintf (out, "\nGLOBAL OPTIONS:\n"
                "   --debug                 enable debug logging\n"
                "   --log value             set the log file to write ocirun logs to (default is stderr)\n"
                "   --log-format value      set the log format ('text' (default), or 'json')\n"
                "   --root value            root directory for storage of container state\n"
                "   --systemd-cgroup        enable systemd cgroup support\n"
                "   --rootless value        ignore cgroup permission errors ('true', 'false', or 'auto')\n"
                "   --help, -h              show help\n"
                "   --version, -v           print the version\n");
}

static void
print_version (void)
{
  printf ("ocirun version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, OCIRUN_COMMIT, OCI_SPEC_VERSION);
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

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_ROOTLESS };

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "rootless", required_argument, NULL, OPT_ROOTLESS },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'v' },
  { NULL, 0, NULL, 0 },
};

static int
fail (ocirun_error_t *err)
{
  cleanup_free char *msg = ocirun_error_format (*err);
  ocirun_log (OCIRUN_LOG_ERROR, "%s", msg);
  ocirun_error_release (err);
  return 1;
}

int
main (int argc, char **argv)
{
  struct ocirun_global g = { .log_format = "text", .rootless = "auto" };
  const struct ocirun_command *cmd;
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *root_abs = NULL;
  int opt, ret;

  /* '+': stop at the command name; the command parses the rest. */
  while ((opt = getopt_long (argc, argv, "+hv", global_options, NULL)) != -1)
    {
      switch (opt)
        {
        case OPT_ROOT: g.root = optarg; break;
        case OPT_LOG: g.log = optarg; break;
        case OPT_LOG_FORMAT: g.log_format = optarg; break;
        case OPT_DEBUG: g.debug = true; break;
        case OPT_SYSTEMD_CGROUP: g.systemd_cgroup = true; break;
        case OPT_ROOTLESS: g.rootless = optarg; break;
        case 'h': print_usage (stdout); return 0;
        case 'v': print_version (); return 0;
        default: return 1; /* getopt already named the bad flag */
        }
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
    {
      cleanup_free char *msg = ocirun_error_format (err);
      fprintf (stderr, "ocirun: %s\n", msg);
      return 1;
    }

  if (optind >= argc)
    {
      print_usage (stderr);
      return 1;
    }
  if (strcmp (argv[optind], "help") == 0 && optind + 1 >= argc)
    {
      print_usage (stdout);
      return 0;
    }
  cmd = find_command (argv[optind]);
  if (cmd == NULL)
    {
      ocirun_error (&err, 0, "unknown command `%s`", argv[optind]);
      return fail (&err);
    }

  ret = cmd->run (&g, argc - optind, argv + optind, &err);
  if (ret < 0)
    return fail (&err);
  return ret;
}
