/* The log sink: stderr or --log FILE, text or runc's JSON lines. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/error.h"
#include "ocirun/log.h"

static int log_fd = 2;
static bool log_json;
static bool log_debug;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
ocirun_log_init (const char *path, const char *format, bool debug, ocirun_error_t *err)
{
  log_debug = debug;
  if (format == NULL || strcmp (format, "text") == 0)
    log_json = false;
  else if (strcmp (format, "json") == 0)
    log_json = true;
  else
    return ocirun_error (err, 0, "invalid log format `%s`: expected `text` or `json`", format);

  if (path && *path)
    {
      int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0)
        return ocirun_error (err, errno, "open log file `%s`", path);
      log_fd = fd;
    }
  return 0;
}

/* JSON string body: escape quotes, backslashes and control characters. */
static void
json_escape (FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
}

static void
format_time (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
ocirun_log (enum ocirun_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *line = NULL;
  size_t line_len = 0;
  FILE *out;
  va_list ap;
  int saved_errno = errno;

  if (level == OCIRUN_LOG_DEBUG && !log_debug)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;

  /* Build the line in memory: one write(2), so concurrent writers to the
   * same log file never interleave within a line. */
  out = open_memstream (&line, &line_len);
  if (out == NULL)
    return;
  if (log_json)
    {
      char ts[64];
      format_time (ts, sizeof (ts));
      fprintf (out, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
      json_escape (out, msg);
      fprintf (out, "\",\"time\":\"%s\"}\n", ts);
    }
  else if (log_fd == 2)
    fprintf (out, "ocirun: %s\n", msg);
  else
    {
      char ts[64];
      format_time (ts, sizeof (ts));
      fprintf (out, "time=\"%s\" level=%s msg=\"", ts, level_names[level]);
      json_escape (out, msg);
      fputs ("\"\n", out);
    }
  fclose (out);
  if (write (log_fd, line, line_len) < 0)
    {
      /* Nowhere left to report a failing log write. */
    }
  /* The error always reaches the caller's terminal as well. */
  if (level == OCIRUN_LOG_ERROR && log_fd != 2)
    {
      cleanup_free char *plain = NULL;
      if (asprintf (&plain, "ocirun: %s\n", msg) > 0 && write (2, plain, strlen (plain)) < 0)
        {
        }
    }
  errno = saved_errno;
}
