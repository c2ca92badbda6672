/* The runtime-spec Features structure (features.md, features-linux.md)
 * `ocirun features` prints: what this build of ocirun recognizes, laid out
 * like `runc features` (4-space indent, final newline, Go's key order). */
#ifndef OCI_SPEC_FEATURES_H
#define OCI_SPEC_FEATURES_H

#include <stddef.h>

#include "ocirun/error.h"

/* Annotations of the document (keys sorted, as Go prints maps):
 *   io.github.ocirun.checkpoint.enabled   "false": no checkpoint/restore
 *   io.github.ocirun.commit               the git commit of the build
 *   io.github.ocirun.version              PACKAGE_VERSION
 *   io.github.seccomp.libseccomp.version  libseccomp's run-time version,
 *                                         the key runc uses (seccomp builds) */
int oci_features_generate (char **out, size_t *len, ocirun_error_t *err);

#endif
