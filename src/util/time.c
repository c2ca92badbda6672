/* Timestamps as runc (Go's time.RFC3339Nano) writes them. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ocirun/utils.h"

void
format_rfc3339_nano (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  char frac[16];
  size_t n;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  snprintf (frac, sizeof (frac), ".%09ld", ts.tv_nsec);
  /* Go trims trailing zeros of the fraction, and the dot with them. */
  n = strlen (frac);
  while (n > 1 && frac[n - 1] == '0')
    frac[--n] = '\0';
  if (n == 1)
    frac[0] = '\0';
  n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, "%sZ", frac);
}
