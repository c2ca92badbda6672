/* linux.sysctl: only keys that belong to a namespace the container has
 * are accepted (runc's rules), then written under /proc/sys inside the
 * container, before readonlyPaths makes /proc/sys read-only. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "src/linux/internal.h"

static const char *const ipc_sysctls[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool
has_ns (const oci_config *config, int type)
{
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == type)
      return true;
  return false;
}

static bool
is_ipc_sysctl (const char *key)
{
  if (strncmp (key, "fs.mqueue.", strlen ("fs.mqueue.")) == 0)
    return true;
  for (size_t i = 0; i < sizeof (ipc_sysctls) / sizeof (ipc_sysctls[0]); i++)
    if (strcmp (key, ipc_sysctls[i]) == 0)
      return true;
  return false;
}

/* Keys may use "/" as the separator (for names holding dots, such as
 * net.ipv4.conf.eth0/100.forwarding); rules are checked on the dotted form. */
static char *
dotted (const char *key)
{
  char *out = strdup (key);
  for (char *p = out; p && *p; p++)
    if (*p == '/')
      *p = '.';
  return out;
}

int
sysctl_check_key (const oci_config *config, const char *key, ocirun_error_t *err)
{
  cleanup_free char *k = dotted (key);

  if (k == NULL)
    return ocirun_error (err, ENOMEM, "sysctl");
  if (*k == '\0' || *k == '.' || k[strlen (k) - 1] == '.' || strstr (k, "..") != NULL)
    return ocirun_error (err, 0, "invalid sysctl name `%s`", key);
  if (is_ipc_sysctl (k))
    return has_ns (config, OCI_NS_IPC) ? 0
                                       : ocirun_error (err, 0, "sysctl `%s` is not allowed in the host's ipc namespace", key);
  if (strncmp (k, "net.", 4) == 0)
    return has_ns (config, OCI_NS_NETWORK)
               ? 0
               : ocirun_error (err, 0, "sysctl `%s` is not allowed in the host's network namespace", key);
  if (has_ns (config, OCI_NS_UTS) && strcmp (k, "kernel.domainname") == 0)
    return 0;
  if (has_ns (config, OCI_NS_UTS) && strcmp (k, "kernel.hostname") == 0)
    return ocirun_error (err, 0, "sysctl `%s` is not allowed: it conflicts with the `hostname` field", key);
  return ocirun_error (err, 0, "sysctl `%s` is not in a separate kernel namespace", key);
}

int
sysctl_validate (const oci_config *config, ocirun_error_t *err)
{
  for (size_t i = 0; config->linux && i < config->linux->sysctl.len; i++)
    if (sysctl_check_key (config, config->linux->sysctl.keys[i], err) < 0)
      return -1;
  return 0;
}

static const char *
netns_path (const oci_config *config)
{
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == OCI_NS_NETWORK)
      return config->linux->namespaces[i].path;
  return NULL;
}

/* A network namespace "joined" by path may be the one we run in: then
 * net.* would change the host's (runc refuses that too). */
static int
joins_own_netns (const char *path, bool *own, ocirun_error_t *err)
{
  struct stat ns, self;

  if (stat (path, &ns) < 0)
    return ocirun_error (err, errno, "network namespace path `%s`", path);
  if (stat ("/proc/self/ns/net", &self) < 0)
    return ocirun_error (err, errno, "stat `/proc/self/ns/net`");
  *own = ns.st_dev == self.st_dev && ns.st_ino == self.st_ino;
  return 0;
}

int
sysctl_validate_host (const oci_config *config, ocirun_error_t *err)
{
  const char *path = netns_path (config);
  bool own = false;

  if (sysctl_validate (config, err) < 0)
    return -1;
  for (size_t i = 0; config->linux && i < config->linux->sysctl.len; i++)
    {
      const char *key = config->linux->sysctl.keys[i];
      if (strncmp (key, "net.", 4) != 0 && strncmp (key, "net/", 4) != 0)
        continue;
      if (path && joins_own_netns (path, &own, err) < 0)
        return -1;
      if (own)
        return ocirun_error (err, 0, "sysctl `%s` is not allowed in the host's network namespace (`%s` is ours)",
                             key, path);
      return 0;
    }
  return 0;
}

static int
write_sysctl (const char *key, const char *value, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  size_t len = strlen (value);
  struct statfs sfs;
  bool slashes = strchr (key, '/') != NULL;

  if (asprintf (&path, "/proc/sys/%s", key) < 0)
    return ocirun_error (err, ENOMEM, "sysctl `%s`", key);
  /* Dots are separators unless the key already uses slashes. */
  for (char *p = path + strlen ("/proc/sys/"); !slashes && *p; p++)
    if (*p == '.')
      *p = '/';
  /* No O_TRUNC, and O_NONBLOCK: nothing happens to what is not procfs. */
  fd = open (path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "sysctl `%s`: open `%s`", key, path);
  /* Without a proc mount the rootfs's own /proc/sys could be anything. */
  if (fstatfs (fd, &sfs) < 0)
    return ocirun_error (err, errno, "statfs `%s`", path);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirun_error (err, 0, "sysctl `%s`: `%s` is not on procfs (no proc mount at /proc?)", key, path);
  if (write (fd, value, len) != (ssize_t) len)
    return ocirun_error (err, errno, "write `%s` to sysctl `%s`", value, key);
  return 0;
}

int
sysctl_apply (const oci_config *config, ocirun_error_t *err)
{
  for (size_t i = 0; config->linux && i < config->linux->sysctl.len; i++)
    if (write_sysctl (config->linux->sysctl.keys[i], config->linux->sysctl.values[i], err) < 0)
      return -1;
  return 0;
}
