/* Flag parsing and help text for the commands: see cmdline.h. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"

/* getopt_long's value for the long option at table index i; short flags
 * come back as their character, below this. */
#define LONG_VAL(i) (256 + (i))

static const struct cmdline_option help_option = { "help", 'h', CMDLINE_TYPE_BOOL, NULL, "show help" };

static size_t
count_options (const struct cmdline_option *options)
{
  size_t n = 0;
  while (options && options[n].name)
    n++;
  return n;
}

/* The table plus the implicit --help entry (index n). */
static const struct cmdline_option *
option_at (const struct cmdline_option *options, size_t n, size_t i)
{
  return i < n ? &options[i] : &help_option;
}

static bool
takes_value (const struct cmdline_option *o)
{
  return o->type != CMDLINE_TYPE_BOOL;
}

static void
build_getopt_tables (const struct cmdline_option *options, size_t n, struct option *longopts, char *shortopts)
{
  char *s = shortopts;

  /* '+': stop at the first operand; ':': report a missing value as ':'. */
  *s++ = '+';
  *s++ = ':';
  for (size_t i = 0; i <= n; i++)
    {
      const struct cmdline_option *o = option_at (options, n, i);
      longopts[i] = (struct option) { o->name, takes_value (o) ? required_argument : optional_argument, NULL,
                                      LONG_VAL (i) };
      if (o->short_name)
        {
          *s++ = (char) o->short_name;
          if (takes_value (o))
            *s++ = ':';
        }
    }
  longopts[n + 1] = (struct option) { NULL, 0, NULL, 0 };
  *s = '\0';
}

static const struct cmdline_option *
find_by_val (const struct cmdline_option *options, size_t n, int val)
{
  if (val >= LONG_VAL (0) && (size_t) (val - LONG_VAL (0)) <= n)
    return option_at (options, n, val - LONG_VAL (0));
  for (size_t i = 0; i <= n; i++)
    if (val > 0 && option_at (options, n, i)->short_name == val)
      return option_at (options, n, i);
  return NULL;
}

/* " for `spec`", or "" for the global flags. */
static const char *
context (const char *what, char *buf, size_t size)
{
  if (what == NULL)
    return "";
  snprintf (buf, size, " for `%s`", what);
  return buf;
}

/* Go's strconv.ParseBool, which urfave/cli uses for --flag=VALUE. */
static int
parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

  for (size_t i = 0; i < sizeof (yes) / sizeof (yes[0]); i++)
    {
      if (strcmp (s, yes[i]) == 0)
        return *out = true, 0;
      if (strcmp (s, no[i]) == 0)
        return *out = false, 0;
    }
  return -1;
}

static int
parse_int (const char *s, int *out)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol (s, &end, 0);
  if (errno || end == s || *end != '\0' || v < INT_MIN || v > INT_MAX)
    return -1;
  *out = (int) v;
  return 0;
}

static int
list_append (struct cmdline_list *list, const char *value)
{
  const char **items = realloc (list->items, (list->len + 2) * sizeof (*items));
  if (items == NULL)
    return -1;
  items[list->len++] = value;
  items[list->len] = NULL;
  list->items = items;
  return 0;
}

void
cmdline_list_free (struct cmdline_list *list)
{
  free (list->items);
  list->items = NULL;
  list->len = 0;
}

/* Store one flag's value into its target. */
static int
store_value (const struct cmdline_option *o, const char *value, const char *ctx, ocirun_error_t *err)
{
  switch (o->type)
    {
    case CMDLINE_TYPE_BOOL:
      if (value == NULL)
        *(bool *) o->target = true;
      else if (parse_bool (value, o->target) < 0)
        return ocirun_error (err, 0, "invalid value `%s` for flag `--%s`%s: expected true or false", value,
                             o->name, ctx);
      return 0;
    case CMDLINE_TYPE_STRING:
      *(const char **) o->target = value;
      return 0;
    case CMDLINE_TYPE_INT:
      if (parse_int (value, o->target) < 0)
        return ocirun_error (err, 0, "invalid value `%s` for flag `--%s`%s: expected an integer", value,
                             o->name, ctx);
      return 0;
    case CMDLINE_TYPE_LIST:
      if (list_append (o->target, value) < 0)
        return ocirun_error (err, errno, "flag `--%s`%s", o->name, ctx);
      return 0;
    }
  return ocirun_error (err, 0, "flag `--%s`%s: unknown type", o->name, ctx);
}

static int
bad_flag (int opt, int argc, char **argv, const struct cmdline_option *options, size_t n, const char *ctx,
          ocirun_error_t *err)
{
  const struct cmdline_option *o;
  const char *arg = optind - 1 < argc ? argv[optind - 1] : "";

  if (opt == ':')
    {
      o = find_by_val (options, n, optopt);
      if (o && optopt < 256)
        return ocirun_error (err, 0, "flag `-%c`%s needs a value", o->short_name, ctx);
      return ocirun_error (err, 0, "flag `--%s`%s needs a value", o ? o->name : "?", ctx);
    }
  if (optopt > 0 && optopt < 256)
    return ocirun_error (err, 0, "unknown flag `-%c`%s", optopt, ctx);
  return ocirun_error (err, 0, "unknown flag `%.*s`%s", (int) strcspn (arg, "="), arg, ctx);
}

int
cmdline_parse_flags (const char *what, struct cmdline_option *options, int argc, char **argv, bool *help,
                     ocirun_error_t *err)
{
  size_t n = count_options (options);
  cleanup_free struct option *longopts = calloc (n + 2, sizeof (*longopts));
  cleanup_free char *shortopts = malloc (2 * (n + 1) + 3);
  char ctxbuf[128];
  const char *ctx = context (what, ctxbuf, sizeof (ctxbuf));
  int opt;

  if (longopts == NULL || shortopts == NULL)
    return ocirun_error (err, ENOMEM, "parse flags%s", ctx);
  build_getopt_tables (options, n, longopts, shortopts);
  *help = false;

  /* optind 0: make glibc start afresh for each argv it is given. */
  optind = 0;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1)
    {
      const struct cmdline_option *o = (opt == '?' || opt == ':') ? NULL : find_by_val (options, n, opt);

      if (o == NULL)
        return bad_flag (opt, argc, argv, options, n, ctx, err);
      if (o == &help_option)
        {
          *help = true;
          return optind;
        }
      if (store_value (o, optarg, ctx, err) < 0)
        return -1;
    }
  return optind;
}

static const char *
plural (int n)
{
  return n == 1 ? "" : "s";
}

static int
check_operands (const struct cmdline_command *cmd, char **argv, int first, int argc, ocirun_error_t *err)
{
  int min = cmd->min_args, max = cmd->max_args, count = argc - first;

  if (count >= min && (max < 0 || count <= max))
    return 0;
  if (max == 0)
    return ocirun_error (err, 0, "`%s` takes no arguments, got `%s`", argv[0], argv[first]);
  if (max >= 0 && count > max)
    return ocirun_error (err, 0, "`%s` takes at most %d argument%s, got `%s` too", argv[0], max, plural (max),
                         argv[first + max]);
  if (min == max)
    return ocirun_error (err, 0, "`%s` requires exactly %d argument%s, got %d", argv[0], min, plural (min), count);
  return ocirun_error (err, 0, "`%s` requires at least %d argument%s, got %d", argv[0], min, plural (min), count);
}

int
cmdline_parse (const struct cmdline_command *cmd, int argc, char **argv, ocirun_error_t *err)
{
  bool help = false;
  int first;

  first = cmdline_parse_flags (argv[0], cmd->options, argc, argv, &help, err);
  if (first < 0)
    return -1;
  if (help)
    {
      cmdline_print_help (stdout, argv[0], cmd);
      return 0;
    }
  if (check_operands (cmd, argv, first, argc, err) < 0)
    return -1;
  /* Never 0 on success: argv[0] is the command name, so first >= 1. */
  return first;
}

static void
format_flag (char *buf, size_t size, const struct cmdline_option *o)
{
  const char *value = takes_value (o) ? " value" : "";

  if (o->short_name)
    snprintf (buf, size, "--%s%s, -%c%s", o->name, value, o->short_name, value);
  else
    snprintf (buf, size, "--%s%s", o->name, value);
}

void
cmdline_print_options (FILE *out, const struct cmdline_option *options)
{
  size_t n = count_options (options), width = 0;
  char buf[128];

  for (size_t i = 0; i <= n; i++)
    {
      format_flag (buf, sizeof (buf), option_at (options, n, i));
      if (strlen (buf) > width)
        width = strlen (buf);
    }
  for (size_t i = 0; i <= n; i++)
    {
      const struct cmdline_option *o = option_at (options, n, i);
      format_flag (buf, sizeof (buf), o);
      fprintf (out, "   %-*s  %s\n", (int) width, buf, o->help);
    }
}

/* Every line of a multi-line text, indented like runc's sections. */
static void
print_indented (FILE *out, const char *text)
{
  while (*text)
    {
      size_t len = strcspn (text, "\n");
      fprintf (out, len ? "   %.*s\n" : "%.*s\n", (int) len, text);
      text += len;
      if (*text == '\n')
        text++;
    }
}

void
cmdline_print_help (FILE *out, const char *name, const struct cmdline_command *cmd)
{
  const struct ocirun_command *entry = ocirun_find_command (name);

  fprintf (out, "NAME:\n   ocirun %s - %s\n\n", name, entry ? entry->summary : "");
  fprintf (out, "USAGE:\n   ocirun %s [command options]%s%s\n", name, cmd->args ? " " : "",
           cmd->args ? cmd->args : "");
  if (cmd->description)
    {
      fputs ("\nDESCRIPTION:\n", out);
      print_indented (out, cmd->description);
    }
  fputs ("\nOPTIONS:\n", out);
  cmdline_print_options (out, cmd->options);
}
