/* ocirun start ID */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ocirun/container.h"

int
cmd_start (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  if (argc == 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: ocirun start <container-id>\n");
      return 0;
    }
  if (argc != 2)
    return ocirun_error (err, 0, "\"start\" requires exactly 1 argument");
  return container_start (g->root, argv[1], err) < 0 ? -1 : 0;
}
