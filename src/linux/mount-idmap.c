/* ID-mapped bind mounts (a mount's uidMappings/gidMappings, options idmap
 * and ridmap): the source tree is cloned detached (open_tree), given the
 * mapping of a user namespace made just for it (mount_setattr
 * MOUNT_ATTR_IDMAP) and attached onto the resolved destination fd
 * (move_mount), so it is never reachable unmapped. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"

/* `proc_pid` is the helper's pid as the host's /proc (still mounted
 * before pivot_root) names it, which differs from fork's return value
 * inside a new pid namespace. */
static int
write_map (const char *proc_pid, const char *file, const oci_id_mapping *map, size_t len, ocirun_error_t *err)
{
  cleanup_free char *buf = NULL;
  cleanup_free char *path = NULL;
  cleanup_file FILE *mem = NULL;
  cleanup_close int fd = -1;
  size_t size = 0;

  mem = open_memstream (&buf, &size);
  if (mem == NULL || asprintf (&path, "/proc/%s/%s", proc_pid, file) < 0)
    return ocirun_error (err, ENOMEM, "id mapping");
  for (size_t i = 0; i < len; i++)
    fprintf (mem, "%u %u %u\n", map[i].container_id, map[i].host_id, map[i].size);
  fclose (mem);
  mem = NULL;
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, buf, size) != (ssize_t) size)
    return ocirun_error (err, errno, "write `%s`", path);
  return 0;
}

/* The helper: a user namespace of its own, then its /proc name on the
 * pipe, then wait to be killed. */
static void __attribute__ ((noreturn))
userns_helper (int ready)
{
  char self[32];
  ssize_t n;

  if (unshare (CLONE_NEWUSER) < 0)
    _exit (1);
  n = readlink ("/proc/self", self, sizeof (self) - 1);
  if (n <= 0 || write (ready, self, n) != n)
    _exit (1);
  close (ready);
  for (;;)
    pause ();
}

/* A user namespace holding the mapping: a child unshares one and waits
 * while we write its maps and open it; then it is killed. */
static int
userns_with_maps (const oci_id_mapping *uids, size_t uids_len, const oci_id_mapping *gids, size_t gids_len,
                  ocirun_error_t *err)
{
  int ready[2], fd = -1;
  char proc_pid[32], path[64];
  ssize_t n;
  pid_t pid;

  if (pipe2 (ready, O_CLOEXEC) < 0)
    return ocirun_error (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (ready[0]);
      close (ready[1]);
      return ocirun_error (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (ready[0]);
      userns_helper (ready[1]);
    }
  close (ready[1]);
  n = read (ready[0], proc_pid, sizeof (proc_pid) - 1);
  if (n <= 0)
    ocirun_error (err, 0, "the helper for an id-mapped mount failed to make a user namespace");
  else
    {
      proc_pid[n] = '\0';
      if (write_map (proc_pid, "uid_map", uids, uids_len, err) == 0
          && write_map (proc_pid, "gid_map", gids, gids_len, err) == 0)
        {
          snprintf (path, sizeof (path), "/proc/%s/ns/user", proc_pid);
          fd = open (path, O_RDONLY | O_CLOEXEC);
          if (fd < 0)
            ocirun_error (err, errno, "open `%s`", path);
        }
    }
  close (ready[0]);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return fd;
}

int
mount_bind_idmapped (const struct mount_ctx *ctx, const oci_mount *m, const char *src, int target,
                     const struct mount_opts *opts, ocirun_error_t *err)
{
  const oci_id_mapping *uids = m->uid_mappings, *gids = m->gid_mappings;
  size_t uids_len = m->uid_mappings_len, gids_len = m->gid_mappings_len;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
  cleanup_close int userns = -1;
  cleanup_close int tree = -1;

  /* idmap without its own mapping takes the container's. */
  if (uids_len == 0 && gids_len == 0)
    {
      uids = ctx->uid_mappings, uids_len = ctx->uid_mappings_len;
      gids = ctx->gid_mappings, gids_len = ctx->gid_mappings_len;
    }
  if (uids_len == 0 || gids_len == 0)
    return ocirun_error (err, 0, "id-mapped mount on `%s` needs uidMappings and gidMappings", m->destination);
  userns = userns_with_maps (uids, uids_len, gids, gids_len, err);
  if (userns < 0)
    return -1;
  attr.userns_fd = userns;
  tree = open_tree (AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((opts->flags & MS_REC) ? AT_RECURSIVE : 0));
  if (tree < 0)
    return ocirun_error (err, errno, "clone the mount of `%s`", src);
  if (mount_setattr (tree, "", AT_EMPTY_PATH | (opts->idmap_recursive ? AT_RECURSIVE : 0), &attr, sizeof (attr)) < 0)
    return ocirun_error (err, errno, "id-map the mount of `%s`", src);
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return ocirun_error (err, errno, "attach the id-mapped mount of `%s` on `%s`", src, m->destination);
  return 0;
}
