/* One error object carried from the failing call up to the CLI.
 *
 * Core functions return int: >= 0 on success, -1 on failure with *err set.
 * The message names the operation and the object it acted on; when the
 * failure came from a syscall the errno name is appended by the printer:
 *   "mount `/proc` on `/run/x/rootfs/proc`: Operation not permitted".
 * The core never prints and never exits: only the CLI does. */
#ifndef OCIRUN_ERROR_H
#define OCIRUN_ERROR_H

#include <stdarg.h>

struct ocirun_error_s
{
  int errnum; /* errno of the failing syscall, 0 when none */
  char *msg;  /* what failed, without the errno text */
};
typedef struct ocirun_error_s *ocirun_error_t;

/* Set *err (it must be NULL) and return -1.  errnum 0: no errno text. */
int ocirun_error (ocirun_error_t *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int ocirun_verror (ocirun_error_t *err, int errnum, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));

/* Prefix an existing error's message with more context ("create `x`: ..."). */
int ocirun_error_wrap (ocirun_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The full message: msg, then ": strerror(errnum)" when errnum != 0.
 * Returned string is owned by the caller. */
char *ocirun_error_format (ocirun_error_t err);

void ocirun_error_release (ocirun_error_t *err);

/* Serialise an error for the parent <-> child channel and back. */
int ocirun_error_to_buf (ocirun_error_t err, char *buf, int size);
int ocirun_error_from_buf (ocirun_error_t *err, const char *buf, int len);

#define cleanup_error __attribute__ ((cleanup (ocirun_error_release)))

#endif
