/* ocirun kill [--all|-a] ID [SIGNAL] */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "commands.h"
#include "ocirun/container.h"

static const struct option options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_kill (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  bool all = false;
  int opt, sig = SIGTERM;

  optind = 1;
  while ((opt = getopt_long (argc, argv, "+ah", options, NULL)) != -1)
    {
      switch (opt)
        {
        case 'a': all = true; break;
        case 'h': printf ("Usage: ocirun kill [--all] <container-id> [signal]\n"); return 0;
        default: return 1; /* getopt named the bad flag */
        }
    }
  if (argc - optind < 1 || argc - optind > 2)
    return ocirun_error (err, 0, "\"kill\" requires 1 or 2 arguments");
  if (argc - optind == 2 && (sig = signal_parse (argv[optind + 1], err)) < 0)
    return -1;
  return container_kill (g->root, argv[optind], sig, all, err) < 0 ? -1 : 0;
}
