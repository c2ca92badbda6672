/* The state document exactly as runc prints it: Go's encoding/json, which
 * escapes <, > and & and replaces invalid UTF-8, so yajl's escaping would
 * differ; the document is flat enough to write by hand. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/state.h"
#include "ocirun/cleanup.h"

/* Length of the valid UTF-8 sequence at s (2-4), or 0 when invalid; the
 * same rules as Go's utf8.DecodeRune (no overlongs, no surrogates). */
static size_t
utf8_sequence (const unsigned char *s, unsigned int *rune)
{
  size_t len;
  unsigned int r, min;

  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    len = 2, r = s[0] & 0x1f, min = 0x80;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    len = 3, r = s[0] & 0x0f, min = 0x800;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    len = 4, r = s[0] & 0x07, min = 0x10000;
  else
    return 0;
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      r = (r << 6) | (s[i] & 0x3f);
    }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
    return 0;
  *rune = r;
  return len;
}

static void
write_ascii (FILE *f, unsigned char c)
{
  static const char hex[] = "0123456789abcdef";

  if (c == '"' || c == '\\')
    fprintf (f, "\\%c", c);
  else if (c == '\n')
    fputs ("\\n", f);
  else if (c == '\r')
    fputs ("\\r", f);
  else if (c == '\t')
    fputs ("\\t", f);
  else if (c < 0x20 || c == '<' || c == '>' || c == '&')
    fprintf (f, "\\u00%c%c", hex[c >> 4], hex[c & 0xf]);
  else
    fputc (c, f);
}

/* A JSON string as Go's json.Marshal writes it. */
static void
write_string (FILE *f, const char *str)
{
  const unsigned char *s = (const unsigned char *) (str ? str : "");

  fputc ('"', f);
  while (*s)
    {
      unsigned int rune = 0;
      size_t len;

      if (*s < 0x80)
        {
          write_ascii (f, *s++);
          continue;
        }
      len = utf8_sequence (s, &rune);
      if (len == 0)
        {
          fputs ("\\ufffd", f);
          s++;
        }
      else if (rune == 0x2028 || rune == 0x2029)
        {
          fprintf (f, "\\u%04x", rune);
          s += len;
        }
      else
        {
          fwrite (s, 1, len, f);
          s += len;
        }
    }
  fputc ('"', f);
}

struct layout
{
  const char *member; /* before each member of the top-level object */
  const char *inner;  /* before each member of a nested object */
  const char *end;    /* before a nested object's closing brace */
  const char *last;   /* before the top-level closing brace */
  const char *colon;
};

static const struct layout pretty = { "\n  ", "\n    ", "\n  ", "\n", ": " };
static const struct layout compact = { "", "", "", "", ":" };

static void
write_key (FILE *f, const struct layout *l, const char *indent, bool first, const char *key)
{
  if (!first)
    fputc (',', f);
  fputs (indent, f);
  write_string (f, key);
  fputs (l->colon, f);
}

static int
compare_keys (const void *a, const void *b, void *map)
{
  const oci_map *m = map;
  return strcmp (m->keys[*(const size_t *) a], m->keys[*(const size_t *) b]);
}

/* Go prints a map's keys sorted. */
static int
write_annotations (FILE *f, const struct layout *l, const oci_map *m)
{
  cleanup_free size_t *order = calloc (m->len, sizeof (*order));

  if (order == NULL)
    return -1;
  for (size_t i = 0; i < m->len; i++)
    order[i] = i;
  qsort_r (order, m->len, sizeof (*order), compare_keys, (void *) m);
  fputc ('{', f);
  for (size_t i = 0; i < m->len; i++)
    {
      write_key (f, l, l->inner, i == 0, m->keys[order[i]]);
      write_string (f, m->values[order[i]]);
    }
  fprintf (f, "%s}", l->end);
  return 0;
}

static int
write_state (FILE *f, const struct layout *l, const oci_state *s)
{
  fputc ('{', f);
  write_key (f, l, l->member, true, "ociVersion");
  write_string (f, s->oci_version);
  write_key (f, l, l->member, false, "id");
  write_string (f, s->id);
  write_key (f, l, l->member, false, "pid");
  fprintf (f, "%d", (int) s->pid);
  write_key (f, l, l->member, false, "status");
  write_string (f, s->status);
  write_key (f, l, l->member, false, "bundle");
  write_string (f, s->bundle);
  write_key (f, l, l->member, false, "rootfs");
  write_string (f, s->rootfs);
  write_key (f, l, l->member, false, "created");
  write_string (f, s->created);
  if (s->annotations && s->annotations->len > 0)
    {
      write_key (f, l, l->member, false, "annotations");
      if (write_annotations (f, l, s->annotations) < 0)
        return -1;
    }
  write_key (f, l, l->member, false, "owner");
  write_string (f, s->owner);
  if (s->has_exit_status)
    {
      write_key (f, l, l->member, false, "exitStatus");
      fprintf (f, "%d", s->exit_status);
      if (s->exited)
        {
          write_key (f, l, l->member, false, "exited");
          write_string (f, s->exited);
        }
    }
  fprintf (f, "%s}", l->last);
  return 0;
}

/* Close the memstream and hand its buffer over, or fail on any error. */
static int
finish (FILE *f, char **buf, size_t *buf_len, int ret, char **out, size_t *len, const char *what,
        ocirun_error_t *err)
{
  if (ferror (f))
    ret = -1;
  if (fclose (f) != 0 || ret < 0)
    {
      free (*buf);
      *buf = NULL;
      return ocirun_error (err, errno ? errno : ENOMEM, "generate %s", what);
    }
  *out = *buf;
  *len = *buf_len;
  return 0;
}

typedef int (*state_writer) (FILE *f, const struct layout *l, const oci_state *s);

static int
generate_one (const oci_state *s, state_writer write, const struct layout *l, char **out, size_t *len,
              ocirun_error_t *err)
{
  char *buf = NULL;
  size_t buf_len = 0;
  FILE *f = open_memstream (&buf, &buf_len);

  if (f == NULL)
    return ocirun_error (err, errno, "generate the state of `%s`", s->id);
  return finish (f, &buf, &buf_len, write (f, l, s), out, len, "the state document", err);
}

int
oci_state_generate (const oci_state *s, char **out, size_t *len, ocirun_error_t *err)
{
  return generate_one (s, write_state, &pretty, out, len, err);
}

int
oci_state_list_generate (const oci_state *states, size_t n, char **out, size_t *len, ocirun_error_t *err)
{
  char *buf = NULL;
  size_t buf_len = 0;
  FILE *f = open_memstream (&buf, &buf_len);
  int ret = 0;

  if (f == NULL)
    return ocirun_error (err, errno, "generate the container list");
  /* runc encodes a nil slice: no containers print "null". */
  if (n == 0)
    fputs ("null", f);
  else
    {
      fputc ('[', f);
      for (size_t i = 0; i < n && ret == 0; i++)
        {
          if (i > 0)
            fputc (',', f);
          ret = write_state (f, &compact, &states[i]);
        }
      fputc (']', f);
    }
  fputc ('\n', f);
  return finish (f, &buf, &buf_len, ret, out, len, "the container list", err);
}

/* Only the runtime-spec's state (state-schema.json), compact, as runc
 * marshals specs.State for its hooks: no rootfs/created/owner, and no pid
 * when there is none. */
static int
write_spec_state (FILE *f, const struct layout *l, const oci_state *s)
{
  fputc ('{', f);
  write_key (f, l, l->member, true, "ociVersion");
  write_string (f, s->oci_version);
  write_key (f, l, l->member, false, "id");
  write_string (f, s->id);
  write_key (f, l, l->member, false, "status");
  write_string (f, s->status);
  if (s->pid > 0)
    {
      write_key (f, l, l->member, false, "pid");
      fprintf (f, "%d", (int) s->pid);
    }
  write_key (f, l, l->member, false, "bundle");
  write_string (f, s->bundle);
  if (s->annotations && s->annotations->len > 0)
    {
      write_key (f, l, l->member, false, "annotations");
      if (write_annotations (f, l, s->annotations) < 0)
        return -1;
    }
  fprintf (f, "%s}", l->last);
  return 0;
}

int
oci_state_spec_generate (const oci_state *s, char **out, size_t *len, ocirun_error_t *err)
{
  return generate_one (s, write_spec_state, &compact, out, len, err);
}
