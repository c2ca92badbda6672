/* The pure parts of process setup: capability names, PATH search in the
 * container's environment, env lookup, CPU lists.  TAP output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "src/linux/internal.h"
#include "tests/helpers/tap.h"

static void
test_caps (void)
{
  ok (cap_value_from_name ("CAP_CHOWN") == 0 && cap_value_from_name ("CAP_SYS_ADMIN") == 21
          && cap_value_from_name ("CAP_AUDIT_WRITE") == 29 && cap_value_from_name ("CAP_CHECKPOINT_RESTORE") == 40,
      "capability names map to the kernel's numbers");
  ok (cap_value_from_name ("CAP_BOGUS") < 0 && cap_value_from_name ("cap_chown") < 0
          && cap_value_from_name ("CHOWN") < 0 && cap_value_from_name ("0") < 0 && cap_value_from_name ("") < 0,
      "non-capability names are refused (spelling is exact)");
  ok (strcmp (cap_name_from_value (8), "CAP_SETPCAP") == 0 && cap_name_from_value (41) == NULL
          && cap_name_from_value (-1) == NULL,
      "numbers map back to names");
  for (int v = 0; cap_name_from_value (v); v++)
    if (cap_value_from_name (cap_name_from_value (v)) != v)
      {
        ok (false, "round trip of capability %d", v);
        return;
      }
  ok (true, "every capability name round-trips");
}

static void
test_caps_unknown_is_error (void)
{
  char *names[] = { (char *) "CAP_KILL", (char *) "CAP_NOT_A_CAP" };
  oci_capabilities caps = { .bounding = { names, 2 } };
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *msg = NULL;

  /* The names are checked before anything is dropped: this process keeps
   * its capabilities. */
  int r = caps_apply_bounding (&caps, &err);
  msg = err ? ocirun_error_format (err) : NULL;
  ok (r < 0 && msg && strstr (msg, "CAP_NOT_A_CAP"), "an unknown capability is an error naming it (%s)",
      msg ? msg : "no error");
}

static char dir[] = "/tmp/test-linux-process.XXXXXX";

static void
make_file (const char *name, mode_t mode)
{
  char path[256];
  int fd;

  snprintf (path, sizeof (path), "%s/%s", dir, name);
  fd = open (path, O_CREAT | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0 || fchmod (fd, mode) < 0)
    abort ();
  close (fd);
}

static void
test_path_search (void)
{
  char path[512], want[256];
  cleanup_free char *found = NULL;
  char *r;

  if (mkdtemp (dir) == NULL || mkdir (strcat (strcpy (want, dir), "/a"), 0755) < 0
      || mkdir (strcat (strcpy (want, dir), "/b"), 0755) < 0)
    abort ();
  make_file ("a/tool", 0644);
  make_file ("b/tool", 0755);
  make_file ("b/plain", 0644);
  snprintf (path, sizeof (path), "%s/a:%s/b", dir, dir);

  found = path_search ("tool", path);
  snprintf (want, sizeof (want), "%s/b/tool", dir);
  ok (found && strcmp (found, want) == 0, "a non-executable match is skipped for a later executable one");
  errno = 0;
  r = path_search ("plain", path);
  ok (r == NULL && errno == EACCES, "only non-executable matches: EACCES");
  free (r);
  errno = 0;
  r = path_search ("missing", path);
  ok (r == NULL && errno == ENOENT, "no match: ENOENT");
  free (r);
  r = path_search ("tool", NULL);
  ok (r == NULL && errno == ENOENT, "no PATH in the container's env: not found (the host's PATH is not used)");
  free (r);
  snprintf (want, sizeof (want), "%s/b/tool", dir);
  r = path_search (want, "/nowhere");
  ok (r && strcmp (r, want) == 0, "a name with a slash is used as is, not searched");
  free (r);
  snprintf (want, sizeof (want), "%s/b/plain", dir);
  r = path_search (want, path);
  ok (r == NULL && errno == EACCES, "a name with a slash that is not executable: EACCES");
  free (r);
  r = path_search ("./no/such", path);
  ok (r == NULL && errno == ENOENT, "a name with a slash that does not exist: ENOENT");
  free (r);
  r = path_search ("", path);
  ok (r == NULL && errno == ENOENT, "an empty name is not found");
  free (r);
  snprintf (path, sizeof (path), "rm -rf '%s'", dir);
  if (system (path) != 0)
    fprintf (stderr, "could not remove %s\n", dir);
}

static void
test_env (void)
{
  char *items[] = { (char *) "PATHX=/no", (char *) "PATH=/bin:/usr/bin", (char *) "HOME=", (char *) "PATH=/second" };
  oci_strv env = { items, 4 };

  ok (env_lookup (&env, "PATH") && strcmp (env_lookup (&env, "PATH"), "/bin:/usr/bin") == 0,
      "env_lookup matches the whole name and takes the first");
  ok (env_lookup (&env, "HOME") && *env_lookup (&env, "HOME") == '\0' && env_lookup (&env, "TERM") == NULL,
      "empty values are set, missing names are NULL");
}

static void
test_cpu_list (void)
{
  cleanup_error ocirun_error_t err = NULL;
  cpu_set_t set;

  ok (cpu_list_parse ("0-2,5", &set, &err) == 0 && CPU_COUNT (&set) == 4 && CPU_ISSET (0, &set)
          && CPU_ISSET (2, &set) && CPU_ISSET (5, &set) && !CPU_ISSET (3, &set),
      "0-2,5");
  ok (cpu_list_parse ("7", &set, &err) == 0 && CPU_COUNT (&set) == 1 && CPU_ISSET (7, &set), "a single CPU");
  const char *bad[] = { "", "3-1", "a", "1,", ",1", "1-", "1--2", "99999", "1 2" };
  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      ocirun_error_release (&err);
      if (!ok (cpu_list_parse (bad[i], &set, &err) < 0 && err != NULL, "`%s` is refused", bad[i]))
        break;
    }
}

int
main (void)
{
  test_caps ();
  test_caps_unknown_is_error ();
  test_path_search ();
  test_env ();
  test_cpu_list ();
  return tap_done ();
}
