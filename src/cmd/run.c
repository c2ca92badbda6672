/* ocirun run [create's flags] [-d|--detach] [--keep] ID */
#include "config.h"

#include "commands.h"
#include "create-flags.h"

int
cmd_run (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct create_flags f;
  int r = create_flags_parse (g, argc, argv, true, &f, err);
  int code = 0;

  if (r <= 0)
    return r;
  if (f.detach)
    {
      f.opts.parent = container_detached_parent (f.opts.pid_file);
      if (container_create (&f.opts, NULL, err) < 0)
        return -1;
      if (container_start (f.opts.root, f.opts.id, err) < 0)
        {
          ocirun_error_t derr = NULL;
          container_delete (f.opts.root, f.opts.id, true, &derr);
          ocirun_error_release (&derr);
          return -1;
        }
      return 0;
    }
  f.opts.parent = PARENT_FOREGROUND;
  f.opts.no_subreaper = f.no_subreaper;
  if (container_run (&f.opts, f.keep, &code, err) < 0)
    return -1;
  return code;
}
