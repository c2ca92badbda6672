/* A table-driven walker from a yajl tree into C structures.
 *
 * Each C structure gets a jw_struct: its size, a table of jw_field rows
 * (JSON key, kind, offset of the member, optional has_ flag, required
 * flag, auxiliary table) and an optional check callback for the rules a
 * table cannot express.  jw_parse_document() parses a whole document,
 * jw_free() releases everything a parse may have allocated, including a
 * partially filled structure after an error.
 *
 * Validation is strict: a wrong JSON type, an integer out of the member's
 * range or an unknown enum name is an error that names the document and
 * the JSON path (".process.user.uid").  Unknown keys are ignored so that
 * newer documents still parse; JSON null counts as "absent", as in Go's
 * encoding/json that the reference runtime uses.  A key repeated in an
 * object (a field or a map entry) is an error, and so is nesting deeper
 * than 512 levels anywhere in the document.  Syntax errors are reported as
 * "name:line:column: yajl's message". */
#ifndef OCI_SPEC_JSON_WALK_H
#define OCI_SPEC_JSON_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "oci-spec/json-gen.h"
#include "ocirun/error.h"

enum jw_kind
{
  JW_STRING,       /* char *; aux: jw_enum to restrict the value set */
  JW_BOOL,         /* bool */
  JW_INT32,        /* int32_t */
  JW_INT64,        /* int64_t */
  JW_UINT16,       /* uint16_t */
  JW_UINT32,       /* uint32_t */
  JW_UINT64,       /* uint64_t */
  JW_CHAR,         /* char, one of the characters of aux (const char *) */
  JW_ENUM,         /* int, the value of the name in aux (jw_enum) */
  JW_FLAGS,        /* uint64_t, or of the values of an array of names in aux */
  JW_STRV,         /* oci_strv; aux: jw_enum to restrict the items */
  JW_MAP,          /* oci_map of string to string */
  JW_UINT32_ARRAY, /* uint32_t * followed by size_t len */
  JW_OBJECT,       /* nested structure aux (jw_struct); see JW_ALLOC */
  JW_ARRAY,        /* array of aux structures: pointer followed by size_t len */
  JW_OBJECT_MAP,   /* object of aux structures, as an array; the key goes to aux->key_offset */
};

enum
{
  JW_REQUIRED = 1 << 0,
  /* JW_OBJECT: the member is a pointer to a structure allocated when the
   * key is present.  Without it the structure is embedded at .offset; with
   * .offset 0 and a sub-table whose offsets are the parent's, the JSON
   * object is flattened into the parent ("pids": {"limit"} -> pids_limit). */
  JW_ALLOC = 1 << 1,
  JW_HAS = 1 << 2, /* .has is the offset of a bool set when the key is present */
};

typedef struct
{
  const char *name;
  int64_t value;
} jw_enum;

typedef struct jw_ctx jw_ctx;
typedef struct jw_struct jw_struct;

typedef struct
{
  const char *key;
  enum jw_kind kind;
  unsigned flags;
  size_t offset;
  size_t has;
  const void *aux;
} jw_field;

struct jw_struct
{
  size_t size;
  size_t key_offset; /* JW_OBJECT_MAP elements: where the char * key goes */
  const jw_field *fields; /* terminated by a row with key NULL */
  /* Rules beyond the table, run after the fields were filled.  `node` is
   * the JSON object itself.  Report with jw_fail (). */
  int (*check) (void *obj, yajl_val node, jw_ctx *ctx);
};

/* Field rows.  T is the C structure, M its member, K the JSON key. */
#define JW_F(T, K, KIND, M, ...) \
  { .key = (K), .kind = (KIND), .offset = offsetof (T, M), __VA_ARGS__ }
/* A field whose presence is recorded in the bool member H. */
#define JW_FH(T, K, KIND, M, H, ...) \
  { .key = (K), .kind = (KIND), .offset = offsetof (T, M), .has = offsetof (T, H), .flags = JW_HAS, __VA_ARGS__ }
#define JW_END { .key = NULL }

/* Report a problem with the member `key` of the object being checked
 * (key NULL: the object itself).  Always returns -1. */
int jw_fail (jw_ctx *ctx, const char *key, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Same, for an element of an array member: ".key[index]". */
int jw_fail_index (jw_ctx *ctx, const char *key, size_t index, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Parse the JSON text data[0..len) (no NUL needed) into *out, a new
 * structure of type root.  `name` prefixes every error message. */
int jw_parse_document (const char *name, const char *data, size_t len, const jw_struct *root, void **out,
                       ocirun_error_t *err);

/* The same for a text the caller has NUL-terminated: text[len] == '\0'. */
int jw_parse_text (const char *name, const char *text, size_t len, const jw_struct *root, void **out,
                   ocirun_error_t *err);

/* Release every allocation of obj described by s, then obj itself. */
void jw_free (const jw_struct *s, void *obj);

/* Write obj as the JSON object s describes (oci-spec/json-emit.c): the
 * members with their has_ flag set, set strings, non-empty lists and
 * objects with a member written, and every other scalar.  A structure
 * parsed from a document comes out as that document, less its unknown
 * keys, nulls and empty lists. */
void jw_emit_object (json_gen *j, const jw_struct *s, const void *obj);

/* Helpers shared by the check callbacks. */
const char *jw_enum_name (const jw_enum *table, int64_t value);
bool jw_is_absolute (const char *path);

#endif
