/* The parse tables run backwards: a structure the walker filled (or one
 * filled the same way) written out as JSON, so that a document and the
 * C structure it became need their keys spelled only once. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "oci-spec/config.h"
#include "oci-spec/json-walk.h"

#define MEMBER(obj, off, type) ((const type *) ((const char *) (obj) + (off)))

/* JW_ARRAY, JW_UINT32_ARRAY and JW_OBJECT_MAP members: a pointer, then
 * their length. */
static size_t
counted_len (const jw_field *f, const void *obj)
{
  return *(const size_t *) ((const char *) obj + f->offset + sizeof (void *));
}

/* Whether the member would be written: its has_ flag when it has one;
 * otherwise set strings, non-empty lists and the nested objects that
 * have a member written.  Other scalars always are: their zero is a
 * value, not an absence. */
static bool
member_present (const jw_field *f, const void *obj)
{
  if (f->flags & JW_HAS)
    return *MEMBER (obj, f->has, bool);
  switch (f->kind)
    {
    case JW_STRING:
      return *MEMBER (obj, f->offset, char *) != NULL;
    case JW_CHAR:
      return *MEMBER (obj, f->offset, char) != '\0';
    case JW_FLAGS:
      return *MEMBER (obj, f->offset, uint64_t) != 0;
    case JW_ENUM:
      return jw_enum_name (f->aux, *MEMBER (obj, f->offset, int)) != NULL;
    case JW_STRV:
      return MEMBER (obj, f->offset, oci_strv)->len > 0;
    case JW_MAP:
      return MEMBER (obj, f->offset, oci_map)->len > 0;
    case JW_ARRAY:
    case JW_UINT32_ARRAY:
    case JW_OBJECT_MAP:
      return counted_len (f, obj) > 0;
    case JW_OBJECT:
      if (f->flags & JW_ALLOC)
        return *MEMBER (obj, f->offset, void *) != NULL;
      for (const jw_field *g = ((const jw_struct *) f->aux)->fields; g->key; g++)
        if (member_present (g, MEMBER (obj, f->offset, char)))
          return true;
      return false;
    default:
      return true;
    }
}

static void
emit_uint (json_gen *j, uint64_t v)
{
  if (v <= INT64_MAX)
    json_int (j, (int64_t) v);
  else
    {
      char text[24];
      snprintf (text, sizeof (text), "%" PRIu64, v);
      json_number (j, text);
    }
}

static void
emit_flags (json_gen *j, const jw_enum *table, uint64_t flags)
{
  json_array_open (j);
  for (const jw_enum *e = table; e->name; e++)
    if (flags & (uint64_t) e->value)
      json_string (j, e->name);
  json_array_close (j);
}

/* Arrays of structures, and objects of structures keyed by a member. */
static void
emit_items (json_gen *j, const jw_field *f, const void *obj, bool keyed)
{
  const jw_struct *sub = f->aux;
  const char *items = *MEMBER (obj, f->offset, char *);
  size_t n = counted_len (f, obj);

  keyed ? json_map_open (j) : json_array_open (j);
  for (size_t i = 0; i < n; i++)
    {
      const void *item = items + i * sub->size;
      if (keyed)
        json_key (j, *MEMBER (item, sub->key_offset, char *));
      jw_emit_object (j, sub, item);
    }
  keyed ? json_map_close (j) : json_array_close (j);
}

static void
emit_strv (json_gen *j, const oci_strv *v)
{
  json_array_open (j);
  for (size_t i = 0; i < v->len; i++)
    json_string (j, v->items[i]);
  json_array_close (j);
}

static void
emit_map (json_gen *j, const oci_map *m)
{
  json_map_open (j);
  for (size_t i = 0; i < m->len; i++)
    json_key_string (j, m->keys[i], m->values[i]);
  json_map_close (j);
}

static void
emit_uint32s (json_gen *j, const uint32_t *items, size_t n)
{
  json_array_open (j);
  for (size_t i = 0; i < n; i++)
    json_int (j, items[i]);
  json_array_close (j);
}

static void
emit_value (json_gen *j, const jw_field *f, const void *obj)
{
  const void *nested;
  char c[2] = { 0 };

  switch (f->kind)
    {
    case JW_STRING: json_string (j, *MEMBER (obj, f->offset, char *)); return;
    case JW_BOOL: json_bool (j, *MEMBER (obj, f->offset, bool)); return;
    case JW_INT32: json_int (j, *MEMBER (obj, f->offset, int32_t)); return;
    case JW_INT64: json_int (j, *MEMBER (obj, f->offset, int64_t)); return;
    case JW_UINT16: json_int (j, *MEMBER (obj, f->offset, uint16_t)); return;
    case JW_UINT32: json_int (j, *MEMBER (obj, f->offset, uint32_t)); return;
    case JW_UINT64: emit_uint (j, *MEMBER (obj, f->offset, uint64_t)); return;
    case JW_CHAR:
      c[0] = *MEMBER (obj, f->offset, char);
      json_string (j, c);
      return;
    case JW_ENUM: json_string (j, jw_enum_name (f->aux, *MEMBER (obj, f->offset, int))); return;
    case JW_FLAGS: emit_flags (j, f->aux, *MEMBER (obj, f->offset, uint64_t)); return;
    case JW_STRV: emit_strv (j, MEMBER (obj, f->offset, oci_strv)); return;
    case JW_MAP: emit_map (j, MEMBER (obj, f->offset, oci_map)); return;
    case JW_UINT32_ARRAY: emit_uint32s (j, *MEMBER (obj, f->offset, uint32_t *), counted_len (f, obj)); return;
    case JW_ARRAY: emit_items (j, f, obj, false); return;
    case JW_OBJECT_MAP: emit_items (j, f, obj, true); return;
    case JW_OBJECT:
      nested = (f->flags & JW_ALLOC) ? *MEMBER (obj, f->offset, void *) : MEMBER (obj, f->offset, char);
      jw_emit_object (j, f->aux, nested);
      return;
    }
}

void
jw_emit_object (json_gen *j, const jw_struct *s, const void *obj)
{
  json_map_open (j);
  for (const jw_field *f = s->fields; f->key; f++)
    if (member_present (f, obj))
      {
        json_key (j, f->key);
        emit_value (j, f, obj);
      }
  json_map_close (j);
}
