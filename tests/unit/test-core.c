/* The core's pure pieces: id validation, signal names, timestamps, the
 * state store's round trip and atomic files, cgroup path rules. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/cgroups/internal.h"
#include "../../src/core/internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"
#include "tests/helpers/tap.h"

static bool
id_ok (const char *id)
{
  ocirun_error_t err = NULL;
  int r = state_validate_id (id, &err);
  ocirun_error_release (&err);
  return r == 0;
}

static int
sig (const char *text)
{
  ocirun_error_t err = NULL;
  int r = signal_parse (text, &err);
  ocirun_error_release (&err);
  return r;
}

static void
test_ids (void)
{
  ok (id_ok ("abc") && id_ok ("a-b_c.d+e") && id_ok ("A9") && id_ok ("a..."), "valid ids accepted");
  ok (!id_ok ("") && !id_ok (NULL), "empty id rejected");
  ok (!id_ok ("a/b") && !id_ok ("/a") && !id_ok ("../a"), "ids with a slash rejected");
  ok (!id_ok (".") && !id_ok ("..") && !id_ok ("...") && !id_ok (".seccomp-cache"),
      "`.`, `..` and every other leading dot rejected (ocirun's own names in the root)");
  ok (!id_ok ("a b") && !id_ok ("a:b") && !id_ok ("é"), "characters outside runc's set rejected");
}

static void
test_signals (void)
{
  ok (sig ("KILL") == SIGKILL && sig ("SIGKILL") == SIGKILL && sig ("kill") == SIGKILL, "names with and without SIG");
  ok (sig ("9") == 9 && sig ("15") == SIGTERM && sig ("64") == 64, "numbers");
  ok (sig ("USR1") == SIGUSR1 && sig ("sigwinch") == SIGWINCH, "other names");
  ok (sig ("NOPE") < 0 && sig ("0") < 0 && sig ("65") < 0 && sig ("") < 0 && sig ("-1") < 0, "unknown signals rejected");
}

static void
test_time (void)
{
  char buf[64];
  size_t len;

  format_rfc3339_nano (buf, sizeof (buf));
  len = strlen (buf);
  ok (len >= 20 && buf[4] == '-' && buf[10] == 'T' && buf[len - 1] == 'Z', "RFC 3339 shape");
  ok (len == 20 || (buf[19] == '.' && buf[len - 2] != '0'), "fraction without trailing zeros");
}

static void
test_files (const char *dir)
{
  cleanup_free char *path = NULL, *data = NULL, *deep = NULL;
  ocirun_error_t err = NULL;
  size_t len = 0;

  if (asprintf (&path, "%s/f", dir) < 0 || asprintf (&deep, "%s/a/b/c", dir) < 0)
    abort ();
  ok (write_file_atomic (path, "12345", 5, 0600, &err) == 0 && read_file (path, &data, &len, &err) == 0
             && len == 5 && strcmp (data, "12345") == 0,
         "atomic write then read");
  free (data);
  data = NULL;
  ok (write_file_atomic (path, "x", 1, 0600, &err) == 0 && read_file (path, &data, &len, &err) == 0
             && len == 1,
         "atomic replace");
  ok (mkdir_p (deep, 0755, &err) == 0 && access (deep, F_OK) == 0, "mkdir -p");
  ok (mkdir_p (deep, 0755, &err) == 0, "mkdir -p of an existing path");
  ok (remove_tree (dir, &err) == 0 && access (dir, F_OK) < 0, "remove a tree");
  ocirun_error_release (&err);
}

static void
test_state_round_trip (const char *root)
{
  char *cgroups[] = { "/sys/fs/cgroup/unified/x", "/sys/fs/cgroup/pids/x", NULL };
  cleanup_free char *dir = NULL;
  struct container_state st = { 0 }, back = { 0 };
  ocirun_error_t err = NULL;
  int lock = -1;

  ok (state_create_dir (root, "c1", &dir, &lock, &err) == 0, "create a state dir");
  ok (state_create_dir (root, "c1", &st.dir, &lock, &err) < 0 && strstr (err->msg, "already exists"),
         "a duplicate id is refused");
  ocirun_error_release (&err);
  st = (struct container_state){ .dir = dir, .id = "c1", .pid = 42, .start_time = 123456789012ULL,
                                 .bundle = "/b", .rootfs = "/b/rootfs", .created = "2026-01-01T00:00:00.5Z",
                                 .owner = "", .has_process = true, .cgroups = cgroups, .no_new_keyring = true };
  ok (state_save (&st, &err) == 0 && state_load (root, "c1", &back, &err) == 0, "save and load");
  ok (back.pid == 42 && back.start_time == 123456789012ULL && strcmp (back.bundle, "/b") == 0
             && strcmp (back.rootfs, "/b/rootfs") == 0 && back.has_process && back.cgroups
             && strcmp (back.cgroups[1], cgroups[1]) == 0 && back.cgroups[2] == NULL && !back.has_exit
             && back.no_new_keyring,
         "every field survives");
  ok (state_status (&back) == STATUS_STOPPED, "a pid with another start time is stopped");
  state_release (&back);
  ok (state_append (dir, "pid=43\ncreating=1\n", &err) == 0 && state_load (root, "c1", &back, &err) == 0
          && back.pid == 43 && back.creating && back.start_time == 123456789012ULL,
      "appended lines override what they name, and only that");
  state_release (&back);
  {
    /* What a reader racing an append across a page boundary can see. */
    cleanup_free char *path = NULL;
    FILE *f = asprintf (&path, "%s/state", dir) < 0 ? NULL : fopen (path, "a");
    ok (f && fputs ("pid=9", f) >= 0 && fclose (f) == 0 && state_load (root, "c1", &back, &err) == 0
            && back.pid == 43,
        "a last line without its newline is not read");
    state_release (&back);
    ok (state_append (dir, "\ncreating=0\n", &err) == 0 && state_load (root, "c1", &back, &err) == 0
            && back.pid == 9 && !back.creating,
        "and is read once whole");
  }
  close (lock); /* record_exit takes the container's lock */
  lock = -1;
  ok (state_record_exit (dir, 9 << 8) == 0, "record an exit");
  state_release (&back);
  ok (state_load (root, "c1", &back, &err) == 0 && back.has_exit && back.exit_status == 9 && back.exited,
         "the exit is loaded");
  state_release (&back);
  ok (state_load (root, "nosuch", &back, &err) < 0 && strstr (err->msg, "does not exist"),
         "an unknown id does not exist");
  state_release (&back);
  ocirun_error_release (&err);
}

static void
test_cgroup_rules (void)
{
  cleanup_free char *a = cgroup_strip_root ("/a/b", "/"), *b = cgroup_strip_root ("/a/b", "/a"),
                    *c = cgroup_strip_root ("/a", "/a"), *d = cgroup_strip_root ("/ab", "/a");
  char line[] = "4:memory,cpu:/x/y", line2[] = "0::/", bad[] = "nocolons";
  char *ctrl, *path;

  ok (strcmp (a, "/a/b") == 0 && strcmp (b, "/b") == 0 && strcmp (c, "/") == 0 && strcmp (d, "/ab") == 0,
         "own cgroup relative to the mount root");
  ok (cgroup_line_split (line, &ctrl, &path) && strcmp (ctrl, "memory,cpu") == 0 && strcmp (path, "/x/y") == 0,
         "a v1 line of /proc/self/cgroup");
  ok (cgroup_line_split (line2, &ctrl, &path) && *ctrl == '\0' && strcmp (path, "/") == 0, "the cgroup2 line");
  ok (!cgroup_line_split (bad, &ctrl, &path), "a malformed line");
}

int
main (void)
{
  char tmpl[] = "/tmp/ocirun-unit.XXXXXX";
  cleanup_free char *files = NULL, *root = NULL;

  if (mkdtemp (tmpl) == NULL || asprintf (&files, "%s/files", tmpl) < 0 || asprintf (&root, "%s/root", tmpl) < 0
      || mkdir (files, 0700) < 0)
    return perror ("setup"), 1;
  test_ids ();
  test_signals ();
  test_time ();
  test_files (files);
  test_state_round_trip (root);
  test_cgroup_rules ();
  {
    ocirun_error_t err = NULL;
    remove_tree (tmpl, &err);
    ocirun_error_release (&err);
  }
  return tap_done ();
}
