/* Run a command as on a kernel without openat2 (before 5.6): a seccomp
 * filter makes openat2 fail with ENOSYS, then exec.  The rootfs suite runs
 * the harness through this so the fallback path walk is tested too.
 *   no-openat2 COMMAND [ARG...]                                          */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  scmp_filter_ctx ctx;

  if (argc < 2)
    {
      fprintf (stderr, "usage: no-openat2 COMMAND [ARG...]\n");
      return 2;
    }
  ctx = seccomp_init (SCMP_ACT_ALLOW);
  /* Root needs no no_new_privs for a filter, and the suite checks that
   * the container gets it only when the config asks. */
  if (ctx == NULL || seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0) < 0
      || seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (openat2), 0) < 0
      || seccomp_load (ctx) < 0)
    {
      fprintf (stderr, "no-openat2: cannot load the seccomp filter\n");
      return 1;
    }
  seccomp_release (ctx);
  execvp (argv[1], argv + 1);
  perror (argv[1]);
  return 127;
}
