/* `ocirun spec`: write the starter config.json into the bundle. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "commands.h"
#include "oci-spec/spec-default.h"
#include "ocirun/cleanup.h"

static const char spec_description[] =
    "The spec command creates the new specification file named \"config.json\" for\n"
    "the bundle. The file is a starter: edit it for the container's needs; its args\n"
    "run \"sh\". It refuses to overwrite an existing config.json.\n"
    "\n"
    "With --rootless the file is adjusted for a container run without root\n"
    "privileges: a user namespace maps the caller's uid and gid to root.";

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      data += n;
      len -= (size_t) n;
    }
  return 0;
}

/* Create bundle/config.json; never replace one (O_EXCL), and leave no
 * partial file behind. */
static int
write_config (const char *bundle, const char *data, size_t len, ocirun_error_t *err)
{
  cleanup_close int dirfd = -1;
  cleanup_close int fd = -1;
  cleanup_free char *path = NULL;

  /* Name the file as the user named the bundle: "config.json" without -b. */
  if (asprintf (&path, "%s%sconfig.json", bundle ? bundle : "", bundle ? "/" : "") < 0)
    return ocirun_error (err, ENOMEM, "write config.json");
  dirfd = open (bundle ? bundle : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return ocirun_error (err, errno, "bundle directory `%s`", bundle ? bundle : ".");
  fd = openat (dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return ocirun_error (err, 0, "file `%s` exists. Remove it first", path);
  if (fd < 0)
    return ocirun_error (err, errno, "create `%s`", path);
  if (write_all (fd, data, len) < 0 || close (steal_fd (&fd)) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, "config.json", 0);
      return ocirun_error (err, saved, "write `%s`", path);
    }
  return 0;
}

int
cmd_spec (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  const char *bundle = NULL;
  bool rootless = false;
  cleanup_free char *data = NULL;
  size_t len = 0;
  struct cmdline_option options[] = {
    CMDLINE_STRING ("bundle", 'b', &bundle, "path to the root of the bundle directory"),
    CMDLINE_BOOL ("rootless", 0, &rootless, "generate a configuration for a rootless container"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = { .description = spec_description, .options = options };
  int first;

  (void) g;
  first = cmdline_parse (&cmd, argc, argv, err);
  if (first <= 0)
    return first;
  if (oci_spec_default_generate (rootless, geteuid (), getegid (), &data, &len, err) < 0)
    return -1;
  if (write_config (bundle, data, len, err) < 0)
    return -1;
  return 0;
}
