/* A LinuxResources object on its own: the document of `update -r`. */
#include "config.h"

#include <errno.h>

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

int
oci_resources_generate (const oci_resources *r, char **out, ocirun_error_t *err)
{
  json_gen *j = json_gen_new ("");
  size_t len;

  if (j == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  jw_emit_object (j, &oci_resources_struct, r);
  return json_gen_finish (j, false, "the resources", out, &len, err);
}

void
oci_resources_free (oci_resources *r)
{
  jw_free (&oci_resources_struct, r);
}
