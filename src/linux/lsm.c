/* process.apparmorProfile, process.selinuxLabel, linux.mountLabel: the
 * rules are in include/ocirun/lsm.h; this file only decides what to call,
 * lsm-host.c makes the calls. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/cleanup.h"
#include "ocirun/lsm.h"

static const struct lsm_ops *ops = &lsm_host_ops;

void
lsm_set_ops (const struct lsm_ops *o)
{
  ops = o ? o : &lsm_host_ops;
}

static bool
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

int
lsm_check (const oci_process *p, const char *mount_label, ocirun_error_t *err)
{
  if (p && is_set (p->selinux_label) && !ops->selinux_enabled ())
    return ocirun_error (err, 0, "selinux label is specified in config, but selinux is disabled or not supported");
  if (is_set (mount_label) && !ops->selinux_enabled ())
    return ocirun_error (err, 0, "mount label `%s` is specified in config, but selinux is disabled or not supported",
                         mount_label);
  if (p && is_set (p->apparmor_profile) && !ops->apparmor_enabled ())
    return ocirun_error (err, 0, "apparmor profile `%s` is specified in config, but apparmor is not enabled",
                         p->apparmor_profile);
  return 0;
}

/* AppArmor's attr for the next exec: the per-LSM file where the kernel
 * has it (stacked LSMs), else the shared one. */
static int
apparmor_change_on_exec (const char *profile, ocirun_error_t *err)
{
  const char *path = "/proc/thread-self/attr/apparmor/exec";
  cleanup_free char *value = NULL;

  if (!ops->path_exists (path))
    path = "/proc/thread-self/attr/exec";
  if (asprintf (&value, "exec %s", profile) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (ops->write_attr (path, value) < 0)
    return ocirun_error (err, errno, "apply apparmor profile `%s`: write `%s`", profile, path);
  return 0;
}

int
lsm_apply_exec_labels (const oci_process *p, ocirun_error_t *err)
{
  if (is_set (p->apparmor_profile) && apparmor_change_on_exec (p->apparmor_profile, err) < 0)
    return -1;
  if (is_set (p->selinux_label) && ops->selinux_enabled () && ops->setexeccon (p->selinux_label) < 0)
    return ocirun_error (err, errno, "set the selinux exec label `%s`", p->selinux_label);
  return 0;
}

int
lsm_set_keyring_label (const char *label, ocirun_error_t *err)
{
  if ((label && !*label) || !ops->selinux_enabled ())
    return 0;
  if (ops->setkeycreatecon (label) < 0)
    return ocirun_error (err, errno, "set the selinux keyring label `%s`", label ? label : "(default)");
  return 0;
}

/* runc labels every mount but these through its data (mqueue afterwards,
 * with setfilecon). */
static bool
takes_context_option (const char *type, bool bind)
{
  static const char *const unlabelled[] = { "proc", "sysfs", "cgroup", "cgroup2", "mqueue", NULL };

  if (bind || type == NULL)
    return false;
  for (size_t i = 0; unlabelled[i]; i++)
    if (strcmp (type, unlabelled[i]) == 0)
      return false;
  return true;
}

int
lsm_mount_data (const char *type, bool bind, const char *data, const char *mount_label, char **out,
                ocirun_error_t *err)
{
  int n;

  *out = NULL;
  if (!is_set (mount_label) || !ops->selinux_enabled () || !takes_context_option (type, bind))
    n = is_set (data) ? asprintf (out, "%s", data) : 0;
  else if (is_set (data))
    n = asprintf (out, "%s,context=\"%s\"", data, mount_label);
  else
    n = asprintf (out, "context=\"%s\"", mount_label);
  if (n < 0)
    {
      *out = NULL;
      return ocirun_error (err, ENOMEM, "allocate");
    }
  return 0;
}

int
lsm_mount_data_replace (const char *type, const char *mount_label, char **data, ocirun_error_t *err)
{
  char *out = NULL;

  if (lsm_mount_data (type, false, *data, mount_label, &out, err) < 0)
    return -1;
  free (*data);
  *data = out;
  return 0;
}

int
lsm_label_mount (const char *type, const char *path, const char *mount_label, ocirun_error_t *err)
{
  if (!is_set (mount_label) || type == NULL || strcmp (type, "mqueue") != 0 || !ops->selinux_enabled ())
    return 0;
  if (ops->setfilecon (path, mount_label) < 0)
    return ocirun_error (err, errno, "label mqueue `%s` with `%s`", path, mount_label);
  return 0;
}
