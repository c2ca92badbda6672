/* ocirun ps [-f table|json] ID [ps options]: like runc, run the host's
 * ps(1) (default "-ef") and keep the header and the lines whose PID is in
 * the container's cgroup. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"

/* The output of `ps ARGS...`. */
static int
run_ps (char **args, int n, char **out, ocirun_error_t *err)
{
  cleanup_free char **argv = calloc (n + 2, sizeof (char *));
  cleanup_file FILE *f = NULL;
  size_t len = 0;
  int fds[2], status;
  pid_t pid;

  if (argv == NULL)
    return ocirun_error (err, errno, "allocate");
  argv[0] = (char *) "ps";
  if (n == 0)
    argv[1] = (char *) "-ef";
  else
    memcpy (argv + 1, args, n * sizeof (char *));
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return ocirun_error (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    return ocirun_error (err, errno, "fork");
  if (pid == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", argv);
      _exit (127);
    }
  close (fds[1]);
  f = fdopen (fds[0], "r");
  if (f == NULL || getdelim (out, &len, '\0', f) < 0)
    *out = strdup ("");
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return ocirun_error (err, 0, "ps exited with status %d: %s", WIFEXITED (status) ? WEXITSTATUS (status) : -1,
                         *out ? *out : "");
  return 0;
}

static int
pid_column (char *header)
{
  cleanup_free char *copy = strdup (header);
  char *save = NULL;
  int i = 0;

  for (char *f = copy ? strtok_r (copy, " \t", &save) : NULL; f; f = strtok_r (NULL, " \t", &save), i++)
    if (strcmp (f, "PID") == 0)
      return i;
  return -1;
}

static bool
line_has_pid (const char *line, int column, const pid_t *pids, size_t n)
{
  cleanup_free char *copy = strdup (line);
  char *save = NULL, *f = copy ? strtok_r (copy, " \t", &save) : NULL;

  for (int i = 0; f && i < column; i++)
    f = strtok_r (NULL, " \t", &save);
  for (size_t i = 0; f && i < n; i++)
    if (atoi (f) == (int) pids[i])
      return true;
  return false;
}

static int
print_table (char **args, int n_args, const pid_t *pids, size_t n, ocirun_error_t *err)
{
  cleanup_free char *out = NULL;
  char *save = NULL, *line;
  int column;

  if (run_ps (args, n_args, &out, err) < 0)
    return -1;
  line = strtok_r (out, "\n", &save);
  if (line == NULL || (column = pid_column (line)) < 0)
    return ocirun_error (err, 0, "couldn't find PID field in ps output");
  puts (line);
  while ((line = strtok_r (NULL, "\n", &save)))
    if (line_has_pid (line, column, pids, n))
      puts (line);
  return 0;
}

int
cmd_ps (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  const char *format = "table";
  struct cmdline_option options[] = {
    CMDLINE_STRING ("format", 'f', &format, "select one of: table or json (default: \"table\")"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id> [ps options]",
    .description = "The ps command displays the processes running inside a container.",
    .options = options,
    .min_args = 1,
    .max_args = -1,
  };
  cleanup_free pid_t *pids = NULL;
  int first = cmdline_parse (&cmd, argc, argv, err), skip;
  size_t n;

  if (first <= 0)
    return first;
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return ocirun_error (err, 0, "invalid format option");
  if (container_pids (g->root, argv[first], &pids, &n, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0)
    {
      putchar ('[');
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      puts ("]");
      return 0;
    }
  /* `ps ID -- -o pid,comm`: the "--" is not for ps. */
  skip = first + 1 < argc && strcmp (argv[first + 1], "--") == 0 ? 2 : 1;
  return print_table (argv + first + skip, argc - first - skip > 0 ? argc - first - skip : 0, pids, n, err) < 0 ? -1 : 0;
}
