/* The error object: creation, wrapping, formatting and transport. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/error.h"

static void
oom (void)
{
  /* No memory to describe the failure: nothing better is possible. */
  abort ();
}

int
ocirun_verror (ocirun_error_t *err, int errnum, const char *fmt, va_list ap)
{
  char *msg = NULL;

  if (err == NULL)
    return -1;
  if (vasprintf (&msg, fmt, ap) < 0)
    oom ();
  if (*err)
    {
      /* An error is already pending: keep the first, it is the cause. */
      free (msg);
      return -1;
    }
  *err = malloc (sizeof (**err));
  if (*err == NULL)
    oom ();
  (*err)->errnum = errnum;
  (*err)->msg = msg;
  return -1;
}

int
ocirun_error (ocirun_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  ocirun_verror (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
ocirun_error_wrap (ocirun_error_t *err, const char *fmt, ...)
{
  char *prefix = NULL, *msg = NULL;
  va_list ap;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    oom ();
  va_end (ap);
  if (asprintf (&msg, "%s: %s", prefix, (*err)->msg) < 0)
    oom ();
  free (prefix);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

char *
ocirun_error_format (ocirun_error_t err)
{
  char *out = NULL;
  int r;

  if (err == NULL)
    return strdup ("unknown error");
  if (err->errnum)
    r = asprintf (&out, "%s: %s", err->msg, strerror (err->errnum));
  else
    r = asprintf (&out, "%s", err->msg);
  if (r < 0)
    oom ();
  return out;
}

void
ocirun_error_release (ocirun_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

/* Wire format: "<errnum>:<msg>", NUL-terminated, truncated to size. */
int
ocirun_error_to_buf (ocirun_error_t err, char *buf, int size)
{
  int n = snprintf (buf, size, "%d:%s", err ? err->errnum : 0, err ? err->msg : "unknown error");
  if (n < 0)
    return -1;
  return n >= size ? size - 1 : n;
}

int
ocirun_error_from_buf (ocirun_error_t *err, const char *buf, int len)
{
  char *end = NULL;
  long errnum;

  errnum = strtol (buf, &end, 10);
  if (end == buf || *end != ':')
    return ocirun_error (err, 0, "%.*s", len, buf);
  end++;
  return ocirun_error (err, (int) errnum, "%.*s", (int) (len - (end - buf)), end);
}
