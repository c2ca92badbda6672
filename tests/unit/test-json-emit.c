/* The parse tables run backwards (oci-spec/json-emit.c): every good sample
 * config's `linux` object, parsed and written out again, holds all the
 * sample says (less its nulls and empty lists) and parses back into the
 * same; and the resources `update` saves come out as expected.  TAP
 * output. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/config-internal.h"
#include "oci-spec/config.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"
#include "tests/helpers/tap.h"

static const char *
data_dir (void)
{
  static char dir[4096];
  const char *top = getenv ("TOP_SRCDIR");
  snprintf (dir, sizeof (dir), "%s/tests/data/config/good", top ? top : ".");
  return dir;
}

/* What the emitter leaves out on purpose. */
static bool
absent (yajl_val v)
{
  return v == NULL || YAJL_IS_NULL (v) || (YAJL_IS_ARRAY (v) && v->u.array.len == 0);
}

/* Members not compared: the spec's example still has
 * linux.resources.oomScoreAdj, from an old draft, which no table reads;
 * the parser drops the file-type bits of a device's fileMode (podman's
 * 8630 becomes 0666, test-config checks that). */
static const char *const skipped_keys[] = { "oomScoreAdj", "fileMode", NULL };

static bool
skipped_key (const char *key)
{
  for (size_t i = 0; skipped_keys[i]; i++)
    if (strcmp (key, skipped_keys[i]) == 0)
      return true;
  return false;
}

/* Everything `want` says is in `got`, the same; `got` may also have the
 * members the parser fills in with their default ("type": "a"). */
static bool
json_within (yajl_val want, yajl_val got)
{
  if (got == NULL || want->type != got->type)
    return false;
  switch (want->type)
    {
    case yajl_t_string: return strcmp (want->u.string, got->u.string) == 0;
    case yajl_t_number: return strcmp (want->u.number.r, got->u.number.r) == 0;
    case yajl_t_array:
      if (want->u.array.len != got->u.array.len)
        return false;
      for (size_t i = 0; i < want->u.array.len; i++)
        if (!json_within (want->u.array.values[i], got->u.array.values[i]))
          return false;
      return true;
    case yajl_t_object:
      for (size_t i = 0; i < want->u.object.len; i++)
        {
          const char *path[] = { want->u.object.keys[i], NULL };
          if (absent (want->u.object.values[i]) || skipped_key (path[0]))
            continue;
          if (!json_within (want->u.object.values[i], yajl_tree_get (got, path, yajl_t_any)))
            {
              printf ("# member \"%s\" differs\n", path[0]);
              return false;
            }
        }
      return true;
    default: return true; /* true, false, null: the type says it all */
    }
}

static char *
linux_text (const oci_linux *l)
{
  cleanup_error ocirun_error_t err = NULL;
  json_gen *j = json_gen_new ("");
  char *out = NULL;
  size_t len;

  jw_emit_object (j, &oci_linux_struct, l);
  if (json_gen_finish (j, false, "linux", &out, &len, &err) < 0)
    return NULL;
  return out;
}

/* The sample's `linux` object is within the parsed one written out, and
 * that text parses into a structure that comes out the same again. */
static void
test_linux_round_trip (const char *name)
{
  cleanup_free char *path = NULL, *text = NULL, *out = NULL, *again = NULL;
  cleanup_error ocirun_error_t err = NULL;
  cleanup_oci_config oci_config *c = NULL;
  const char *linux_path[] = { "linux", NULL };
  void *reparsed = NULL;
  yajl_val doc, got;
  size_t len;

  if (asprintf (&path, "%s/%s", data_dir (), name) < 0)
    abort ();
  if (!ok (read_file (path, &text, &len, &err) == 0 && oci_config_parse_file (path, &c, &err) == 0, "%s parses", name))
    return;
  if (c->linux == NULL)
    return;
  out = linux_text (c->linux);
  if (!ok (out != NULL, "%s: .linux generated", name))
    return;
  doc = yajl_tree_parse (text, NULL, 0);
  got = yajl_tree_parse (out, NULL, 0);
  /* That sample is made of keys no table knows. */
  if (strcmp (name, "unknown-fields.json") != 0
      && !ok (json_within (yajl_tree_get (doc, linux_path, yajl_t_object), got), "%s: all of .linux comes out", name))
    printf ("# generated: %s\n", out);
  yajl_tree_free (doc);
  yajl_tree_free (got);
  if (!ok (jw_parse_text (name, out, strlen (out), &oci_linux_struct, &reparsed, &err) == 0, "%s: the output parses", name))
    return;
  again = linux_text (reparsed);
  ok (again && strcmp (again, out) == 0, "%s: parsed again, it comes out the same", name);
  jw_free (&oci_linux_struct, reparsed);
}

static void
test_samples (void)
{
  cleanup_dir DIR *d = opendir (data_dir ());
  struct dirent *de;

  if (!ok (d != NULL, "open %s", data_dir ()))
    return;
  while ((de = readdir (d)) != NULL)
    if (strstr (de->d_name, ".json"))
      test_linux_round_trip (de->d_name);
}

/* The generator's layout without its newlines and spaces (no test string
 * has one). */
static char *
one_line (char *s)
{
  char *to = s;

  for (const char *from = s; *from; from++)
    if (*from != '\n' && *from != ' ')
      *to++ = *from;
  *to = '\0';
  return s;
}

/* Parse `in` as resources and generate them: `want` exactly. */
static void
test_resources_text (const char *in, const char *want, const char *desc)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *out = NULL;
  oci_resources *r = NULL;

  if (!ok (oci_resources_parse_data ("test", in, strlen (in), &r, &err) == 0, "%s: parses", desc))
    return;
  if (ok (oci_resources_generate (r, &out, &err) == 0, "%s: generated", desc))
    if (!ok (strcmp (one_line (out), want) == 0, "%s: as expected", desc))
      printf ("# got  %s\n# want %s\n", out, want);
  oci_resources_free (r);
}

static void
test_resources (void)
{
  test_resources_text ("{}", "{}", "no resources");
  test_resources_text ("{\"cpu\":{\"shares\":18446744073709551615,\"cpus\":\"0\"}}",
                       "{\"cpu\":{\"shares\":18446744073709551615,\"cpus\":\"0\"}}", "a uint64 past int64");
  test_resources_text ("{\"pids\":{\"limit\":0},\"memory\":{\"swap\":-1,\"limit\":0},\"network\":{}}",
                       "{\"memory\":{\"limit\":0,\"swap\":-1},\"pids\":{\"limit\":0}}",
                       "zeros that were set, table order, an empty flattened object left out");
  test_resources_text ("{\"devices\":[{\"allow\":false}],\"blockIO\":{},\"unified\":{\"io.max\":\"max\"}}",
                       "{\"devices\":[{\"allow\":false,\"type\":\"a\"}],\"blockIO\":{},\"unified\":{\"io.max\":\"max\"}}",
                       "a false bool, the default device type, an empty object, a map");
}

int
main (void)
{
  test_samples ();
  test_resources ();
  return tap_done ();
}
