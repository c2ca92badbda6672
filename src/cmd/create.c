/* ocirun create [-b DIR] [--console-socket PATH] [--pid-file FILE]
 *               [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "create-flags.h"

enum { OPT_CONSOLE = 256, OPT_PID_FILE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP };

static const struct option options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
  { "detach", no_argument, NULL, 'd' },
  { "keep", no_argument, NULL, OPT_KEEP },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
usage (const char *cmd, bool is_run)
{
  printf ("Usage: ocirun %s [command options] <container-id>\n\n"
          "   --bundle value, -b value  path to the root of the bundle directory, defaults to the current directory\n"
          "   --console-socket value    path to an AF_UNIX socket which will receive the pty master\n"
          "   --pid-file value          specify the file to write the process id to\n"
          "   --no-pivot                do not use pivot root to jail process inside rootfs\n"
          "   --no-new-keyring          do not create a new session keyring for the container\n"
          "   --preserve-fds value      pass N additional file descriptors to the container (default: 0)\n",
          cmd);
  if (is_run)
    printf ("   --detach, -d              detach from the container's process\n"
            "   --keep                    do not delete the container after it exits\n");
  return 0;
}

int
create_flags_parse (struct ocirun_global *g, int argc, char **argv, bool is_run, struct create_flags *out,
                    ocirun_error_t *err)
{
  char *end;
  int opt;

  memset (out, 0, sizeof (*out));
  out->opts.root = g->root;
  optind = 1;
  while ((opt = getopt_long (argc, argv, is_run ? "+b:dh" : "+b:h", options, NULL)) != -1)
    {
      switch (opt)
        {
        case 'b': out->opts.bundle = optarg; break;
        case OPT_CONSOLE: out->opts.console_socket = optarg; break;
        case OPT_PID_FILE: out->opts.pid_file = optarg; break;
        case OPT_NO_PIVOT: out->opts.no_pivot = true; break;
        case OPT_NO_KEYRING: out->opts.no_new_keyring = true; break;
        case OPT_PRESERVE:
          out->opts.preserve_fds = strtol (optarg, &end, 10);
          if (*optarg == '\0' || *end || out->opts.preserve_fds < 0)
            return ocirun_error (err, 0, "invalid --preserve-fds `%s`", optarg);
          break;
        case 'd':
        case OPT_KEEP:
          if (!is_run)
            return ocirun_error (err, 0, "%s: unknown flag `%s`", argv[0], argv[optind - 1]);
          if (opt == 'd')
            out->detach = true;
          else
            out->keep = true;
          break;
        case 'h': usage (argv[0], is_run); return 1;
        default: return -2; /* getopt named the bad flag */
        }
    }
  if (argc - optind != 1)
    return ocirun_error (err, 0, "\"%s\" requires exactly 1 argument", argv[0]);
  out->opts.id = argv[optind];
  return 0;
}

int
cmd_create (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct create_flags f;
  int r = create_flags_parse (g, argc, argv, false, &f, err);

  if (r != 0)
    return r == -1 ? -1 : r == -2 ? 1 : 0;
  f.opts.parent = container_detached_parent (f.opts.pid_file);
  return container_create (&f.opts, NULL, err) < 0 ? -1 : 0;
}
