/* What runc takes from the container's own /etc/passwd for a numeric
 * user: the home directory, for HOME when process.env sets none.  (The
 * config always names the group, so runc adds no groups from /etc/group:
 * neither do we.) */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

/* Split a colon-separated line into at most `max` fields, in place. */
static size_t
split_fields (char *line, char **fields, size_t max)
{
  size_t n = 0;

  line[strcspn (line, "\n")] = '\0';
  while (line && n < max)
    fields[n++] = strsep (&line, ":");
  return n;
}

static bool
parse_id (const char *s, unsigned long *out)
{
  char *end;
  errno = 0;
  *out = strtoul (s, &end, 10);
  return errno == 0 && end != s && *end == '\0';
}

int
user_lookup (uid_t uid, char **name, char **home)
{
  cleanup_file FILE *f = fopen ("/etc/passwd", "re");
  cleanup_free char *line = NULL;
  size_t n = 0;

  *name = *home = NULL;
  while (f && getline (&line, &n, f) > 0)
    {
      char *fields[7];
      unsigned long v;

      if (split_fields (line, fields, 7) < 6 || !parse_id (fields[2], &v) || v != uid)
        continue;
      *name = strdup (fields[0]);
      *home = strdup (fields[5]);
      return *home && *name ? 0 : -1;
    }
  return 0;
}
