/* libFuzzer target: oci_config_parse_data must never crash, leak or hit
 * undefined behaviour, whatever the bytes; errors are formatted to walk
 * the message as well.  Built and run by tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>

#include "oci-spec/config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ocirun_error_t err = NULL;
  oci_config *config = NULL;

  if (oci_config_parse_data ("fuzz.json", (const char *) data, size, &config, &err) == 0)
    oci_config_free (config);
  else
    {
      free (ocirun_error_format (err));
      ocirun_error_release (&err);
    }
  return 0;
}
