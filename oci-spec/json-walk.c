/* The table-driven walker: yajl tree -> C structures, with strict types,
 * ranges and enum names, and error messages that carry the JSON path. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "oci-spec/json-walk.h"
#include "ocirun/cleanup.h"

/* Far deeper than any config, shallow enough for any stack. */
#define JW_NESTING_MAX 512

/* Deeper than any path the tables allow; deeper segments are elided. */
#define JW_DEPTH_MAX 32

/* The JSON path is kept as a stack of segments, a key or an array index,
 * and only rendered when an error is reported. */
typedef struct
{
  const char *key; /* NULL: an array index */
  size_t index;
} jw_segment;

struct jw_ctx
{
  const char *name;
  ocirun_error_t *err;
  jw_segment path[JW_DEPTH_MAX];
  size_t depth;
};

static void
oom (void)
{
  abort ();
}

static void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size);
  if (p == NULL)
    oom ();
  return p;
}

/* yajl_tree_parse allocates strings and object keys with malloc, and
 * yajl_tree_free releases them with free, which accepts NULL: take them
 * over instead of copying them, which halves the allocations of a parse. */
static char *
take_string (yajl_val v)
{
  char *s = v->u.string;
  v->u.string = NULL;
  return s;
}

static char *
take_key (yajl_val v, size_t i)
{
  char *s = (char *) v->u.object.keys[i];
  v->u.object.keys[i] = NULL;
  return s;
}

#define MEMBER(obj, off, type) ((type *) ((char *) (obj) + (off)))

/* --- the JSON path ------------------------------------------------------- */

static size_t
push_key (jw_ctx *ctx, const char *key)
{
  if (ctx->depth < JW_DEPTH_MAX)
    ctx->path[ctx->depth] = (jw_segment){ .key = key };
  return ctx->depth++;
}

static size_t
push_index (jw_ctx *ctx, size_t index)
{
  if (ctx->depth < JW_DEPTH_MAX)
    ctx->path[ctx->depth] = (jw_segment){ .index = index };
  return ctx->depth++;
}

static void
path_pop (jw_ctx *ctx, size_t saved)
{
  ctx->depth = saved;
}

/* ".process.rlimits[0].type"; "." for the document itself. */
static void
render_path (const jw_ctx *ctx, char *buf, size_t size)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < ctx->depth && used < size; i++)
    {
      int n;

      if (i >= JW_DEPTH_MAX)
        {
          snprintf (buf + used, size - used, "...");
          break;
        }
      if (ctx->path[i].key)
        n = snprintf (buf + used, size - used, ".%s", ctx->path[i].key);
      else
        n = snprintf (buf + used, size - used, "[%zu]", ctx->path[i].index);
      if (n < 0)
        break;
      used += (size_t) n;
    }
  if (ctx->depth == 0)
    snprintf (buf, size, ".");
}

static int
vfail (jw_ctx *ctx, const char *fmt, va_list ap)
{
  cleanup_free char *msg = NULL;
  char path[1024];

  if (vasprintf (&msg, fmt, ap) < 0)
    oom ();
  render_path (ctx, path, sizeof (path));
  return ocirun_error (ctx->err, 0, "%s: %s: %s", ctx->name, path, msg);
}

/* Error about the value at the current path. */
static int __attribute__ ((format (printf, 2, 3)))
fail_here (jw_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vfail (ctx, fmt, ap);
  va_end (ap);
  return -1;
}

int
jw_fail (jw_ctx *ctx, const char *key, const char *fmt, ...)
{
  size_t saved = key ? push_key (ctx, key) : ctx->depth;
  va_list ap;

  va_start (ap, fmt);
  vfail (ctx, fmt, ap);
  va_end (ap);
  path_pop (ctx, saved);
  return -1;
}

int
jw_fail_index (jw_ctx *ctx, const char *key, size_t index, const char *fmt, ...)
{
  size_t saved = push_key (ctx, key);
  va_list ap;

  push_index (ctx, index);
  va_start (ap, fmt);
  vfail (ctx, fmt, ap);
  va_end (ap);
  path_pop (ctx, saved);
  return -1;
}

/* "string \"abc\"", "number 1.5", "object"...: what was found instead. */
static const char *
describe (yajl_val v, char *buf, size_t size)
{
  switch (v->type)
    {
    case yajl_t_string:
      snprintf (buf, size, "string \"%.40s%s\"", v->u.string, strlen (v->u.string) > 40 ? "..." : "");
      return buf;
    case yajl_t_number:
      snprintf (buf, size, "number %.40s", v->u.number.r);
      return buf;
    case yajl_t_object:
      return "an object";
    case yajl_t_array:
      return "an array";
    case yajl_t_true:
      return "true";
    case yajl_t_false:
      return "false";
    default:
      return "null";
    }
}

static int
wrong_type (jw_ctx *ctx, const char *expected, yajl_val v)
{
  char buf[128];
  return fail_here (ctx, "expected %s, got %s", expected, describe (v, buf, sizeof (buf)));
}

const char *
jw_enum_name (const jw_enum *table, int64_t value)
{
  for (const jw_enum *e = table; e->name; e++)
    if (e->value == value)
      return e->name;
  return NULL;
}

bool
jw_is_absolute (const char *path)
{
  return path && path[0] == '/';
}

/* --- scalars --------------------------------------------------------------- */

/* The text of an integer: JSON numbers with a fraction or an exponent
 * are not integers, even when their value is whole ("1.0", "1e3"). */
static const char *
integer_text (yajl_val v, jw_ctx *ctx, const char *expected)
{
  if (v->type != yajl_t_number || strpbrk (v->u.number.r, ".eE") != NULL)
    {
      wrong_type (ctx, expected, v);
      return NULL;
    }
  return v->u.number.r;
}

static int
get_signed (yajl_val v, jw_ctx *ctx, int64_t min, int64_t max, int64_t *out)
{
  const char *text = integer_text (v, ctx, "an integer");
  char *end = NULL;

  if (text == NULL)
    return -1;
  errno = 0;
  *out = strtoimax (text, &end, 10);
  if (end == text || *end != '\0')
    return wrong_type (ctx, "an integer", v);
  if (errno == ERANGE || *out < min || *out > max)
    return fail_here (ctx, "%s is out of range (%" PRId64 " to %" PRId64 ")", text, min, max);
  return 0;
}

static int
get_unsigned (yajl_val v, jw_ctx *ctx, uint64_t max, uint64_t *out)
{
  const char *text = integer_text (v, ctx, "an unsigned integer");
  char *end = NULL;

  if (text == NULL)
    return -1;
  /* strtoumax would wrap "-1" around to UINT64_MAX. */
  if (text[0] == '-')
    return fail_here (ctx, "expected an unsigned integer, got number %s", text);
  errno = 0;
  *out = strtoumax (text, &end, 10);
  if (end == text || *end != '\0')
    return wrong_type (ctx, "an unsigned integer", v);
  if (errno == ERANGE || *out > max)
    return fail_here (ctx, "%s is out of range (maximum %" PRIu64 ")", text, max);
  return 0;
}

static int
walk_integer (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  int64_t s = 0;
  uint64_t u = 0;

  switch (f->kind)
    {
    case JW_INT32:
      if (get_signed (v, ctx, INT32_MIN, INT32_MAX, &s) < 0)
        return -1;
      *MEMBER (obj, f->offset, int32_t) = (int32_t) s;
      return 0;
    case JW_INT64:
      if (get_signed (v, ctx, INT64_MIN, INT64_MAX, &s) < 0)
        return -1;
      *MEMBER (obj, f->offset, int64_t) = s;
      return 0;
    case JW_UINT16:
      if (get_unsigned (v, ctx, UINT16_MAX, &u) < 0)
        return -1;
      *MEMBER (obj, f->offset, uint16_t) = (uint16_t) u;
      return 0;
    case JW_UINT32:
      if (get_unsigned (v, ctx, UINT32_MAX, &u) < 0)
        return -1;
      *MEMBER (obj, f->offset, uint32_t) = (uint32_t) u;
      return 0;
    default: /* JW_UINT64 */
      if (get_unsigned (v, ctx, UINT64_MAX, &u) < 0)
        return -1;
      *MEMBER (obj, f->offset, uint64_t) = u;
      return 0;
    }
}

/* "unknown value "x" (expected one of a, b, c)"; long tables are not listed. */
static int
unknown_name (const jw_enum *table, const char *name, jw_ctx *ctx)
{
  char list[256] = "";
  size_t used = 0, n = 0;

  while (table[n].name)
    n++;
  for (size_t i = 0; n <= 10 && i < n && used < sizeof (list); i++)
    {
      int w = snprintf (list + used, sizeof (list) - used, "%s%s", i ? ", " : " (expected one of ", table[i].name);
      used += w > 0 ? (size_t) w : 0;
    }
  return fail_here (ctx, "unknown value \"%.60s\"%s%s", name, list, n <= 10 ? ")" : "");
}

static int
lookup_enum (const jw_enum *table, yajl_val v, jw_ctx *ctx, int64_t *value)
{
  if (v->type != yajl_t_string)
    return wrong_type (ctx, "a string", v);
  for (const jw_enum *e = table; e->name; e++)
    if (strcmp (e->name, v->u.string) == 0)
      {
        *value = e->value;
        return 0;
      }
  return unknown_name (table, v->u.string, ctx);
}

static int
walk_string (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  int64_t ignored;

  if (v->type != yajl_t_string)
    return wrong_type (ctx, "a string", v);
  if (f->aux && lookup_enum (f->aux, v, ctx, &ignored) < 0)
    return -1;
  *MEMBER (obj, f->offset, char *) = take_string (v);
  return 0;
}

static int
walk_char (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  const char *allowed = f->aux;

  if (v->type != yajl_t_string)
    return wrong_type (ctx, "a string", v);
  if (strlen (v->u.string) != 1 || strchr (allowed, v->u.string[0]) == NULL)
    {
      char list[64] = "";
      for (size_t i = 0; allowed[i] && i < sizeof (list) / 3 - 1; i++)
        snprintf (list + strlen (list), sizeof (list) - strlen (list), "%s%c", i ? ", " : "", allowed[i]);
      return fail_here (ctx, "unknown value \"%.60s\" (expected one of %s)", v->u.string, list);
    }
  *MEMBER (obj, f->offset, char) = v->u.string[0];
  return 0;
}

/* --- containers ------------------------------------------------------------- */

static int walk_object (const jw_struct *s, void *obj, yajl_val node, jw_ctx *ctx);
static void free_members (const jw_struct *s, void *obj);

/* Array items go to a new array stored at ptr with its length at ptr + 1;
 * the length is set first so that a failure half-way frees cleanly. */
static int
walk_array (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  const jw_struct *sub = f->aux;
  void **items = MEMBER (obj, f->offset, void *);
  size_t *len = (size_t *) (items + 1);

  if (v->type != yajl_t_array)
    return wrong_type (ctx, "an array", v);
  *items = xcalloc (v->u.array.len, sub->size);
  *len = v->u.array.len;
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      size_t saved = push_index (ctx, i);
      if (walk_object (sub, (char *) *items + i * sub->size, v->u.array.values[i], ctx) < 0)
        return -1;
      path_pop (ctx, saved);
    }
  return 0;
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Maps are objects whose keys are data (annotations, sysctl, netDevices):
 * a key given twice is ambiguous, so refuse it like a repeated field. */
static int
check_unique_keys (yajl_val v, jw_ctx *ctx)
{
  size_t n = v->u.object.len;
  cleanup_free const char **sorted = NULL;

  if (n < 2)
    return 0;
  sorted = xcalloc (n, sizeof (char *));
  memcpy (sorted, v->u.object.keys, n * sizeof (char *));
  qsort (sorted, n, sizeof (char *), compare_keys);
  for (size_t i = 1; i < n; i++)
    if (strcmp (sorted[i - 1], sorted[i]) == 0)
      {
        size_t saved = push_key (ctx, sorted[i]);
        fail_here (ctx, "duplicate key");
        path_pop (ctx, saved);
        return -1;
      }
  return 0;
}

static int
walk_object_map (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  const jw_struct *sub = f->aux;
  void **items = MEMBER (obj, f->offset, void *);
  size_t *len = (size_t *) (items + 1);

  if (v->type != yajl_t_object)
    return wrong_type (ctx, "an object", v);
  if (check_unique_keys (v, ctx) < 0)
    return -1;
  *items = xcalloc (v->u.object.len, sub->size);
  *len = v->u.object.len;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      void *item = (char *) *items + i * sub->size;
      char *key = *MEMBER (item, sub->key_offset, char *) = take_key (v, i);
      size_t saved = push_key (ctx, key);

      if (walk_object (sub, item, v->u.object.values[i], ctx) < 0)
        return -1;
      path_pop (ctx, saved);
    }
  return 0;
}

/* Strings, or with `table`, names from it; each value is passed to `store`. */
static int
walk_string_items (yajl_val v, jw_ctx *ctx, const jw_enum *table, void (*store) (void *, size_t, yajl_val, int64_t),
                   void *dest)
{
  if (v->type != yajl_t_array)
    return wrong_type (ctx, "an array", v);
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      yajl_val item = v->u.array.values[i];
      size_t saved = push_index (ctx, i);
      int64_t value = 0;

      if (item->type != yajl_t_string)
        return wrong_type (ctx, "a string", item);
      if (table && lookup_enum (table, item, ctx, &value) < 0)
        return -1;
      store (dest, i, item, value);
      path_pop (ctx, saved);
    }
  return 0;
}

static void
store_strv_item (void *dest, size_t i, yajl_val item, int64_t value)
{
  char **items = dest;
  (void) value;
  items[i] = take_string (item);
}

static void
store_flag (void *dest, size_t i, yajl_val item, int64_t value)
{
  (void) i;
  (void) item;
  *(uint64_t *) dest |= (uint64_t) value;
}

static int
walk_strv (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  char ***items = MEMBER (obj, f->offset, char **);
  size_t *len = (size_t *) (items + 1);

  if (v->type != yajl_t_array)
    return wrong_type (ctx, "an array", v);
  *items = xcalloc (v->u.array.len + 1, sizeof (char *));
  *len = 0;
  if (walk_string_items (v, ctx, f->aux, store_strv_item, *items) < 0)
    {
      /* Items stored so far are freed by counting the non-NULL ones. */
      while ((*items)[*len])
        (*len)++;
      return -1;
    }
  *len = v->u.array.len;
  return 0;
}

static int
walk_map (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  char ***keys = MEMBER (obj, f->offset, char **);
  char ***values = keys + 1;
  size_t *len = (size_t *) (keys + 2);

  if (v->type != yajl_t_object)
    return wrong_type (ctx, "an object", v);
  if (check_unique_keys (v, ctx) < 0)
    return -1;
  *keys = xcalloc (v->u.object.len + 1, sizeof (char *));
  *values = xcalloc (v->u.object.len + 1, sizeof (char *));
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val item = v->u.object.values[i];
      if (item->type != yajl_t_string)
        {
          size_t saved = push_key (ctx, v->u.object.keys[i]);
          wrong_type (ctx, "a string", item);
          path_pop (ctx, saved);
          return -1;
        }
      (*keys)[i] = take_key (v, i);
      (*values)[i] = take_string (item);
      *len = i + 1;
    }
  return 0;
}

static int
walk_uint32_array (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  uint32_t **items = MEMBER (obj, f->offset, uint32_t *);
  size_t *len = (size_t *) (items + 1);
  const jw_field item_field = { .kind = JW_UINT32 };

  if (v->type != yajl_t_array)
    return wrong_type (ctx, "an array", v);
  *items = xcalloc (v->u.array.len, sizeof (uint32_t));
  *len = v->u.array.len;
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      size_t saved = push_index (ctx, i);
      if (walk_integer (&item_field, *items + i, v->u.array.values[i], ctx) < 0)
        return -1;
      path_pop (ctx, saved);
    }
  return 0;
}

static int
walk_nested (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  const jw_struct *sub = f->aux;
  void *target = MEMBER (obj, f->offset, void);

  if (f->flags & JW_ALLOC)
    {
      void **p = target;
      if (v->type != yajl_t_object)
        return wrong_type (ctx, "an object", v);
      *p = target = xcalloc (1, sub->size);
    }
  return walk_object (sub, target, v, ctx);
}

static int
walk_value (const jw_field *f, void *obj, yajl_val v, jw_ctx *ctx)
{
  int64_t value;

  switch (f->kind)
    {
    case JW_STRING:
      return walk_string (f, obj, v, ctx);
    case JW_BOOL:
      if (v->type != yajl_t_true && v->type != yajl_t_false)
        return wrong_type (ctx, "a boolean", v);
      *MEMBER (obj, f->offset, bool) = v->type == yajl_t_true;
      return 0;
    case JW_INT32:
    case JW_INT64:
    case JW_UINT16:
    case JW_UINT32:
    case JW_UINT64:
      return walk_integer (f, obj, v, ctx);
    case JW_CHAR:
      return walk_char (f, obj, v, ctx);
    case JW_ENUM:
      if (lookup_enum (f->aux, v, ctx, &value) < 0)
        return -1;
      *MEMBER (obj, f->offset, int) = (int) value;
      return 0;
    case JW_FLAGS:
      return walk_string_items (v, ctx, f->aux, store_flag, MEMBER (obj, f->offset, uint64_t));
    case JW_STRV:
      return walk_strv (f, obj, v, ctx);
    case JW_MAP:
      return walk_map (f, obj, v, ctx);
    case JW_UINT32_ARRAY:
      return walk_uint32_array (f, obj, v, ctx);
    case JW_OBJECT:
      return walk_nested (f, obj, v, ctx);
    case JW_ARRAY:
      return walk_array (f, obj, v, ctx);
    case JW_OBJECT_MAP:
      return walk_object_map (f, obj, v, ctx);
    }
  return fail_here (ctx, "internal error: unknown field kind %d", (int) f->kind);
}

/* Rows a table may have: walk_object keeps one bit per row. */
#define JW_FIELDS_MAX 64

static const jw_field *
find_field (const jw_struct *s, const char *key, size_t *index)
{
  for (size_t i = 0; s->fields[i].key; i++)
    if (s->fields[i].key[0] == key[0] && strcmp (s->fields[i].key, key) == 0)
      {
        *index = i;
        return &s->fields[i];
      }
  return NULL;
}

static int
check_required (const jw_struct *s, uint64_t seen, jw_ctx *ctx)
{
  for (size_t i = 0; s->fields[i].key; i++)
    if ((s->fields[i].flags & JW_REQUIRED) && (i >= JW_FIELDS_MAX || !(seen & (UINT64_C (1) << i))))
      return jw_fail (ctx, s->fields[i].key, "missing required field");
  return 0;
}

static int
walk_object (const jw_struct *s, void *obj, yajl_val node, jw_ctx *ctx)
{
  uint64_t seen = 0;

  if (node->type != yajl_t_object)
    return wrong_type (ctx, "an object", node);
  for (size_t k = 0; k < node->u.object.len; k++)
    {
      yajl_val v = node->u.object.values[k];
      size_t index, saved;
      const jw_field *f = find_field (s, node->u.object.keys[k], &index);

      if (f == NULL || v->type == yajl_t_null)
        continue;
      saved = push_key (ctx, f->key);
      if (index >= JW_FIELDS_MAX)
        return fail_here (ctx, "internal error: table row %zu beyond %d", index, JW_FIELDS_MAX);
      if (seen & (UINT64_C (1) << index))
        return fail_here (ctx, "duplicate key");
      seen |= UINT64_C (1) << index;
      if (walk_value (f, obj, v, ctx) < 0)
        return -1;
      if (f->flags & JW_HAS)
        *MEMBER (obj, f->has, bool) = true;
      path_pop (ctx, saved);
    }
  if (check_required (s, seen, ctx) < 0)
    return -1;
  return s->check ? s->check (obj, node, ctx) : 0;
}

/* --- freeing ---------------------------------------------------------------- */

static void
free_strv (char **items, size_t len)
{
  for (size_t i = 0; i < len; i++)
    free (items[i]);
  free (items);
}

static void
free_array (const jw_struct *sub, void *items, size_t len)
{
  for (size_t i = 0; items && i < len; i++)
    free_members (sub, (char *) items + i * sub->size);
  free (items);
}

static void
free_field (const jw_field *f, void *obj)
{
  const jw_struct *sub = f->aux;
  void **p = MEMBER (obj, f->offset, void *);
  size_t *len = (size_t *) (p + 1); /* only for the kinds that have one */

  switch (f->kind)
    {
    case JW_STRING:
    case JW_UINT32_ARRAY:
      free (*p);
      return;
    case JW_STRV:
      free_strv (*p, *len);
      return;
    case JW_MAP:
      free_strv (p[0], *(size_t *) (p + 2));
      free_strv (p[1], *(size_t *) (p + 2));
      return;
    case JW_OBJECT:
      if (f->flags & JW_ALLOC)
        jw_free (sub, *p);
      else
        free_members (sub, p);
      return;
    case JW_ARRAY:
      free_array (sub, *p, *len);
      return;
    case JW_OBJECT_MAP:
      for (size_t i = 0; *p && i < *len; i++)
        free (*MEMBER ((char *) *p + i * sub->size, sub->key_offset, char *));
      free_array (sub, *p, *len);
      return;
    default:
      return;
    }
}

static void
free_members (const jw_struct *s, void *obj)
{
  for (const jw_field *f = s->fields; f->key; f++)
    free_field (f, obj);
}

void
jw_free (const jw_struct *s, void *obj)
{
  if (obj == NULL)
    return;
  free_members (s, obj);
  free (obj);
}

/* --- documents ---------------------------------------------------------------- */

static void
position (const char *data, size_t offset, size_t *line, size_t *col)
{
  *line = *col = 1;
  for (size_t i = 0; i < offset; i++)
    if (data[i] == '\n')
      ++*line, *col = 1;
    else
      ++*col;
}

/* yajl reports a parse error after the offending token: find where that
 * token starts so that the column points at it. */
static bool
is_word_char (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-'
         || c == '.';
}

static size_t
token_start (const char *data, size_t end)
{
  size_t i;

  if (end == 0)
    return 0;
  i = end - 1;
  if (data[i] == '"')
    {
      /* Back to the opening quote: one not escaped by a backslash. */
      while (i > 0)
        {
          size_t bs = 0;
          i--;
          while (i > bs && data[i - bs - 1] == '\\')
            bs++;
          if (data[i] == '"' && bs % 2 == 0)
            break;
        }
      return i;
    }
  while (i > 0 && is_word_char (data[i]) && is_word_char (data[i - 1]))
    i--;
  return i;
}

/* yajl_tree_parse does not say where it failed: run the plain parser over
 * the text again, configured as yajl_tree_parse configures it, to learn the
 * offset, and report it as line:column. */
static int
syntax_error (const char *name, const char *data, size_t len, ocirun_error_t *err)
{
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  size_t offset = len, line, col;
  unsigned char *msg = NULL;
  yajl_status st;
  int ret;

  if (h == NULL)
    oom ();
  yajl_config (h, yajl_allow_comments, 1);
  st = yajl_parse (h, (const unsigned char *) data, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  else
    offset = yajl_get_bytes_consumed (h);
  msg = yajl_get_error (h, 0, (const unsigned char *) data, len);
  if (msg && strncmp ((char *) msg, "parse error", 11) == 0 && !strstr ((char *) msg, "premature EOF"))
    offset = token_start (data, offset);
  else if (msg && strstr ((char *) msg, "invalid char") && offset > 0)
    offset--;
  if (msg)
    msg[strcspn ((char *) msg, "\n")] = '\0';
  position (data, offset, &line, &col);
  ret = ocirun_error (err, 0, "%s:%zu:%zu: %s", name, line, col,
                      st != yajl_status_ok && msg ? (char *) msg : "invalid JSON");
  if (msg)
    yajl_free_error (h, msg);
  yajl_free (h);
  return ret;
}

/* yajl_tree_free recurses once per nesting level: a document of a few
 * megabytes of "[" would overflow the stack.  No config nests beyond a
 * dozen levels; refuse deeper ones before building the tree.  Returns the
 * offset of the first bracket too deep, or len.  A byte class table keeps
 * the scan at a few instructions per byte. */
static size_t
too_deep (const char *text, size_t len)
{
  enum { PLAIN, OPEN, CLOSE, QUOTE, ESCAPE };
  static const unsigned char class[256] = {
    ['['] = OPEN, ['{'] = OPEN, [']'] = CLOSE, ['}'] = CLOSE, ['"'] = QUOTE, ['\\'] = ESCAPE,
  };
  const unsigned char *p = (const unsigned char *) text;
  size_t depth = 0;

  for (size_t i = 0; i < len; i++)
    switch (class[p[i]])
      {
      case OPEN:
        if (++depth > JW_NESTING_MAX)
          return i;
        break;
      case CLOSE:
        depth -= depth > 0;
        break;
      case QUOTE:
        /* Skip the string: to the next quote not escaped. */
        for (i++; i < len && p[i] != '"'; i++)
          i += p[i] == '\\';
        break;
      default:
        break;
      }
  return len;
}

int
jw_parse_text (const char *name, const char *text, size_t len, const jw_struct *root, void **out,
               ocirun_error_t *err)
{
  jw_ctx ctx = { .name = name, .err = err };
  const char *nul = memchr (text, '\0', len);
  size_t deep;
  yajl_val tree;
  void *obj;
  int ret;

  /* yajl_tree_parse takes a C string: a NUL inside would cut the text. */
  if (nul != NULL)
    {
      size_t line, col;
      position (text, nul - text, &line, &col);
      return ocirun_error (err, 0, "%s:%zu:%zu: NUL byte in JSON text", name, line, col);
    }
  deep = too_deep (text, len);
  if (deep < len)
    {
      size_t line, col;
      position (text, deep, &line, &col);
      return ocirun_error (err, 0, "%s:%zu:%zu: JSON nested deeper than %d levels", name, line, col, JW_NESTING_MAX);
    }
  tree = yajl_tree_parse (text, NULL, 0);
  if (tree == NULL)
    return syntax_error (name, text, len, err);
  obj = xcalloc (1, root->size);
  ret = walk_object (root, obj, tree, &ctx);
  yajl_tree_free (tree);
  if (ret < 0)
    {
      jw_free (root, obj);
      return -1;
    }
  *out = obj;
  return 0;
}

/* Typical documents are copied on the stack: a large malloc per parse
 * makes glibc consolidate the thousands of small chunks the previous
 * parse freed, which costs as much as a third of the parse. */
#define JW_STACK_COPY_MAX 16384

int
jw_parse_document (const char *name, const char *data, size_t len, const jw_struct *root, void **out,
                   ocirun_error_t *err)
{
  cleanup_free char *heap = NULL;
  char stack[JW_STACK_COPY_MAX];
  char *text = stack;

  if (len >= sizeof (stack))
    {
      text = heap = malloc (len + 1);
      if (heap == NULL)
        oom ();
    }
  memcpy (text, data, len);
  text[len] = '\0';
  return jw_parse_text (name, text, len, root, out, err);
}
