/* Walker tables shared between the files of the config parser. */
#ifndef OCI_SPEC_CONFIG_INTERNAL_H
#define OCI_SPEC_CONFIG_INTERNAL_H

#include "oci-spec/config.h"
#include "oci-spec/json-walk.h"

extern const jw_struct oci_id_mapping_struct;
extern const jw_struct oci_linux_struct;
extern const jw_struct oci_resources_struct;
extern const jw_struct oci_seccomp_struct;

/* "0-3,7" lists of CPUs or memory nodes; *empty when none listed. */
bool oci_list_valid (const char *s, bool *empty);

/* Every character of s is in the set `allowed`. */
bool oci_chars_in (const char *s, const char *allowed);

#endif
