/* A LinuxResources object on its own: the document of `update -r`. */
#include "config.h"

#include "oci-spec/config-internal.h"

int
oci_resources_parse_data (const char *name, const char *data, size_t len, oci_resources **out, ocirun_error_t *err)
{
  void *r = NULL;

  if (jw_parse_document (name, data, len, &oci_resources_struct, &r, err) < 0)
    return -1;
  *out = r;
  return 0;
}

void
oci_resources_free (oci_resources *r)
{
  jw_free (&oci_resources_struct, r);
}
