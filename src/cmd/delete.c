/* ocirun delete [-f|--force] ID */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ocirun/container.h"

static const struct option options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_delete (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  bool force = false;
  int opt;

  optind = 1;
  while ((opt = getopt_long (argc, argv, "+fh", options, NULL)) != -1)
    {
      switch (opt)
        {
        case 'f': force = true; break;
        case 'h': printf ("Usage: ocirun delete [--force] <container-id>\n"); return 0;
        default: return 1; /* getopt named the bad flag */
        }
    }
  if (argc - optind != 1)
    return ocirun_error (err, 0, "\"delete\" requires exactly 1 argument");
  return container_delete (g->root, argv[optind], force, err) < 0 ? -1 : 0;
}
