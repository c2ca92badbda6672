/* ocirun create [-b DIR] [--console-socket PATH] [--pid-file FILE]
 *               [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID */
#include "config.h"

#include <string.h>

#include "cmdline.h"
#include "commands.h"
#include "create-flags.h"

#define CREATE_OPTIONS(f)                                                                                        \
  CMDLINE_STRING ("bundle", 'b', &(f)->opts.bundle,                                                             \
                  "path to the root of the bundle directory, defaults to the current directory"),               \
      CMDLINE_STRING ("console-socket", 0, &(f)->opts.console_socket,                                          \
                      "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"), \
      CMDLINE_STRING ("pid-file", 0, &(f)->opts.pid_file, "specify the file to write the process id to"),      \
      CMDLINE_BOOL ("no-pivot", 0, &(f)->opts.no_pivot,                                                        \
                    "do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk"), \
      CMDLINE_BOOL ("no-new-keyring", 0, &(f)->opts.no_new_keyring,                                            \
                    "do not create a new session keyring for the container.  This will cause the container to inherit the calling processes session key"), \
      CMDLINE_INT ("preserve-fds", 0, &(f)->opts.preserve_fds,                                                 \
                   "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) (default: 0)")

int
create_flags_parse (struct ocirun_global *g, int argc, char **argv, bool is_run, struct create_flags *f,
                    ocirun_error_t *err)
{
  struct cmdline_option create_options[] = { CREATE_OPTIONS (f), CMDLINE_END };
  struct cmdline_option run_options[] = {
    CREATE_OPTIONS (f),
    CMDLINE_BOOL ("detach", 'd', &f->detach, "detach from the container's process"),
    CMDLINE_BOOL ("keep", 0, &f->keep, "do not delete the container after it exits"),
    CMDLINE_BOOL ("no-subreaper", 0, &f->no_subreaper, "disable the use of the subreaper used to reap reparented processes"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = is_run ? "The run command creates an instance of a container for a bundle, and starts it."
                          : "The create command creates an instance of a container for a bundle.",
    .options = is_run ? run_options : create_options,
    .min_args = 1,
    .max_args = 1,
  };
  int first;

  memset (f, 0, sizeof (*f));
  f->opts.root = g->root;
  first = cmdline_parse (&cmd, argc, argv, err);
  if (first <= 0)
    return first;
  if (f->opts.preserve_fds < 0)
    return ocirun_error (err, 0, "invalid --preserve-fds `%d`", f->opts.preserve_fds);
  f->opts.id = argv[first];
  return first;
}

int
cmd_create (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct create_flags f;
  int r = create_flags_parse (g, argc, argv, false, &f, err);

  if (r <= 0)
    return r;
  f.opts.parent = container_detached_parent (f.opts.pid_file);
  return container_create (&f.opts, NULL, err) < 0 ? -1 : 0;
}
