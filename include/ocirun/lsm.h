/* The Linux security modules' part of the config: process.apparmorProfile,
 * process.selinuxLabel (also the label of the session keyring) and
 * linux.mountLabel.
 *
 * Behaviour, checked against runc 1.1.5 on a host with neither LSM:
 *  - selinuxLabel while SELinux is disabled: create fails before anything
 *    starts, with runc's message;
 *  - mountLabel while SELinux is disabled: create fails before anything
 *    starts (runc passes context= to the kernel anyway and the tmpfs mount
 *    fails with EINVAL; we say why instead);
 *  - apparmorProfile while AppArmor is disabled
 *    (/sys/module/apparmor/parameters/enabled is not "Y"): create fails
 *    before anything starts (runc fails later, in its init, writing the
 *    profile to /proc/self/attr/exec: EINVAL);
 *  - a host with the LSM enabled: the profile is written as "exec <name>"
 *    to /proc/thread-self/attr/apparmor/exec (attr/exec on kernels without
 *    the per-LSM directory), the SELinux label set with setexeccon, both
 *    right before process_apply, so they take effect at execve; the
 *    keyring is created under setkeycreatecon(label); mounts get
 *    context="<mountLabel>" in their data except proc, sysfs, cgroup,
 *    cgroup2, mqueue and binds, and mqueue mounts are labelled with
 *    setfilecon after mounting (runc's rules).
 *
 * Every kernel and library call goes through struct lsm_ops, so that
 * tests/unit/test-lsm.c checks the calls made on a host without SELinux
 * or AppArmor. */
#ifndef OCIRUN_LSM_H
#define OCIRUN_LSM_H

#include <stdbool.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

struct lsm_ops
{
  bool (*selinux_enabled) (void);
  bool (*apparmor_enabled) (void);
  bool (*path_exists) (const char *path);
  /* Write value to a /proc attr file; -1 with errno on failure. */
  int (*write_attr) (const char *path, const char *value);
  int (*setexeccon) (const char *label);
  int (*setkeycreatecon) (const char *label); /* NULL label: back to default */
  int (*setfilecon) (const char *path, const char *label);
};

/* The real host (libselinux when built with it, else SELinux disabled). */
extern const struct lsm_ops lsm_host_ops;
/* Tests replace the ops; NULL restores lsm_host_ops. */
void lsm_set_ops (const struct lsm_ops *ops);

/* On the host side before anything is started (create, exec): a label or
 * profile this host cannot apply is an error naming it. */
int lsm_check (const oci_process *process, const char *mount_label, ocirun_error_t *err);

/* In the process about to exec: AppArmor profile, then SELinux label. */
int lsm_apply_exec_labels (const oci_process *process, ocirun_error_t *err);

/* Label the keys the caller creates next with `label`; NULL: back to the
 * default.  Nothing when label is "" or SELinux is disabled. */
int lsm_set_keyring_label (const char *label, ocirun_error_t *err);

/* The data string to mount a filesystem of `type` with: `data` plus
 * context="<mount_label>" when the rules above say so.  *out is malloc'd
 * (NULL when the result is empty). */
int lsm_mount_data (const char *type, bool bind, const char *data, const char *mount_label, char **out,
                    ocirun_error_t *err);

/* lsm_mount_data for a non-bind mount, replacing the malloc'd *data. */
int lsm_mount_data_replace (const char *type, const char *mount_label, char **data, ocirun_error_t *err);

/* After mounting a filesystem of `type` at `path`: label an mqueue mount
 * with mount_label (runc's setfilecon); nothing otherwise. */
int lsm_label_mount (const char *type, const char *path, const char *mount_label, ocirun_error_t *err);

#endif
