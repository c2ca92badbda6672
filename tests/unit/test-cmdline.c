/* The flag parser and help printer of src/cmd/cmdline.c. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmdline.h"
#include "src/cmd/commands.h"
#include "ocirun/cleanup.h"

static int test_number;
static int failures;

static void
ok (bool cond, const char *desc)
{
  printf ("%sok %d - %s\n", cond ? "" : "not ", ++test_number, desc);
  if (!cond)
    failures++;
}

/* cmdline.c takes the summary for the help's NAME line from the table. */
const struct ocirun_command *
ocirun_find_command (const char *name)
{
  static const struct ocirun_command demo = { "demo", "do a demonstration", NULL };
  return strcmp (name, "demo") == 0 ? &demo : NULL;
}

struct demo_flags
{
  bool detach, tty;
  const char *bundle;
  int fds;
  struct cmdline_list env;
};

#define DEMO_OPTIONS(f)                                                        \
  {                                                                            \
    CMDLINE_STRING ("bundle", 'b', &(f)->bundle, "path to the bundle"),        \
    CMDLINE_BOOL ("detach", 'd', &(f)->detach, "detach"),                      \
    CMDLINE_BOOL ("tty", 't', &(f)->tty, "allocate a pseudo-TTY"),             \
    CMDLINE_INT ("preserve-fds", 0, &(f)->fds, "pass N more descriptors"),     \
    CMDLINE_LIST ("env", 'e', &(f)->env, "set an environment variable"),       \
    CMDLINE_END,                                                               \
  }

/* Parse a NULL-terminated argument list for "demo" (1 to 2 operands);
 * returns what cmdline_parse returns and the error text, if any. */
static int
parse (struct demo_flags *f, char **errmsg, ...)
{
  struct cmdline_option options[] = DEMO_OPTIONS (f);
  const struct cmdline_command cmd = { .args = "<id> [arg]", .options = options, .min_args = 1, .max_args = 2 };
  static char *argv[16];
  cleanup_error ocirun_error_t err = NULL;
  va_list ap;
  int argc = 0, ret;

  argv[argc++] = (char *) "demo";
  va_start (ap, errmsg);
  while (argc < 15 && (argv[argc] = va_arg (ap, char *)) != NULL)
    argc++;
  va_end (ap);
  ret = cmdline_parse (&cmd, argc, argv, &err);
  *errmsg = err ? ocirun_error_format (err) : NULL;
  return ret;
}

static void
test_values (void)
{
  struct demo_flags f = { 0 };
  cleanup_free char *msg = NULL;
  int first = parse (&f, &msg, "-d", "--bundle=/b", "-e", "A=1", "--env", "B=2", "-eC=3", "--preserve-fds", "0x3",
                     "--tty=false", "ID", "-x", NULL);

  ok (first == 11 && msg == NULL, "flags parsed, first operand found");
  ok (f.detach && !f.tty && f.bundle && strcmp (f.bundle, "/b") == 0 && f.fds == 3, "bool, =false, string, int");
  ok (f.env.len == 3 && strcmp (f.env.items[0], "A=1") == 0 && strcmp (f.env.items[2], "C=3") == 0
          && f.env.items[3] == NULL,
      "list collects every value in order, NULL-terminated");
  cmdline_list_free (&f.env);
}

static void
test_stops_at_operand (void)
{
  struct demo_flags f = { 0 };
  cleanup_free char *msg = NULL;
  cleanup_free char *msg2 = NULL;
  int first = parse (&f, &msg, "-b", "x", "--", "-d", NULL);

  ok (first == 4 && !f.detach && msg == NULL, "-- ends the flags");
  first = parse (&f, &msg2, "-dt", NULL);
  ok (first == -1 && msg2 && strcmp (msg2, "`demo` requires at least 1 argument, got 0") == 0 && f.tty,
      "short flags combine; too few operands");
}

static void
expect_error (const char *desc, const char *want, ...)
{
  struct demo_flags f = { 0 };
  cleanup_free char *msg = NULL;
  va_list ap;
  char *args[8];
  int n = 0, ret;

  va_start (ap, want);
  while (n < 7 && (args[n] = va_arg (ap, char *)) != NULL)
    n++;
  va_end (ap);
  args[n] = NULL;
  ret = parse (&f, &msg, args[0], args[1], args[2], args[3], args[4], args[5], args[6], NULL);
  ok (ret == -1 && msg && strcmp (msg, want) == 0, desc);
  if (msg && strcmp (msg, want) != 0)
    fprintf (stderr, "# want: %s\n# got:  %s\n", want, msg);
  cmdline_list_free (&f.env);
}

static void
test_errors (void)
{
  expect_error ("unknown long flag", "unknown flag `--nope` for `demo`", "--nope=1", "ID", NULL);
  expect_error ("unknown short flag", "unknown flag `-z` for `demo`", "-z", "ID", NULL);
  expect_error ("missing value", "flag `--bundle` for `demo` needs a value", "--bundle", NULL);
  expect_error ("missing short value", "flag `-e` for `demo` needs a value", "-e", NULL);
  expect_error ("bad integer", "invalid value `x1` for flag `--preserve-fds` for `demo`: expected an integer",
                "--preserve-fds", "x1", "ID", NULL);
  expect_error ("bad boolean", "invalid value `yes` for flag `--detach` for `demo`: expected true or false",
                "--detach=yes", "ID", NULL);
  expect_error ("too many operands", "`demo` takes at most 2 arguments, got `c` too", "a", "b", "c", NULL);
}

static void
test_help (void)
{
  struct demo_flags f = { 0 };
  struct cmdline_option options[] = DEMO_OPTIONS (&f);
  const struct cmdline_command cmd = { .args = "<id> [arg]", .description = "Line one.\n\nLine three.",
                                       .options = options };
  cleanup_free char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  bool help = false;
  char *argv[] = { (char *) "demo", (char *) "-d", (char *) "-h", (char *) "ID", NULL };

  ok (cmdline_parse_flags ("demo", options, 4, argv, &help, NULL) >= 0 && help, "-h is found among the flags");
  cmdline_print_help (out, "demo", &cmd);
  fclose (out);
  ok (strcmp (text, "NAME:\n"
                    "   ocirun demo - do a demonstration\n"
                    "\n"
                    "USAGE:\n"
                    "   ocirun demo [command options] <id> [arg]\n"
                    "\n"
                    "DESCRIPTION:\n"
                    "   Line one.\n"
                    "\n"
                    "   Line three.\n"
                    "\n"
                    "OPTIONS:\n"
                    "   --bundle value, -b value  path to the bundle\n"
                    "   --detach, -d              detach\n"
                    "   --tty, -t                 allocate a pseudo-TTY\n"
                    "   --preserve-fds value      pass N more descriptors\n"
                    "   --env value, -e value     set an environment variable\n"
                    "   --help, -h                show help\n")
          == 0,
      "help text in runc's layout");
}

int
main (void)
{
  printf ("1..14\n");
  test_values ();
  test_stops_at_operand ();
  test_errors ();
  test_help ();
  return failures ? 1 : 0;
}
