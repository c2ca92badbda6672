/* Helpers shared by the src/linux/ modules (and their unit tests); not
 * part of the interface the core uses (that is include/ocirun/linux.h). */
#ifndef OCIRUN_LINUX_INTERNAL_H
#define OCIRUN_LINUX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

/* ---- mount options (mounts.c) ------------------------------------------ */

#define MOUNT_MAX_PROPAGATION 8

/* A mount entry's options split the way the kernel wants them. */
struct mount_opts
{
  unsigned long flags;       /* MS_* for mount(2) */
  unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* applied in order after the mount */
  int propagation_len;
  uint64_t rec_attr_set;     /* MOUNT_ATTR_* set recursively (rro, rnosuid...) */
  uint64_t rec_attr_clr;     /* MOUNT_ATTR_* cleared recursively (rrw, rsuid...) */
  char *data;                /* unknown options, comma-joined; NULL when none */
  bool tmpcopyup;            /* tmpfs starts with a copy of the directory it covers */
  bool idmap;                /* idmap or ridmap: an id-mapped bind mount */
  bool idmap_recursive;      /* ridmap: the mapping applies to submounts too */
};

/* Split `options` (a mount's options array) into flags, propagation,
 * recursive attributes and filesystem data.  Returns -1 only on a
 * propagation list longer than MOUNT_MAX_PROPAGATION. */
int mount_opts_parse (const oci_strv *options, struct mount_opts *out, ocirun_error_t *err);
void mount_opts_release (struct mount_opts *opts);

/* The MS_* propagation value of one name ("rslave" -> MS_SLAVE|MS_REC),
 * 0 when the name is no propagation mode. */
unsigned long mount_propagation_from_name (const char *name);

/* ---- paths inside the rootfs (safe-path.c) ----------------------------- */

enum path_create { PATH_NO_CREATE, PATH_CREATE_DIR, PATH_CREATE_FILE };

/* Resolve `path` inside the directory `root_fd` as if root_fd were "/"
 * (symlinks and ".." cannot leave it; magic links are refused) and return
 * an O_PATH fd.  With PATH_CREATE_*, missing components are created as
 * directories and the last one as a dir or an empty file.  With
 * no_symlinks, any symlink on the way is an error (ELOOP). */
int path_open_in_root (int root_fd, const char *path, enum path_create create, bool no_symlinks,
                       ocirun_error_t *err);

/* "/proc/self/fd/N" for an fd, in a caller buffer. */
#define PROC_FD_PATH_MAX 32
const char *proc_fd_path (int fd, char buf[PROC_FD_PATH_MAX]);

/* ---- the mount journal (mount-journal.c) -------------------------------
 * Without a mount namespace every mount is recorded before it is made
 * (begin: kind 'R' for the rootfs bind, 'M' for one inside the rootfs;
 * target_fd is the O_PATH fd it will cover) and once made (done: the new
 * mount is looked up at `path` inside root_fd, or at the host path `path`
 * when root_fd < 0).  Both do nothing while no journal is in use. */
void mount_journal_use (int fd);
bool mount_journal_active (void);
int mount_journal_begin (char kind, int target_fd, const char *path, unsigned *seq, ocirun_error_t *err);
int mount_journal_done (unsigned seq, int root_fd, const char *path, ocirun_error_t *err);

/* ---- mounting (mounts.c) ---------------------------------------------- */

/* Mount one config entry inside the rootfs.  `bundle` anchors relative
 * bind sources; `in_userns` picks what the kernel allows there; `has_cgroupns`
 * decides how a cgroup filesystem is shown. */
struct mount_ctx
{
  int root_fd;         /* O_PATH fd of the (bind-mounted) rootfs */
  const char *bundle;
  bool has_cgroupns;
  const char *mount_label; /* linux.mountLabel (include/ocirun/lsm.h), or NULL */
  /* The container's user namespace mapping, for idmap without its own. */
  const oci_id_mapping *uid_mappings, *gid_mappings;
  size_t uid_mappings_len, gid_mappings_len;
};
int mount_entry (const struct mount_ctx *ctx, const oci_mount *m, ocirun_error_t *err);

/* Remount the bind mount at `fd` (an O_PATH fd of a mount's root) with
 * `flags` (MS_RDONLY...), keeping the flags the kernel locks on it
 * (nodev, nosuid, noexec, atime, read from statfs) when it insists. */
int mount_remount_bind (int fd, const char *name, unsigned long flags, ocirun_error_t *err);
/* The same on a path (after pivot_root, where no walk can leave "/"). */
int mount_remount_bind_path (const char *path, unsigned long flags, ocirun_error_t *err);

/* The two kinds of mount, with options already parsed. */
int mount_bind (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                ocirun_error_t *err);
int mount_filesystem (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                      ocirun_error_t *err);

/* "//dev/" is "/dev": compare ignoring repeated and trailing slashes. */
bool path_is (const char *path, const char *want);

/* After mounting on top of `under_fd`, open the new mount at `path` and
 * check it really is a different mount than under_fd's. */
int mount_reopen (int root_fd, const char *path, int under_fd, ocirun_error_t *err);

/* Attach an id-mapped clone of `src` onto the O_PATH fd `target`
 * (mount-idmap.c). */
int mount_bind_idmapped (const struct mount_ctx *ctx, const oci_mount *m, const char *src, int target,
                         const struct mount_opts *opts, ocirun_error_t *err);

/* tmpcopyup: copy what the directory under_fd (taken before the mount)
 * held into the mount at top_fd (tmpcopyup.c). */
int mount_tmpcopyup (int under_fd, int top_fd, const char *dest, ocirun_error_t *err);

/* cgroup / cgroup2 entries (mount-cgroup.c). */
int mount_cgroup (const struct mount_ctx *ctx, const oci_mount *m, const struct mount_opts *opts,
                  ocirun_error_t *err);

/* ---- /dev (devices.c) -------------------------------------------------- */

/* Whether config.mounts binds /dev from the host (then /dev is left as is). */
bool devices_dev_is_bind (const oci_config *config);
/* Default devices, linux.devices (mknod, or a bind of the host's node in
 * a user namespace), /dev/ptmx, the fd symlinks, and an empty
 * /dev/console for a terminal's bind. */
int devices_setup (int root_fd, const oci_config *config, bool in_userns, ocirun_error_t *err);

/* ---- linux.sysctl (sysctl.c) ------------------------------------------ */

/* runc's rules: ipc keys need an ipc namespace, net.* a network one,
 * kernel.domainname a uts one; kernel.hostname and the rest are refused. */
int sysctl_check_key (const oci_config *config, const char *key, ocirun_error_t *err);
int sysctl_validate (const oci_config *config, ocirun_error_t *err);
/* Write them under /proc/sys (the container's, after pivot_root). */
int sysctl_apply (const oci_config *config, ocirun_error_t *err);

/* ---- capabilities (caps.c) --------------------------------------------- */

/* CAP_CHOWN -> 0 ...; -1 when the name is no capability. */
int cap_value_from_name (const char *name);
const char *cap_name_from_value (int value);
int caps_apply_bounding (const oci_capabilities *caps, ocirun_error_t *err);
int caps_apply (const oci_capabilities *caps, ocirun_error_t *err);
/* Tests: act as if /proc/sys/kernel/cap_last_cap said `last` (-1: read
 * it again), to check the rule for capabilities newer than the kernel. */
void caps_override_last_cap (int last);

/* ---- the container's /etc/passwd (user.c) ------------------------------ */

/* Name and home of `uid`; both NULL (and 0 returned) when it has no
 * entry; -1 only when out of memory. */
int user_lookup (uid_t uid, char **name, char **home);

/* ---- process (process.c, sched.c) -------------------------------------- */

/* The value of `name` in an env array ("NAME=value"), NULL when unset. */
const char *env_lookup (const oci_strv *env, const char *name);

/* Find `file` in the colon-separated `path` as execvp would (a name with
 * a slash is used as is).  Returns a malloc'd path, or NULL with errno
 * (ENOENT: not found, EACCES: found but not executable). */
char *path_search (const char *file, const char *path);

/* Parse a CPU list ("0-3,7") into a set; -1 with *err on bad syntax. */
#include <sched.h>
int cpu_list_parse (const char *list, cpu_set_t *set, ocirun_error_t *err);

int sched_apply_scheduler (const oci_scheduler *s, ocirun_error_t *err);
int sched_apply_io_priority (const oci_process *p, ocirun_error_t *err);

#endif
