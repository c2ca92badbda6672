/* `ocirun features`: print the runtime-spec features document. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cmdline.h"
#include "commands.h"
#include "oci-spec/features.h"
#include "ocirun/cleanup.h"

int
cmd_features (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  const struct cmdline_command cmd = {
    .description = "Show the enabled features.\n"
                   "The result is parsable as JSON: the Features structure of the OCI runtime-spec\n"
                   "(https://github.com/opencontainers/runtime-spec/blob/main/features.md).",
  };
  int first;

  (void) g;
  first = cmdline_parse (&cmd, argc, argv, err);
  if (first <= 0)
    return first;
  if (oci_features_generate (&data, &len, err) < 0)
    return -1;
  if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
    return ocirun_error (err, errno, "write the features to stdout");
  return 0;
}
