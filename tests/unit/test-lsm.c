/* The LSM plumbing (src/linux/lsm.c) against a fake host: which files are
 * written with what, which libselinux calls are made, which mount data
 * results -- on this host neither SELinux nor AppArmor runs, so this is
 * where the enabled paths are checked; the disabled paths run for real in
 * tests/bats/security.bats. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/lsm.h"
#include "tests/helpers/tap.h"

static bool fake_selinux, fake_apparmor, fake_per_lsm_dir, fake_fail;
static char calls[2048];

static void
record (const char *fmt, const char *a, const char *b)
{
  size_t n = strlen (calls);
  snprintf (calls + n, sizeof (calls) - n, fmt, a, b ? b : "(null)");
}

static bool
f_selinux (void)
{
  return fake_selinux;
}

static bool
f_apparmor (void)
{
  return fake_apparmor;
}

static bool
f_exists (const char *path)
{
  return fake_per_lsm_dir && strstr (path, "/attr/apparmor/") != NULL;
}

static int
f_write (const char *path, const char *value)
{
  record ("write %s=%s;", path, value);
  if (fake_fail)
    errno = EINVAL;
  return fake_fail ? -1 : 0;
}

static int
f_setexeccon (const char *label)
{
  record ("setexeccon %s%s;", label, "");
  return 0;
}

static int
f_setkeycreatecon (const char *label)
{
  record ("setkeycreatecon %s%s;", label ? label : "NULL", "");
  return 0;
}

static int
f_setfilecon (const char *path, const char *label)
{
  record ("setfilecon %s %s;", path, label);
  return 0;
}

static const struct lsm_ops fake_ops = {
  .selinux_enabled = f_selinux, .apparmor_enabled = f_apparmor, .path_exists = f_exists, .write_attr = f_write,
  .setexeccon = f_setexeccon, .setkeycreatecon = f_setkeycreatecon, .setfilecon = f_setfilecon,
};

static void
reset (bool selinux, bool apparmor)
{
  fake_selinux = selinux, fake_apparmor = apparmor, fake_per_lsm_dir = true, fake_fail = false;
  calls[0] = '\0';
}

static bool
check_fails_with (const oci_process *p, const char *mount_label, const char *needle)
{
  ocirun_error_t err = NULL;
  bool r = lsm_check (p, mount_label, &err) < 0 && err && strstr (err->msg, needle) != NULL;

  ocirun_error_release (&err);
  return r;
}

static void
test_check (void)
{
  oci_process p = { .selinux_label = (char *) "system_u:system_r:container_t:s0", .apparmor_profile = NULL };
  oci_process aa = { .apparmor_profile = (char *) "docker-default" };
  oci_process none = { .selinux_label = (char *) "" };
  ocirun_error_t err = NULL;

  reset (false, false);
  ok (check_fails_with (&p, NULL, "selinux label is specified in config, but selinux is disabled"),
      "selinuxLabel without SELinux: runc's error");
  ok (check_fails_with (NULL, "system_u:object_r:container_file_t:s0", "mount label"),
      "mountLabel without SELinux: an error naming it");
  ok (check_fails_with (&aa, NULL, "apparmor profile `docker-default`"), "apparmorProfile without AppArmor: an error");
  ok (lsm_check (&none, "", &err) == 0, "empty labels need nothing");
  reset (true, true);
  ok (lsm_check (&p, "x", &err) == 0 && lsm_check (&aa, NULL, &err) == 0, "with the LSMs enabled: accepted");
  ocirun_error_release (&err);
}

static void
test_exec_labels (void)
{
  oci_process p = { .selinux_label = (char *) "u:r:t:s0", .apparmor_profile = (char *) "prof" };
  ocirun_error_t err = NULL;

  reset (true, true);
  ok (lsm_apply_exec_labels (&p, &err) == 0, "exec labels applied");
  ok (strcmp (calls, "write /proc/thread-self/attr/apparmor/exec=exec prof;setexeccon u:r:t:s0;") == 0,
      "AppArmor's per-LSM exec attr gets \"exec <profile>\", then setexeccon: %s", calls);
  reset (false, true);
  fake_per_lsm_dir = false;
  p.selinux_label = NULL;
  ok (lsm_apply_exec_labels (&p, &err) == 0 && strcmp (calls, "write /proc/thread-self/attr/exec=exec prof;") == 0,
      "without attr/apparmor: the shared attr/exec: %s", calls);
  reset (false, true);
  fake_fail = true;
  ok (lsm_apply_exec_labels (&p, &err) < 0 && err->errnum == EINVAL && strstr (err->msg, "`prof`"),
      "a refused profile is an error naming it");
  ocirun_error_release (&err);
}

static void
test_keyring (void)
{
  ocirun_error_t err = NULL;

  reset (true, false);
  ok (lsm_set_keyring_label ("u:r:t:s0", &err) == 0 && lsm_set_keyring_label (NULL, &err) == 0
          && strcmp (calls, "setkeycreatecon u:r:t:s0;setkeycreatecon NULL;") == 0,
      "keyring labelled, then reset: %s", calls);
  reset (false, false);
  ok (lsm_set_keyring_label ("u:r:t:s0", &err) == 0 && calls[0] == '\0', "SELinux disabled: no keyring label");
}

static bool
mount_data_is (const char *type, bool bind, const char *data, const char *label, const char *want)
{
  ocirun_error_t err = NULL;
  char *out = NULL;
  bool r = lsm_mount_data (type, bind, data, label, &out, &err) == 0
           && (want ? out && strcmp (out, want) == 0 : out == NULL);

  free (out);
  return r;
}

static void
test_mounts (void)
{
  ocirun_error_t err = NULL;
  const char *l = "system_u:object_r:container_file_t:s0:c1,c2";

  reset (true, false);
  ok (mount_data_is ("tmpfs", false, "mode=755", l, "mode=755,context=\"system_u:object_r:container_file_t:s0:c1,c2\""),
      "tmpfs: context= appended, quoted (the label has commas)");
  ok (mount_data_is ("devpts", false, NULL, l, "context=\"system_u:object_r:container_file_t:s0:c1,c2\""),
      "devpts without data: context= alone");
  ok (mount_data_is ("proc", false, NULL, l, NULL) && mount_data_is ("sysfs", false, "ro", l, "ro")
          && mount_data_is ("cgroup2", false, NULL, l, NULL) && mount_data_is ("mqueue", false, NULL, l, NULL),
      "proc, sysfs, cgroup2, mqueue: no context=");
  ok (mount_data_is ("none", true, "x", l, "x"), "bind mounts: no context=");
  ok (lsm_label_mount ("mqueue", "/dev/mqueue", l, &err) == 0 && lsm_label_mount ("tmpfs", "/tmp", l, &err) == 0
          && strcmp (calls, "setfilecon /dev/mqueue system_u:object_r:container_file_t:s0:c1,c2;") == 0,
      "mqueue labelled with setfilecon after mounting, nothing else: %s", calls);
  reset (false, false);
  ok (mount_data_is ("tmpfs", false, "mode=755", l, "mode=755") && lsm_label_mount ("mqueue", "/m", l, &err) == 0
          && calls[0] == '\0',
      "SELinux disabled: data unchanged, no setfilecon");
}

int
main (void)
{
  lsm_set_ops (&fake_ops);
  test_check ();
  test_exec_labels ();
  test_keyring ();
  test_mounts ();
  lsm_set_ops (NULL);
  return tap_done ();
}
