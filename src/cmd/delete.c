/* ocirun delete [-f|--force] ID */
#include "config.h"

#include "cmdline.h"
#include "commands.h"
#include "ocirun/container.h"

int
cmd_delete (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  bool force = false;
  struct cmdline_option options[] = {
    CMDLINE_BOOL ("force", 'f', &force, "Forcibly deletes the container if it is still running (uses SIGKILL)"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = "The delete command deletes any resources held by the container often used with detached containers.",
    .options = options,
    .min_args = 1,
    .max_args = 1,
  };
  int first = cmdline_parse (&cmd, argc, argv, err);

  if (first <= 0)
    return first;
  return container_delete (g->root, argv[first], force, err) < 0 ? -1 : 0;
}
