/* ocirun state ID: the state document as runc prints it. */
#include "config.h"

#include <stdio.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container.h"

int
cmd_state (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct container_info info __attribute__ ((cleanup (container_info_free))) = { 0 };
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = "The state command outputs current state information for the instance of a container.",
    .min_args = 1,
    .max_args = 1,
  };
  cleanup_free char *out = NULL;
  int first = cmdline_parse (&cmd, argc, argv, err);
  size_t len;

  if (first <= 0)
    return first;
  if (container_info (g->root, argv[first], &info, err) < 0)
    return -1;
  if (oci_state_generate (&info.state, &out, &len, err) < 0)
    return -1;
  fwrite (out, 1, len, stdout);
  return 0;
}
