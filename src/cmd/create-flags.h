/* Flags shared by `create` and `run` (runc's names). */
#ifndef OCIRUN_CMD_CREATE_FLAGS_H
#define OCIRUN_CMD_CREATE_FLAGS_H

#include <stdbool.h>

#include "commands.h"
#include "ocirun/container.h"

struct create_flags
{
  struct container_create_opts opts;
  bool detach; /* run only */
  bool keep;   /* run only */
  bool no_subreaper; /* run only */
};

/* Parses argv (argv[0] is the command name); `is_run` adds -d/--keep.
 * Returns as cmdline_parse: > 0 parsed, 0 help printed, -1 error. */
int create_flags_parse (struct ocirun_global *g, int argc, char **argv, bool is_run, struct create_flags *out,
                        ocirun_error_t *err);

#endif
