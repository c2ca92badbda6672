/* TAP helpers shared by the tests/unit/test-linux-*.c programs. */
#ifndef TAP_LINUX_H
#define TAP_LINUX_H

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
  if (!cond)
    test_failed++;
  return cond;
}

/* Print the plan last ("1..N" after the results is valid TAP). */
static int __attribute__ ((unused))
done (void)
{
  printf ("1..%d\n", test_count);
  return test_failed ? 1 : 0;
}

#endif
