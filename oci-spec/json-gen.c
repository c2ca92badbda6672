/* Pretty-printed JSON through yajl with a sticky error: see json-gen.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "oci-spec/json-gen.h"

struct json_gen
{
  yajl_gen g;
  yajl_gen_status status;
};

json_gen *
json_gen_new (const char *indent)
{
  json_gen *j = calloc (1, sizeof (*j));

  if (j == NULL)
    return NULL;
  j->g = yajl_gen_alloc (NULL);
  if (j->g == NULL)
    {
      free (j);
      return NULL;
    }
  yajl_gen_config (j->g, yajl_gen_beautify, 1);
  yajl_gen_config (j->g, yajl_gen_indent_string, indent);
  j->status = yajl_gen_status_ok;
  return j;
}

void
json_gen_free (json_gen *j)
{
  if (j == NULL)
    return;
  yajl_gen_free (j->g);
  free (j);
}

/* Run one yajl call unless an earlier one failed. */
#define STEP(j, call)                         \
  do                                          \
    {                                         \
      if ((j)->status == yajl_gen_status_ok)  \
        (j)->status = (call);                 \
    }                                         \
  while (0)

void
json_map_open (json_gen *j)
{
  STEP (j, yajl_gen_map_open (j->g));
}

void
json_map_close (json_gen *j)
{
  STEP (j, yajl_gen_map_close (j->g));
}

void
json_array_open (json_gen *j)
{
  STEP (j, yajl_gen_array_open (j->g));
}

void
json_array_close (json_gen *j)
{
  STEP (j, yajl_gen_array_close (j->g));
}

void
json_string (json_gen *j, const char *s)
{
  STEP (j, yajl_gen_string (j->g, (const unsigned char *) s, strlen (s)));
}

void
json_bool (json_gen *j, bool b)
{
  STEP (j, yajl_gen_bool (j->g, b));
}

void
json_int (json_gen *j, int64_t v)
{
  STEP (j, yajl_gen_integer (j->g, (long long) v));
}

void
json_number (json_gen *j, const char *text)
{
  STEP (j, yajl_gen_number (j->g, text, strlen (text)));
}

void
json_key (json_gen *j, const char *key)
{
  json_string (j, key);
}

void
json_key_string (json_gen *j, const char *key, const char *value)
{
  json_string (j, key);
  json_string (j, value);
}

void
json_key_bool (json_gen *j, const char *key, bool value)
{
  json_string (j, key);
  json_bool (j, value);
}

void
json_key_int (json_gen *j, const char *key, int64_t value)
{
  json_string (j, key);
  json_int (j, value);
}

void
json_key_strv (json_gen *j, const char *key, const char *const *items, ptrdiff_t n)
{
  json_string (j, key);
  json_array_open (j);
  for (ptrdiff_t i = 0; n < 0 ? items[i] != NULL : i < n; i++)
    json_string (j, items[i]);
  json_array_close (j);
}

static void
json_tree (json_gen *j, yajl_val v)
{
  if (v == NULL || YAJL_IS_NULL (v))
    STEP (j, yajl_gen_null (j->g));
  else if (YAJL_IS_STRING (v))
    json_string (j, v->u.string);
  else if (YAJL_IS_NUMBER (v))
    json_number (j, v->u.number.r);
  else if (YAJL_IS_TRUE (v) || YAJL_IS_FALSE (v))
    json_bool (j, YAJL_IS_TRUE (v));
  else if (YAJL_IS_ARRAY (v))
    {
      json_array_open (j);
      for (size_t i = 0; i < v->u.array.len; i++)
        json_tree (j, v->u.array.values[i]);
      json_array_close (j);
    }
  else
    json_tree_merged (j, v, NULL);
}

static yajl_val
member (yajl_val object, const char *key)
{
  for (size_t i = 0; object && YAJL_IS_OBJECT (object) && i < object->u.object.len; i++)
    if (strcmp (object->u.object.keys[i], key) == 0)
      return object->u.object.values[i];
  return NULL;
}

void
json_tree_merged (json_gen *j, yajl_val base, yajl_val overlay)
{
  bool keep = overlay == NULL || YAJL_IS_NULL (overlay);

  if (!YAJL_IS_OBJECT (base) || !(keep || YAJL_IS_OBJECT (overlay)))
    {
      json_tree (j, keep ? base : overlay);
      return;
    }
  json_map_open (j);
  for (size_t i = 0; i < base->u.object.len; i++)
    {
      json_key (j, base->u.object.keys[i]);
      json_tree_merged (j, base->u.object.values[i], member (overlay, base->u.object.keys[i]));
    }
  for (size_t i = 0; !keep && i < overlay->u.object.len; i++)
    if (member (base, overlay->u.object.keys[i]) == NULL && !YAJL_IS_NULL (overlay->u.object.values[i]))
      {
        json_key (j, overlay->u.object.keys[i]);
        json_tree (j, overlay->u.object.values[i]);
      }
  json_map_close (j);
}

static const char *
status_text (yajl_gen_status s)
{
  switch (s)
    {
    case yajl_gen_keys_must_be_strings: return "a map key is not a string";
    case yajl_max_depth_exceeded: return "nested too deeply";
    case yajl_gen_in_error_state: return "generator in error state";
    case yajl_gen_generation_complete: return "value after the end of the document";
    case yajl_gen_invalid_number: return "invalid number";
    case yajl_gen_no_buf: return "no output buffer";
    case yajl_gen_invalid_string: return "string is not valid UTF-8";
    default: return "unknown yajl error";
    }
}

int
json_gen_finish (json_gen *j, bool final_newline, const char *what, char **out, size_t *len, ocirun_error_t *err)
{
  const unsigned char *buf = NULL;
  size_t buf_len = 0;
  int ret = 0;

  if (j == NULL)
    return ocirun_error (err, ENOMEM, "generate %s", what);
  if (j->status == yajl_gen_status_ok)
    j->status = yajl_gen_get_buf (j->g, &buf, &buf_len);
  if (j->status != yajl_gen_status_ok)
    ret = ocirun_error (err, 0, "generate %s: %s", what, status_text (j->status));
  else
    {
      if (!final_newline && buf_len > 0 && buf[buf_len - 1] == '\n')
        buf_len--;
      *out = strndup ((const char *) buf, buf_len);
      *len = buf_len;
      if (*out == NULL)
        ret = ocirun_error (err, ENOMEM, "generate %s", what);
    }
  json_gen_free (j);
  return ret;
}
