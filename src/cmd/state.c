/* ocirun state ID: the state document as runc prints it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container.h"

int
cmd_state (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct container_info info __attribute__ ((cleanup (container_info_free))) = { 0 };
  cleanup_free char *out = NULL;
  size_t len;

  if (argc == 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: ocirun state <container-id>\n");
      return 0;
    }
  if (argc != 2)
    return ocirun_error (err, 0, "\"state\" requires exactly 1 argument");
  if (container_info (g->root, argv[1], &info, err) < 0)
    return -1;
  if (oci_state_generate (&info.state, &out, &len, err) < 0)
    return -1;
  fwrite (out, 1, len, stdout);
  return 0;
}
