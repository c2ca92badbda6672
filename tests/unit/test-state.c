/* oci_state_generate / oci_state_list_generate against bytes captured from
 * runc 1.1.5 (`runc state`, `runc list -f json`) on the same containers;
 * only ociVersion differs from what runc printed (runc writes its own). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/json-gen.h"
#include "oci-spec/state.h"
#include "ocirun/cleanup.h"

static int test_number;
static int failures;

/* One TAP line; on mismatch the two documents go to stderr as diagnostics. */
static void
check_bytes (const char *desc, int ret, const char *got, size_t got_len, const char *want)
{
  bool ok = ret == 0 && got != NULL && got_len == strlen (want) && memcmp (got, want, got_len) == 0
            && got[got_len] == '\0';

  printf ("%sok %d - %s\n", ok ? "" : "not ", ++test_number, desc);
  if (!ok)
    {
      failures++;
      fprintf (stderr, "# want:\n%s\n# got (ret %d, len %zu):\n%s\n", want, ret, got_len, got ? got : "(null)");
    }
}

static char *annotation_keys[] = { "z", "b.x", "a.y", "A" };
static char *annotation_values[] = { "\t\n\r\b\f\177\342\200\250\342\200\251/\\", "1",
                                     "q\"<&>\303\251\001", "\360\237\230\200" };
static const oci_map annotations = { annotation_keys, annotation_values, 4 };

static const oci_state running = {
  .oci_version = "1.0.2-dev",
  .id = "t1",
  .status = "running",
  .pid = 6369,
  .bundle = "/tmp/tmp.TRuYBcqDqs",
  .rootfs = "/tmp/tmp.TRuYBcqDqs/rootfs",
  .created = "2026-12-04T16:36:20.140200609Z",
  .owner = "",
};

static const char running_want[] = "{\n"
                                   "  \"ociVersion\": \"1.0.2-dev\",\n"
                                   "  \"id\": \"t1\",\n"
                                   "  \"pid\": 6369,\n"
                                   "  \"status\": \"running\",\n"
                                   "  \"bundle\": \"/tmp/tmp.TRuYBcqDqs\",\n"
                                   "  \"rootfs\": \"/tmp/tmp.TRuYBcqDqs/rootfs\",\n"
                                   "  \"created\": \"2026-12-04T16:36:20.140200609Z\",\n"
                                   "  \"owner\": \"\"\n"
                                   "}";

static oci_state
annotated (const char *owner)
{
  return (oci_state) {
    .oci_version = "1.0.2-dev",
    .id = "t3",
    .status = "created",
    .pid = 22798,
    .bundle = "/tmp/tmp.TRuYBcqDqs",
    .rootfs = "/tmp/tmp.TRuYBcqDqs/rootfs",
    .created = "2026-12-04T16:41:38.108840628Z",
    .owner = owner,
    .annotations = &annotations,
  };
}

static const char annotated_want[]
    = "{\n"
      "  \"ociVersion\": \"1.0.2-dev\",\n"
      "  \"id\": \"t3\",\n"
      "  \"pid\": 22798,\n"
      "  \"status\": \"created\",\n"
      "  \"bundle\": \"/tmp/tmp.TRuYBcqDqs\",\n"
      "  \"rootfs\": \"/tmp/tmp.TRuYBcqDqs/rootfs\",\n"
      "  \"created\": \"2026-12-04T16:41:38.108840628Z\",\n"
      "  \"annotations\": {\n"
      "    \"A\": \"\360\237\230\200\",\n"
      "    \"a.y\": \"q\\\"\\u003c\\u0026\\u003e\303\251\\u0001\",\n"
      "    \"b.x\": \"1\",\n"
      "    \"z\": \"\\t\\n\\r\\u0008\\u000c\177\\u2028\\u2029/\\\\\"\n"
      "  },\n"
      "  \"owner\": \"\"\n"
      "}";

static const char annotated_list_want[]
    = "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t3\",\"pid\":22798,\"status\":\"created\",\"bundle\":\"/tmp/"
      "tmp.TRuYBcqDqs\",\"rootfs\":\"/tmp/tmp.TRuYBcqDqs/rootfs\",\"created\":\"2026-12-04T16:41:38.108840628Z\","
      "\"annotations\":{\"A\":\"\360\237\230\200\",\"a.y\":\"q\\\"\\u003c\\u0026\\u003e\303\251\\u0001\",\"b.x\":"
      "\"1\",\"z\":\"\\t\\n\\r\\u0008\\u000c\177\\u2028\\u2029/\\\\\"},\"owner\":\"root\"}]\n";

static void
test_state (void)
{
  cleanup_free char *out = NULL;
  cleanup_free char *out2 = NULL;
  oci_state s = annotated ("");
  size_t len = 0;
  int ret;

  ret = oci_state_generate (&running, &out, &len, NULL);
  check_bytes ("state without annotations equals runc's", ret, out, len, running_want);
  ret = oci_state_generate (&s, &out2, &len, NULL);
  check_bytes ("state with annotations: sorted keys, Go escaping", ret, out2, len, annotated_want);
}

static void
test_list (void)
{
  cleanup_free char *empty = NULL;
  cleanup_free char *one = NULL;
  cleanup_free char *two = NULL;
  oci_state states[2] = { annotated ("root"), running };
  size_t len = 0;
  int ret;

  ret = oci_state_list_generate (NULL, 0, &empty, &len, NULL);
  check_bytes ("empty list is null, as runc", ret, empty, len, "null\n");
  ret = oci_state_list_generate (states, 1, &one, &len, NULL);
  check_bytes ("list -f json line equals runc's", ret, one, len, annotated_list_want);

  states[0] = running;
  states[0].owner = "root";
  states[1] = running;
  states[1].id = "t2";
  states[1].owner = "";
  ret = oci_state_list_generate (states, 2, &two, &len, NULL);
  check_bytes ("two containers, comma separated", ret, two, len,
               "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"pid\":6369,\"status\":\"running\","
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\",\"rootfs\":\"/tmp/tmp.TRuYBcqDqs/rootfs\","
               "\"created\":\"2026-12-04T16:36:20.140200609Z\",\"owner\":\"root\"},"
               "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t2\",\"pid\":6369,\"status\":\"running\","
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\",\"rootfs\":\"/tmp/tmp.TRuYBcqDqs/rootfs\","
               "\"created\":\"2026-12-04T16:36:20.140200609Z\",\"owner\":\"\"}]\n");
}

static void
test_exit_status (void)
{
  cleanup_free char *out = NULL;
  cleanup_free char *list = NULL;
  oci_state s = running;
  size_t len = 0;
  int ret;

  s.status = "stopped";
  s.pid = 0;
  s.has_exit_status = true;
  s.exit_status = 137;
  s.exited = "2026-12-04T16:40:00.5Z";
  ret = oci_state_generate (&s, &out, &len, NULL);
  check_bytes ("stopped: exitStatus and exited after owner", ret, out, len,
               "{\n"
               "  \"ociVersion\": \"1.0.2-dev\",\n"
               "  \"id\": \"t1\",\n"
               "  \"pid\": 0,\n"
               "  \"status\": \"stopped\",\n"
               "  \"bundle\": \"/tmp/tmp.TRuYBcqDqs\",\n"
               "  \"rootfs\": \"/tmp/tmp.TRuYBcqDqs/rootfs\",\n"
               "  \"created\": \"2026-12-04T16:36:20.140200609Z\",\n"
               "  \"owner\": \"\",\n"
               "  \"exitStatus\": 137,\n"
               "  \"exited\": \"2026-12-04T16:40:00.5Z\"\n"
               "}");
  s.exited = NULL;
  s.exit_status = 0;
  ret = oci_state_list_generate (&s, 1, &list, &len, NULL);
  check_bytes ("exit status without time: no exited key", ret, list, len,
               "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"pid\":0,\"status\":\"stopped\","
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\",\"rootfs\":\"/tmp/tmp.TRuYBcqDqs/rootfs\","
               "\"created\":\"2026-12-04T16:36:20.140200609Z\",\"owner\":\"\",\"exitStatus\":0}]\n");
}

/* Go's encoder: invalid UTF-8 bytes become \ufffd, one per bad byte;
 * overlong forms and surrogates are invalid too. */
static void
test_invalid_utf8 (void)
{
  cleanup_free char *out = NULL;
  oci_state s = running;
  size_t len = 0;
  int ret;

  s.id = "a\377b\300\257c\355\240\200d\342\202";
  ret = oci_state_list_generate (&s, 1, &out, &len, NULL);
  check_bytes ("invalid UTF-8 becomes \\ufffd per byte", ret, out, len,
               "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd"
               "\\ufffd\\ufffd\",\"pid\":6369,\"status\":\"running\","
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\",\"rootfs\":\"/tmp/tmp.TRuYBcqDqs/rootfs\","
               "\"created\":\"2026-12-04T16:36:20.140200609Z\",\"owner\":\"\"}]\n");
}

/* What hooks read: the runtime-spec's fields only, pid only when set. */
static void
test_spec_state (void)
{
  char *keys[] = { "z", "a<" }, *values[] = { "1", "2" };
  oci_map annotations = { .keys = keys, .values = values, .len = 2 };
  cleanup_free char *out = NULL, *out2 = NULL;
  oci_state s = running;
  size_t len = 0;
  int ret;

  s.annotations = &annotations;
  ret = oci_state_spec_generate (&s, &out, &len, NULL);
  check_bytes ("hook state: spec fields, annotations sorted", ret, out, len,
               "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"status\":\"running\",\"pid\":6369,"
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\",\"annotations\":{\"a\\u003c\":\"2\",\"z\":\"1\"}}");
  s.pid = 0;
  s.status = "stopped";
  s.annotations = NULL;
  ret = oci_state_spec_generate (&s, &out2, &len, NULL);
  check_bytes ("hook state: no pid once stopped", ret, out2, len,
               "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"status\":\"stopped\","
               "\"bundle\":\"/tmp/tmp.TRuYBcqDqs\"}");
}

/* update's merge into the saved config: objects member by member, other
 * values replaced, null keeps, numbers keep their text. */
static void
test_tree_merged (void)
{
  yajl_val base = yajl_tree_parse ("{\"a\":1.50,\"r\":{\"m\":{\"l\":1,\"s\":2},\"d\":[1,{\"x\":null}]},\"z\":\"k\"}", NULL, 0);
  yajl_val over = yajl_tree_parse ("{\"r\":{\"m\":{\"l\":7,\"n\":8},\"d\":[3],\"p\":{\"q\":true}},\"z\":null,\"y\":null}", NULL, 0);
  json_gen *j = json_gen_new (" ");
  cleanup_free char *out = NULL;
  size_t len = 0;
  int ret;

  json_tree_merged (j, base, over);
  ret = json_gen_finish (j, false, "merged", &out, &len, NULL);
  check_bytes ("json_tree_merged: objects merge, the rest is replaced, null keeps", ret, out, len,
               "{\n \"a\": 1.50,\n \"r\": {\n  \"m\": {\n   \"l\": 7,\n   \"s\": 2,\n   \"n\": 8\n  },\n"
               "  \"d\": [\n   3\n  ],\n  \"p\": {\n   \"q\": true\n  }\n },\n \"z\": \"k\"\n}");
  yajl_tree_free (base);
  yajl_tree_free (over);
}

int
main (void)
{
  printf ("1..11\n");
  test_tree_merged ();
  test_spec_state ();
  test_state ();
  test_list ();
  test_exit_status ();
  test_invalid_utf8 ();
  return failures ? 1 : 0;
}
