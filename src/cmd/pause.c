/* ocirun pause ID / ocirun resume ID */
#include "config.h"

#include "cmdline.h"
#include "commands.h"
#include "ocirun/container-cgroup.h"

static int
freeze_command (int argc, char **argv, const char *description, ocirun_error_t *err)
{
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = description,
    .min_args = 1,
    .max_args = 1,
  };

  return cmdline_parse (&cmd, argc, argv, err);
}

int
cmd_pause (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  int first = freeze_command (argc, argv,
                              "The pause command suspends all processes in the instance of the container.", err);

  if (first <= 0)
    return first;
  return container_pause (g->root, argv[first], err) < 0 ? -1 : 0;
}

int
cmd_resume (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  int first = freeze_command (argc, argv,
                              "The resume command resumes all processes in the instance of the container.", err);

  if (first <= 0)
    return first;
  return container_resume (g->root, argv[first], err) < 0 ? -1 : 0;
}
