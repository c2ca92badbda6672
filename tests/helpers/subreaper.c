/* A stand-in for an engine (conmon, containerd-shim): a child subreaper
 * that runs a command (which creates and maybe starts a container with
 * --pid-file), then checks that the process named in the pid file was
 * reparented to it -- nothing of ocirun stayed its parent -- reaps it
 * and reports how it ended.
 *   subreaper PIDFILE CMD [ARG...]
 * Prints "parent=self" (or "parent=PID") and "exit=N" / "signal=N". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t
parent_of (pid_t pid)
{
  char path[64], line[256];
  FILE *f;
  pid_t ppid = -1;

  snprintf (path, sizeof (path), "/proc/%d/status", (int) pid);
  f = fopen (path, "r");
  if (f == NULL)
    return -1;
  while (fgets (line, sizeof (line), f))
    if (sscanf (line, "PPid: %d", &ppid) == 1)
      break;
  fclose (f);
  return ppid;
}

int
main (int argc, char **argv)
{
  int status, pid_in_file = 0;
  pid_t cmd;
  FILE *f;

  if (argc < 3)
    {
      fprintf (stderr, "usage: subreaper PIDFILE CMD [ARG...]\n");
      return 2;
    }
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return perror ("prctl"), 2;
  cmd = fork ();
  if (cmd == 0)
    {
      execvp (argv[2], argv + 2);
      _exit (127);
    }
  if (waitpid (cmd, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "command failed\n");
      return 1;
    }
  f = fopen (argv[1], "r");
  if (f == NULL || fscanf (f, "%d", &pid_in_file) != 1)
    return perror ("read pid file"), 1;
  fclose (f);
  if (parent_of (pid_in_file) == getpid ())
    printf ("parent=self\n");
  else
    printf ("parent=%d\n", (int) parent_of (pid_in_file));
  fflush (stdout);
  /* Reap whatever else was reparented on the way, until the init. */
  for (;;)
    {
      pid_t p = waitpid (-1, &status, 0);
      if (p < 0)
        return perror ("waitpid"), 1;
      if (p == pid_in_file)
        break;
    }
  if (WIFEXITED (status))
    printf ("exit=%d\n", WEXITSTATUS (status));
  else
    printf ("signal=%d\n", WTERMSIG (status));
  return 0;
}
