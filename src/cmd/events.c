/* ocirun events [--stats] [--interval DURATION] ID: runc's JSON events,
 * one per line. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/container-cgroup.h"

/* A Go duration ("5s", "1.5s", "100ms", "1m30s") in milliseconds. */
static int
parse_duration (const char *text, long *ms, ocirun_error_t *err)
{
  static const struct { const char *unit; double ms; } units[] = {
    { "ns", 1e-6 }, { "us", 1e-3 }, { "µs", 1e-3 }, { "ms", 1 }, { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 },
  };
  const char *p = text;
  double total = 0;

  if (strcmp (text, "0") == 0)
    return *ms = 0, 0;
  while (*p)
    {
      char *end;
      double v = strtod (p, &end);
      size_t best = 0, best_len = 0;
      if (end == p || !isdigit ((unsigned char) *p))
        return ocirun_error (err, 0, "invalid duration \"%s\"", text);
      for (size_t i = 0; i < sizeof (units) / sizeof (units[0]); i++)
        {
          size_t len = strlen (units[i].unit);
          if (strncmp (end, units[i].unit, len) == 0 && len > best_len)
            best = i, best_len = len;
        }
      if (best_len == 0)
        return ocirun_error (err, 0, "invalid duration \"%s\": missing unit", text);
      total += v * units[best].ms;
      p = end + best_len;
    }
  *ms = (long) total;
  return 0;
}

static int
print_event (const char *json, void *data)
{
  (void) data;
  if (puts (json) < 0 || fflush (stdout) != 0)
    return -1;
  return 0;
}

int
cmd_events (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  const char *interval = "5s";
  bool stats = false;
  struct cmdline_option options[] = {
    CMDLINE_STRING ("interval", 0, &interval, "set the stats collection interval (default: 5s)"),
    CMDLINE_BOOL ("stats", 0, &stats, "display the container's stats then exit"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id>",
    .description = "The events command displays information about the container. By default the\n"
                   "information is displayed once every 5 seconds.",
    .options = options,
    .min_args = 1,
    .max_args = 1,
  };
  int first = cmdline_parse (&cmd, argc, argv, err);
  long ms = 0;

  if (first <= 0)
    return first;
  if (parse_duration (interval, &ms, err) < 0)
    return -1;
  if (ms <= 0 && !stats)
    return ocirun_error (err, 0, "duration of %s is not greater than 0", interval);
  return container_events (g->root, argv[first], stats, ms, print_event, NULL, err) < 0 ? -1 : 0;
}
