/* Pretty-printed JSON through yajl, in the layout Go's json.MarshalIndent
 * gives (the layout runc's documents have).  Every call is a no-op once a
 * yajl call has failed; json_gen_finish reports that failure, so
 * generators can emit a whole document and check once at the end. */
#ifndef OCI_SPEC_JSON_GEN_H
#define OCI_SPEC_JSON_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "ocirun/error.h"

typedef struct json_gen json_gen;

/* indent: "\t" (config.json), "    " (features)...  NULL on ENOMEM. */
json_gen *json_gen_new (const char *indent);
void json_gen_free (json_gen *j);

void json_map_open (json_gen *j);
void json_map_close (json_gen *j);
void json_array_open (json_gen *j);
void json_array_close (json_gen *j);
void json_string (json_gen *j, const char *s);
void json_bool (json_gen *j, bool b);
void json_int (json_gen *j, int64_t v);
/* A number given as its decimal text (past int64_t's range). */
void json_number (json_gen *j, const char *text);

/* A map member: key then value. */
void json_key_string (json_gen *j, const char *key, const char *value);
void json_key_bool (json_gen *j, const char *key, bool value);
void json_key_int (json_gen *j, const char *key, int64_t value);
/* key: [items...]; n counts the items, or -1 for a NULL-terminated list. */
void json_key_strv (json_gen *j, const char *key, const char *const *items, ptrdiff_t n);
/* Only a key: the caller generates the value. */
void json_key (json_gen *j, const char *key);

/* A parsed document `base` with `overlay` merged in: an object in both
 * merges member by member (base's order first, then the overlay's new
 * members), any other overlay value replaces base's, a null or missing
 * one keeps it.  Numbers keep their text. */
void json_tree_merged (json_gen *j, yajl_val base, yajl_val overlay);

/* The document, NUL-terminated, owned by the caller; with final_newline
 * false the newline yajl adds after the last brace is dropped.  `what`
 * names the document in the error.  Frees j either way. */
int json_gen_finish (json_gen *j, bool final_newline, const char *what, char **out, size_t *len,
                     ocirun_error_t *err);

#endif
