/* Flag parsing and --help for the commands, from one table per command.
 *
 * A command declares its flags as a table whose entries point at its own
 * local variables, describes itself in a struct cmdline_command, and calls
 * cmdline_parse().  The same table drives getopt_long and the --help text,
 * so both always agree.  A whole command file looks like this:
 *
 *   #include "config.h"
 *   #include "cmdline.h"    // same directory: src/cmd/
 *   #include "commands.h"
 *
 *   int
 *   cmd_kill (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
 *   {
 *     bool all = false;
 *     struct cmdline_option options[] = {
 *       CMDLINE_BOOL ("all", 'a', &all, "send the signal to all processes of the container"),
 *       CMDLINE_END,
 *     };
 *     const struct cmdline_command cmd = {
 *       .args = "<container-id> [signal]",
 *       .description = "Send a signal (default: SIGTERM) to the container's init process.",
 *       .options = options,
 *       .min_args = 1,
 *       .max_args = 2,
 *     };
 *     int first = cmdline_parse (&cmd, argc, argv, err);
 *     if (first <= 0)
 *       return first;  // 0: --help was printed; -1: bad usage, *err is set
 *     const char *id = argv[first];
 *     const char *signal = first + 1 < argc ? argv[first + 1] : "SIGTERM";
 *     ...
 *   }
 *
 * and one line in the command table of src/ocirun.c (sorted by name):
 *   { "kill", "send a signal to the container's init process", cmd_kill },
 * plus its prototype in commands.h.  `ocirun help kill`, `ocirun kill -h`
 * and the unknown-flag / operand-count errors then come for free.  Call
 * cmdline_parse before anything with a side effect: `ocirun help CMD` runs
 * the command with "--help".
 *
 * tests/bats/cli.bats checks every command's --help against
 * completions/ocirun.bash, completions/_ocirun, completions/ocirun.fish and
 * docs/ocirun.1: when a command's flags differ from runc 1.1's, update those.
 *
 * Parsing follows runc (urfave/cli): flags come before the operands and
 * parsing stops at the first operand, so `exec ID ls -l` leaves "-l" to
 * the process; "--" ends the flags; long flags take "--name value" or
 * "--name=value", short ones "-n value" or "-nvalue"; a boolean flag is set
 * by "--name" and also accepts "--name=false" / "--name=true".  Every
 * command gets --help / -h for free.  A string flag given twice keeps the
 * last value; a list flag (CMDLINE_LIST) collects every value. */
#ifndef OCIRUN_CMD_CMDLINE_H
#define OCIRUN_CMD_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ocirun/error.h"

enum cmdline_type
{
  CMDLINE_TYPE_BOOL,   /* bool *: set to true (or to the =VALUE given) */
  CMDLINE_TYPE_STRING, /* const char **: the argument, pointing into argv */
  CMDLINE_TYPE_INT,    /* int *: a decimal integer argument */
  CMDLINE_TYPE_LIST,   /* struct cmdline_list *: every argument, in order */
};

/* The values of a repeatable flag (--env A --env B).  items point into
 * argv; release the array itself with cmdline_list_free (or the
 * cleanup_cmdline_list attribute). */
struct cmdline_list
{
  const char **items; /* NULL-terminated once non-empty */
  size_t len;
};

struct cmdline_option
{
  const char *name;      /* long name, without "--" */
  int short_name;        /* 'b' for -b, or 0 */
  enum cmdline_type type;
  void *target;          /* where the value goes; see enum cmdline_type */
  const char *help;      /* one line, lower case, no final period (runc style) */
};

/* Table entries.  The ternary makes the compiler check the target's type. */
#define CMDLINE_BOOL(name, short_name, ptr, help) \
  { (name), (short_name), CMDLINE_TYPE_BOOL, (1 ? (ptr) : (bool *) NULL), (help) }
#define CMDLINE_STRING(name, short_name, ptr, help) \
  { (name), (short_name), CMDLINE_TYPE_STRING, (1 ? (ptr) : (const char **) NULL), (help) }
#define CMDLINE_INT(name, short_name, ptr, help) \
  { (name), (short_name), CMDLINE_TYPE_INT, (1 ? (ptr) : (int *) NULL), (help) }
#define CMDLINE_LIST(name, short_name, ptr, help) \
  { (name), (short_name), CMDLINE_TYPE_LIST, (1 ? (ptr) : (struct cmdline_list *) NULL), (help) }
#define CMDLINE_END { NULL, 0, CMDLINE_TYPE_BOOL, NULL, NULL }

struct cmdline_command
{
  const char *args;        /* operands in the usage line, e.g. "<container-id>"; NULL: none */
  const char *description; /* shown under DESCRIPTION:, may span lines; NULL: none */
  struct cmdline_option *options; /* ends with CMDLINE_END; NULL: no flags */
  int min_args;            /* operands required after the flags */
  int max_args;            /* most operands accepted; -1: no limit */
};

/* Parse argv[1..] (argv[0] is the command name, used in messages and in
 * the help's NAME line together with the command table's summary).
 * Returns the argv index of the first operand (argc when there is none),
 * 0 when --help was given (the help went to stdout: return 0 from the
 * command), or -1 with *err set for an unknown flag, a missing or invalid
 * flag value, or a wrong number of operands. */
int cmdline_parse (const struct cmdline_command *cmd, int argc, char **argv, ocirun_error_t *err);

/* The help text of a command in runc's layout (NAME, USAGE, DESCRIPTION,
 * OPTIONS).  `name` is the command name. */
void cmdline_print_help (FILE *out, const char *name, const struct cmdline_command *cmd);

/* The OPTIONS: block alone, with --help appended; used for the global
 * flags too. */
void cmdline_print_options (FILE *out, const struct cmdline_option *options);

/* Lower level: parse flags only, stopping at the first operand.  `what`
 * names the command in messages ("for `spec`"); NULL for the global flags.
 * Returns as cmdline_parse, without checking the operand count. */
int cmdline_parse_flags (const char *what, struct cmdline_option *options, int argc, char **argv,
                         bool *help, ocirun_error_t *err);

void cmdline_list_free (struct cmdline_list *list);
#define cleanup_cmdline_list __attribute__ ((cleanup (cmdline_list_free)))

#endif
