/* struct lsm_ops for the real host: /sys and /proc, libselinux when ocirun
 * is built with it (without it SELinux counts as disabled, so every
 * SELinux label in a config is refused by lsm_check). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "ocirun/cleanup.h"
#include "ocirun/lsm.h"
#include "ocirun/utils.h"

/* runc's test: the securityfs directory exists and the module says Y. */
static bool
host_apparmor_enabled (void)
{
  cleanup_file FILE *f = NULL;
  char c = 0;

  if (access ("/sys/kernel/security/apparmor", F_OK) < 0)
    return false;
  f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  return f != NULL && fread (&c, 1, 1, f) == 1 && c == 'Y';
}

static bool
host_path_exists (const char *path)
{
  return access (path, F_OK) == 0;
}

static int
host_write_attr (const char *path, const char *value)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (value);

  if (fd < 0)
    return -1;
  return write (fd, value, len) == (ssize_t) len ? 0 : -1;
}

#ifdef HAVE_SELINUX
static bool
host_selinux_enabled (void)
{
  return is_selinux_enabled () > 0;
}

static int
host_setexeccon (const char *label)
{
  return setexeccon (label);
}

static int
host_setkeycreatecon (const char *label)
{
  return setkeycreatecon (label);
}

static int
host_setfilecon (const char *path, const char *label)
{
  return setfilecon (path, label);
}
#else
static bool
host_selinux_enabled (void)
{
  return false;
}

/* Unreachable: lsm.c calls these only when SELinux is enabled. */
static int
host_no_selinux (const char *label)
{
  (void) label;
  errno = ENOTSUP;
  return -1;
}

static int
host_setfilecon (const char *path, const char *label)
{
  (void) path;
  return host_no_selinux (label);
}
#define host_setexeccon host_no_selinux
#define host_setkeycreatecon host_no_selinux
#endif

const struct lsm_ops lsm_host_ops = {
  .selinux_enabled = host_selinux_enabled,
  .apparmor_enabled = host_apparmor_enabled,
  .path_exists = host_path_exists,
  .write_attr = host_write_attr,
  .setexeccon = host_setexeccon,
  .setkeycreatecon = host_setkeycreatecon,
  .setfilecon = host_setfilecon,
};
