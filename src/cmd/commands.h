/* The CLI's command table: one function per command, one file each in
 * src/cmd/.  A command parses its own flags, calls the core and prints.
 * It returns the process exit status, or -1 with *err set (the caller
 * prints "ocirun: <message>" and exits 1). */
#ifndef OCIRUN_CMD_COMMANDS_H
#define OCIRUN_CMD_COMMANDS_H

#include <stdbool.h>

#include "ocirun/error.h"

struct ocirun_global
{
  const char *root;       /* --root, resolved to its default when absent */
  const char *log;        /* --log FILE or NULL */
  const char *log_format; /* "text" (default) or "json" */
  bool debug;
  bool systemd_cgroup;
  const char *rootless; /* "true", "false" or "auto" */
  /* The exit status when the command returns -1; 0 means 1.  exec sets
   * 255 once its flags are parsed, as runc's does. */
  int fail_status;
};

typedef int (*ocirun_command_fn) (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);

struct ocirun_command
{
  const char *name;
  const char *summary;
  ocirun_command_fn run;
};

/* The table entry of a command, or NULL (src/ocirun.c). */
const struct ocirun_command *ocirun_find_command (const char *name);

/* Flags and --help: see cmdline.h. */

int cmd_create (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_delete (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_kill (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_list (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_run (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_start (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_state (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_spec (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_exec (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_events (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_pause (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_ps (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_resume (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_update (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);
int cmd_features (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err);

#endif
