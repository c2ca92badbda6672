/* ocirun start ID */
#include "config.h"

#include "cmdline.h"
#include "commands.h"
#include "ocirun/container.h"

int
cmd_start (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = "The start command executes the user defined process in a created container.",
    .min_args = 1,
    .max_args = 1,
  };
  int first = cmdline_parse (&cmd, argc, argv, err);

  if (first <= 0)
    return first;
  return container_start (g->root, argv[first], err) < 0 ? -1 : 0;
}
