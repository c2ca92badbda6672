/* How long one config.json parse takes: parses a document N times in 5
 * rounds and prints the fastest round's mean CPU time per parse+free in
 * microseconds (CPU time and the best round: other processes on the
 * machine inflate wall time and the slower rounds).
 *   tests/bench/bench-parse [FILE [N]]
 * FILE defaults to $TOP_SRCDIR/tests/data/config-10k.json (about 10 KB),
 * N to 20000.  Not a test: timings depend on the machine; build without
 * sanitizers for meaningful numbers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oci-spec/config.h"
#include "ocirun/cleanup.h"

#define ROUNDS 5

static double
cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Mean CPU time of n parses, or -1 when the document does not parse. */
static double
round_us (const char *path, const char *data, size_t len, long n)
{
  double start = cpu_us ();

  for (long i = 0; i < n; i++)
    {
      ocirun_error_t err = NULL;
      oci_config *config = NULL;

      if (oci_config_parse_data (path, data, len, &config, &err) < 0)
        {
          cleanup_free char *msg = ocirun_error_format (err);
          fprintf (stderr, "bench-parse: %s\n", msg);
          ocirun_error_release (&err);
          return -1;
        }
      oci_config_free (config);
    }
  return (cpu_us () - start) / n;
}

static char *
slurp (const char *path, size_t *len)
{
  cleanup_file FILE *f = fopen (path, "re");
  char *buf = NULL;
  long size;

  if (f == NULL || fseek (f, 0, SEEK_END) < 0 || (size = ftell (f)) < 0 || fseek (f, 0, SEEK_SET) < 0)
    return NULL;
  buf = malloc (size + 1);
  if (buf == NULL || fread (buf, 1, size, f) != (size_t) size)
    {
      free (buf);
      return NULL;
    }
  *len = size;
  return buf;
}

int
main (int argc, char **argv)
{
  const char *top = getenv ("TOP_SRCDIR");
  cleanup_free char *default_path = NULL;
  cleanup_free char *data = NULL;
  const char *path;
  long n = argc > 2 ? atol (argv[2]) : 20000;
  size_t len = 0;
  double best = 0;

  if (asprintf (&default_path, "%s/tests/data/config-10k.json", top ? top : ".") < 0)
    return 1;
  path = argc > 1 ? argv[1] : default_path;
  data = slurp (path, &len);
  if (data == NULL || n <= 0)
    {
      fprintf (stderr, "bench-parse: cannot read `%s` (or bad N)\n", path);
      return 1;
    }
  for (int r = 0; r < ROUNDS; r++)
    {
      double us = round_us (path, data, len, n / ROUNDS + 1);
      if (us < 0)
        return 1;
      if (r == 0 || us < best)
        best = us;
    }
  printf ("%s: %zu bytes, %ld parses, %.1f us per parse+free (CPU time, best of %d rounds)\n", path, len, n, best,
          ROUNDS);
  return 0;
}
