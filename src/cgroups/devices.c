/* The device rules a container gets, as runc builds them: everything
 * denied, then the config's linux.resources.devices in order, then runc's
 * default allow list (mknod of anything, the standard character devices,
 * ptys, tun).  Also the v1 enforcement: the rules written in order, which
 * is the kernel's own last-match semantics. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cleanup.h"
#include "resources.h"

static const struct cgroup_dev_rule default_rules[] = {
  { true, 'c', -1, -1, "m" },   { true, 'b', -1, -1, "m" },
  { true, 'c', 1, 3, "rwm" },   /* /dev/null */
  { true, 'c', 1, 8, "rwm" },   /* /dev/random */
  { true, 'c', 1, 7, "rwm" },   /* /dev/full */
  { true, 'c', 5, 0, "rwm" },   /* /dev/tty */
  { true, 'c', 1, 5, "rwm" },   /* /dev/zero */
  { true, 'c', 1, 9, "rwm" },   /* /dev/urandom */
  { true, 'c', 136, -1, "rwm" }, /* /dev/pts/N */
  { true, 'c', 5, 2, "rwm" },   /* /dev/ptmx */
  { true, 'c', 10, 200, "rwm" }, /* /dev/net/tun */
};

int
cgroup_device_rules (const oci_config *config, struct cgroup_dev_rule **rules, size_t *n, ocirun_error_t *err)
{
  const oci_resources *r = config->linux ? config->linux->resources : NULL;
  size_t n_config = r ? r->devices_len : 0, n_default = sizeof (default_rules) / sizeof (default_rules[0]);
  struct cgroup_dev_rule *out = calloc (1 + n_config + n_default, sizeof (*out));

  if (out == NULL)
    return ocirun_error (err, errno, "allocate");
  out[0] = (struct cgroup_dev_rule){ false, 'a', -1, -1, "rwm" };
  for (size_t i = 0; i < n_config; i++)
    {
      const oci_device_rule *d = &r->devices[i];
      struct cgroup_dev_rule *o = &out[1 + i];
      o->allow = d->allow;
      o->type = d->type ? d->type : 'a';
      o->major = d->has_major ? d->major : -1;
      o->minor = d->has_minor ? d->minor : -1;
      snprintf (o->access, sizeof (o->access), "%s", d->access && *d->access ? d->access : "rwm");
    }
  memcpy (out + 1 + n_config, default_rules, sizeof (default_rules));
  *rules = out;
  *n = 1 + n_config + n_default;
  return 0;
}

static void
format_number (char *buf, size_t size, int64_t v)
{
  if (v < 0)
    snprintf (buf, size, "*");
  else
    snprintf (buf, size, "%" PRId64, v);
}

int
cgroup_v1_devices (const char *dir, const struct cgroup_dev_rule *rules, size_t n, ocirun_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct cgroup_dev_rule *r = &rules[i];
      const char *file = r->allow ? "devices.allow" : "devices.deny";
      char major[24], minor[24];
      int ret;

      /* "a" alone resets the whole list to allow-all or deny-all. */
      if (r->type == 'a' && r->major < 0 && r->minor < 0 && strlen (r->access) == 3)
        ret = cgroup_write (dir, file, "a", err);
      else
        {
          format_number (major, sizeof (major), r->major);
          format_number (minor, sizeof (minor), r->minor);
          ret = cgroup_writef (dir, file, err, "%c %s:%s %s", r->type, major, minor, r->access);
        }
      if (ret < 0)
        return -1;
    }
  return 0;
}
