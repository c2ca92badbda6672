/* Fault injection for the reliability tests.  In a build configured with
 * --enable-fault-injection, FAULT_POINT ("create:after-clone") kills the
 * calling process with SIGKILL when the environment variable OCIRUN_FAULT
 * names that point, so that tests can prove a crash at any step leaves
 * nothing that `delete --force` cannot clean.  FAULT_HOLD ("name") instead
 * stops the process there, to make a race happen every time: it writes
 * its pid to $OCIRUN_FAULT_HOLD.held and waits until the file
 * $OCIRUN_FAULT_HOLD exists (a minute at most).  In every other build both
 * compile to nothing and the variables are never read. */
#ifndef OCIRUN_FAULT_H
#define OCIRUN_FAULT_H

#ifdef OCIRUN_FAULT_INJECTION
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void
ocirun_fault_point (const char *name)
{
  const char *want = getenv ("OCIRUN_FAULT");

  if (want && strcmp (want, name) == 0)
    {
      kill (getpid (), SIGKILL);
      _exit (137);
    }
}

static inline void
ocirun_fault_hold (const char *name)
{
  const char *want = getenv ("OCIRUN_FAULT"), *release = getenv ("OCIRUN_FAULT_HOLD");
  char held[4096], pid[32];
  int fd, len;

  if (want == NULL || release == NULL || strcmp (want, name) != 0)
    return;
  snprintf (held, sizeof (held), "%s.held", release);
  len = snprintf (pid, sizeof (pid), "%d\n", (int) getpid ());
  fd = open (held, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, pid, len) != len)
    _exit (136);
  close (fd);
  for (int i = 0; i < 6000 && access (release, F_OK) < 0; i++)
    usleep (10000);
}
#define FAULT_POINT(name) ocirun_fault_point (name)
#define FAULT_HOLD(name) ocirun_fault_hold (name)
#else
#define FAULT_POINT(name) ((void) 0)
#define FAULT_HOLD(name) ((void) 0)
#endif

#endif
