/* ocirun list [-f table|json] [-q]: runc's table (text/tabwriter with
 * minwidth 12, padding 3) or its one-line JSON array. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container.h"

static void
print_table (const struct container_info *all, size_t n)
{
  static const char *const header[] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t width[5];
  char pid[16];

  for (int c = 0; c < 5; c++)
    width[c] = strlen (header[c]);
  for (size_t i = 0; i < n; i++)
    {
      const oci_state *s = &all[i].state;
      const char *cells[5] = { s->id, pid, s->status, s->bundle, s->created };
      snprintf (pid, sizeof (pid), "%d", (int) s->pid);
      for (int c = 0; c < 5; c++)
        if (strlen (cells[c]) > width[c])
          width[c] = strlen (cells[c]);
    }
  for (int c = 0; c < 5; c++)
    width[c] = width[c] + 3 < 12 ? 12 : width[c] + 3;
  for (int c = 0; c < 5; c++)
    printf ("%-*s", (int) width[c], header[c]);
  printf ("%s\n", header[5]);
  for (size_t i = 0; i < n; i++)
    {
      const oci_state *s = &all[i].state;
      snprintf (pid, sizeof (pid), "%d", (int) s->pid);
      printf ("%-*s%-*s%-*s%-*s%-*s%s\n", (int) width[0], s->id, (int) width[1], pid, (int) width[2], s->status,
              (int) width[3], s->bundle, (int) width[4], s->created, s->owner);
    }
}

static int
print_json (const struct container_info *all, size_t n, ocirun_error_t *err)
{
  cleanup_free oci_state *states = calloc (n + 1, sizeof (*states));
  cleanup_free char *out = NULL;
  size_t len;

  if (states == NULL)
    return ocirun_error (err, 0, "allocate");
  for (size_t i = 0; i < n; i++)
    states[i] = all[i].state;
  if (oci_state_list_generate (states, n, &out, &len, err) < 0)
    return -1;
  fwrite (out, 1, len, stdout);
  return 0;
}

int
cmd_list (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  const char *format = "table";
  bool quiet = false;
  struct cmdline_option options[] = {
    CMDLINE_STRING ("format", 'f', &format, "select one of: table or json (default: \"table\")"),
    CMDLINE_BOOL ("quiet", 'q', &quiet, "display only container IDs"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .description = "The list command lists containers started by ocirun with the given root.",
    .options = options,
    .min_args = 0,
    .max_args = 0,
  };
  struct container_info *all = NULL;
  size_t n = 0;
  int first = cmdline_parse (&cmd, argc, argv, err), ret = 0;

  if (first <= 0)
    return first;
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return ocirun_error (err, 0, "invalid format option `%s`", format);
  if (container_list (g->root, !quiet && strcmp (format, "json") == 0, &all, &n, err) < 0)
    return -1;
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", all[i].state.id);
  else if (strcmp (format, "json") == 0)
    ret = print_json (all, n, err);
  else
    print_table (all, n);
  for (size_t i = 0; i < n; i++)
    container_info_free (&all[i]);
  free (all);
  return ret;
}
