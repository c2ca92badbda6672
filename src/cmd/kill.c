/* ocirun kill [--all|-a] ID [SIGNAL] */
#include "config.h"

#include <signal.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/container.h"

int
cmd_kill (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  bool all = false;
  struct cmdline_option options[] = {
    CMDLINE_BOOL ("all", 'a', &all, "send the specified signal to all processes inside the container"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id> [signal]",
    .description = "The kill command sends the specified signal (default: SIGTERM) to the container's init process.",
    .options = options,
    .min_args = 1,
    .max_args = 2,
  };
  int first = cmdline_parse (&cmd, argc, argv, err), sig = SIGTERM;

  if (first <= 0)
    return first;
  if (first + 1 < argc && (sig = signal_parse (argv[first + 1], err)) < 0)
    return -1;
  return container_kill (g->root, argv[first], sig, all, err) < 0 ? -1 : 0;
}
