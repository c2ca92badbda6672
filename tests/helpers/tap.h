/* TAP output for the C unit tests: ok() per check, tap_done() at the end
 * prints the plan and gives main's exit status.  Output is flushed per
 * line so that a test that forks never prints a line twice. */
#ifndef OCIRUN_TESTS_TAP_H
#define OCIRUN_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int test_count;
static int test_failed;

static bool __attribute__ ((format (printf, 2, 3), unused))
ok (bool cond, const char *fmt, ...)
{
  va_list ap;

  printf ("%s %d - ", cond ? "ok" : "not ok", ++test_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
  if (! cond)
    test_failed++;
  return cond;
}

/* "ok N # SKIP why" for n checks that cannot run here. */
static void __attribute__ ((unused))
skip (int n, const char *why)
{
  for (int i = 0; i < n; i++)
    printf ("ok %d # SKIP %s\n", ++test_count, why);
  fflush (stdout);
}

static int __attribute__ ((unused))
tap_done (void)
{
  printf ("1..%d\n", test_count);
  return test_failed ? 1 : 0;
}

#endif
