/* libFuzzer target: oci_config_parse_data must never crash, leak or hit
 * undefined behaviour, whatever the bytes; errors are formatted to walk
 * the message as well.  A config that parses has its `linux` object
 * written out through the parse tables (oci-spec/json-emit.c): that text
 * must parse, and come out the same again, or the target aborts.  Built
 * and run by tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/config-internal.h"
#include "oci-spec/config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *
linux_text (const void *l)
{
  ocirun_error_t err = NULL;
  json_gen *j = json_gen_new ("");
  char *out = NULL;
  size_t len;

  if (j == NULL)
    abort ();
  jw_emit_object (j, &oci_linux_struct, l);
  if (json_gen_finish (j, false, "linux", &out, &len, &err) < 0)
    abort ();
  return out;
}

static void
check_round_trip (const oci_linux *l)
{
  ocirun_error_t err = NULL;
  void *again = NULL;
  char *first = linux_text (l), *second;

  if (jw_parse_text ("emitted", first, strlen (first), &oci_linux_struct, &again, &err) < 0)
    abort ();
  second = linux_text (again);
  if (strcmp (first, second) != 0)
    abort ();
  jw_free (&oci_linux_struct, again);
  free (first);
  free (second);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ocirun_error_t err = NULL;
  oci_config *config = NULL;

  if (oci_config_parse_data ("fuzz.json", (const char *) data, size, &config, &err) == 0)
    {
      if (config->linux)
        check_round_trip (config->linux);
      oci_config_free (config);
    }
  else
    {
      free (ocirun_error_format (err));
      ocirun_error_release (&err);
    }
  return 0;
}
