/* Shared by src/linux/seccomp*.c only. */
#ifndef OCIRUN_SECCOMP_INTERNAL_H
#define OCIRUN_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

struct seccomp_compiled
{
  struct sock_filter *insns; /* the BPF program, as libseccomp exported it */
  size_t len;                /* instructions */
  unsigned int flags;        /* SECCOMP_FILTER_FLAG_* passed to seccomp(2) */
  bool notify;               /* has NOTIFY rules: load returns a listener */
};

/* Profile -> BPF only (no flags): what the cache stores. */
int seccomp_compile_bpf (const oci_seccomp *s, struct sock_filter **insns, size_t *len, ocirun_error_t *err);

/* The load-time part of a build: flags, notify, sanity rules. */
int seccomp_compiled_init (const oci_seccomp *s, struct seccomp_compiled *c, ocirun_error_t *err);

/* "SCMP_ARCH_X86_64" -> libseccomp's arch token; error naming it. */
int seccomp_arch_token (const char *name, uint32_t *out, ocirun_error_t *err);

/* runc's -ENOSYS stub: prepend to the BPF, when the profile needs it, a
 * program that fails syscalls newer than any the profile names. */
int seccomp_enosys_patch (const oci_seccomp *s, struct sock_filter **insns, size_t *len, ocirun_error_t *err);

/* Read all of fd (from offset 0) into a malloc'd buffer. */
int seccomp_read_fd (int fd, const char *what, char **buf, size_t *len, ocirun_error_t *err);

#endif
