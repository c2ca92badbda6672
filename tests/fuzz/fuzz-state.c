/* libFuzzer target: the state store's reader (state_load: the `state`
 * and `exit` files of a container's directory) must never crash, leak or
 * hit undefined behaviour on a corrupt or hostile file; the status is
 * derived from what was read as well.  Built and run by tests/fuzz/run.sh
 * (target "state"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/core/internal.h"
#include "ocirun/utils.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* state.c asks the cgroups whether a container is frozen: never here. */
bool
cgroup_is_frozen (char **dirs)
{
  (void) dirs;
  return false;
}

static char root[64];

static void
remove_root (void)
{
  ocirun_error_t err = NULL;

  if (remove_tree (root, &err) < 0)
    ocirun_error_release (&err);
}

static void
write_file (const char *name, const uint8_t *data, size_t size)
{
  char path[128];
  FILE *f;

  snprintf (path, sizeof (path), "%s/c/%s", root, name);
  f = fopen (path, "w");
  if (f == NULL)
    abort ();
  if (size && fwrite (data, 1, size, f) != size)
    abort ();
  fclose (f);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct container_state st;
  ocirun_error_t err = NULL;
  const uint8_t *split;
  size_t first;

  if (root[0] == '\0')
    {
      char dir[128];
      snprintf (root, sizeof (root), "/tmp/fuzz-state.%d", (int) getpid ());
      snprintf (dir, sizeof (dir), "%s/c", root);
      if (mkdir_p (dir, 0700, &err) < 0)
        abort ();
      atexit (remove_root);
    }
  /* Bytes up to the first 0xff are the state file, the rest the exit file. */
  split = memchr (data, 0xff, size);
  first = split ? (size_t) (split - data) : size;
  write_file (STATE_FILE, data, first);
  write_file (EXIT_FILE, split ? split + 1 : data, split ? size - first - 1 : 0);
  if (state_load (root, "c", &st, &err) == 0)
    {
      (void) state_status_name (state_status (&st));
      state_release (&st);
    }
  else
    {
      free (ocirun_error_format (err));
      ocirun_error_release (&err);
      state_release (&st);
    }
  return 0;
}
