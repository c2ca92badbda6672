/* Fault injection for the reliability tests.  In a build configured with
 * --enable-fault-injection, FAULT_POINT ("create:after-clone") kills the
 * calling process with SIGKILL when the environment variable OCIRUN_FAULT
 * names that point, so that tests can prove a crash at any step leaves
 * nothing that `delete --force` cannot clean.  In every other build it
 * compiles to nothing and the variable is never read. */
#ifndef OCIRUN_FAULT_H
#define OCIRUN_FAULT_H

#ifdef OCIRUN_FAULT_INJECTION
#include <signal.h>
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
#define FAULT_POINT(name) ocirun_fault_point (name)
#else
#define FAULT_POINT(name) ((void) 0)
#endif

#endif
