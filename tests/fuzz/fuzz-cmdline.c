/* libFuzzer target: the command-line parser (cmdline_parse_flags with
 * every kind of flag, and the real create/run table through
 * create_flags_parse) must never crash, leak or hit undefined behaviour,
 * whatever the arguments.  The input is the argument vector, NUL-
 * separated; its first byte picks create or run.  Built and run by
 * tests/fuzz/run.sh (target "cmdline"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmdline.h"
#include "src/cmd/commands.h"
#include "src/cmd/create-flags.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* What src/cmd/create.c and cmdline.c link against, outside the parser. */
const struct ocirun_command *
ocirun_find_command (const char *name)
{
  (void) name;
  return NULL;
}

int
container_create (const struct container_create_opts *opts, pid_t *pid, ocirun_error_t *err)
{
  (void) opts, (void) pid, (void) err;
  abort ();
}

enum container_parent
container_detached_parent (const char *pid_file)
{
  (void) pid_file;
  abort ();
}

static void
parse_generic (int argc, char **argv)
{
  bool b = false, help = false;
  const char *s = NULL;
  int n = 0;
  struct cmdline_list l = { 0 };
  struct cmdline_option options[] = {
    CMDLINE_BOOL ("debug", 0, &b, "b"),
    CMDLINE_STRING ("root", 'r', &s, "s"),
    CMDLINE_INT ("count", 'n', &n, "n"),
    CMDLINE_LIST ("env", 'e', &l, "l"),
    CMDLINE_END,
  };
  ocirun_error_t err = NULL;

  if (cmdline_parse_flags (NULL, options, argc, argv, &help, &err) < 0)
    {
      free (ocirun_error_format (err));
      ocirun_error_release (&err);
    }
  cmdline_list_free (&l);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct ocirun_global g = { .root = "/run/ocirun", .log_format = "text" };
  struct create_flags f;
  ocirun_error_t err = NULL;
  char *buf, **argv;
  int argc = 1;
  bool is_run;

  if (size == 0)
    return 0;
  is_run = data[0] & 1;
  buf = malloc (size + 1);
  memcpy (buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  argv = calloc (size + 2, sizeof (char *));
  argv[0] = (char *) (is_run ? "run" : "create");
  for (size_t i = 0; i < size - 1; i += strlen (buf + i) + 1)
    argv[argc++] = buf + i;
  argv[argc] = NULL;
  if (create_flags_parse (&g, argc, argv, is_run, &f, &err) < 0)
    {
      free (ocirun_error_format (err));
      ocirun_error_release (&err);
    }
  parse_generic (argc, argv);
  free (argv);
  free (buf);
  return 0;
}
