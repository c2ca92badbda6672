/* The log sink.  The CLI configures it from --log, --log-format and
 * --debug; the core may emit warnings and debug lines through it (never to
 * stdout/stderr directly).  Text lines and runc-compatible JSON lines:
 *   {"level":"error","msg":"...","time":"2006-01-02T15:04:05Z"} */
#ifndef OCIRUN_LOG_H
#define OCIRUN_LOG_H

#include <stdbool.h>

enum ocirun_log_level { OCIRUN_LOG_ERROR, OCIRUN_LOG_WARNING, OCIRUN_LOG_INFO, OCIRUN_LOG_DEBUG };

/* path NULL: log to stderr.  format: "text" or "json".  Returns -1 with
 * *err on a bad format or an unopenable file. */
struct ocirun_error_s;
int ocirun_log_init (const char *path, const char *format, bool debug, struct ocirun_error_s **err);

void ocirun_log (enum ocirun_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#define ocirun_warn(...) ocirun_log (OCIRUN_LOG_WARNING, __VA_ARGS__)
#define ocirun_debug(...) ocirun_log (OCIRUN_LOG_DEBUG, __VA_ARGS__)

#endif
