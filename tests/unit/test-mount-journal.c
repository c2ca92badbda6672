/* The mount journal of containers without a mount namespace: what a
 * crash at each step leaves is undone, and nothing that is not the
 * container's is touched.  Needs root; runs in a private mount namespace
 * of its own (the host's mounts are never touched).  TAP output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "ocirun/utils.h"
#include "src/linux/internal.h"
#include "tests/helpers/tap.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

static char dir[] = "/tmp/test-mount-journal.XXXXXX";
static char rootfs[64], state[64];

static bool
is_mountpoint (const char *path)
{
  struct statx stx;

  return statx (AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 0, &stx) == 0 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static const char *
in_rootfs (const char *rel)
{
  static char buf[128];
  snprintf (buf, sizeof (buf), "%s%s", rootfs, rel);
  return buf;
}

/* A fresh journal in the state dir, in use. */
static int
journal_start (void)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_close int dfd = open (state, O_PATH | O_DIRECTORY | O_CLOEXEC);
  char path[128];
  int fd;

  snprintf (path, sizeof (path), "%s/%s", state, MOUNT_JOURNAL_FILE);
  unlink (path);
  fd = mount_journal_open (dfd, &err);
  mount_journal_use (fd);
  return fd;
}

/* The rootfs bind as rootfs_setup makes it; stop_before_done: a crash
 * between the mount and its id. */
static bool
bind_rootfs (bool stop_before_done)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_close int d = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  unsigned seq;

  if (mount_journal_begin ('R', d, rootfs, &seq, &err) < 0 || mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return false;
  if (!stop_before_done && mount_journal_done (seq, -1, rootfs, &err) < 0)
    return false;
  return mount (NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) == 0;
}

static bool
tmpfs_inside (const char *rel, bool stop_before_done)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_close int root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int target = root < 0 ? -1 : path_open_in_root (root, rel, PATH_CREATE_DIR, false, &err);
  char path[PROC_FD_PATH_MAX];
  unsigned seq;

  if (target < 0 || mount_journal_begin ('M', target, rel, &seq, &err) < 0
      || mount ("tmpfs", proc_fd_path (target, path), "tmpfs", 0, NULL) < 0)
    return false;
  return stop_before_done || mount_journal_done (seq, root, rel, &err) == 0;
}

static int
undo (void)
{
  cleanup_error ocirun_error_t err = NULL;
  mount_journal_use (-1);
  return mount_journal_undo (state, &err);
}

static void
test_round_trip (void)
{
  int fd = journal_start ();

  ok (fd >= 0 && bind_rootfs (false) && tmpfs_inside ("/a", false) && tmpfs_inside ("/a/b", false)
          && tmpfs_inside ("/c", false),
      "journalled: the rootfs bind and three mounts inside");
  close (fd);
  ok (undo () == 0 && !is_mountpoint (rootfs) && !is_mountpoint (in_rootfs ("/a")), "undo: all of them gone");
  ok (undo () == 0, "undo again: nothing left to do, no error");
}

static void
test_crash_windows (void)
{
  int fd = journal_start ();

  /* The host mounted something on the rootfs itself (an overlay, say). */
  ok (mount ("tmpfs", rootfs, "tmpfs", 0, NULL) == 0, "a host mount on the rootfs path");
  mkdir (in_rootfs ("/a"), 0755);
  {
    cleanup_error ocirun_error_t err = NULL;
    cleanup_close int d = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    unsigned seq;
    ok (mount_journal_begin ('R', d, rootfs, &seq, &err) == 0, "crash right after the rootfs bind's record");
  }
  close (fd);
  ok (undo () == 0 && is_mountpoint (rootfs), "undo leaves the host's mount on the rootfs path");

  fd = journal_start ();
  ok (bind_rootfs (true) && tmpfs_inside ("/a", true), "crash between each mount and its id");
  close (fd);
  ok (undo () == 0 && is_mountpoint (rootfs) && !is_mountpoint (in_rootfs ("/a")),
      "undo: the bind and the mount under it gone, the host's mount stays");
  umount2 (rootfs, MNT_DETACH);
}

static void
test_torn_and_covered (void)
{
  int fd = journal_start ();
  char path[128];

  ok (bind_rootfs (false) && tmpfs_inside ("/a", false) && write (fd, "9 M 12", 6) == 6,
      "a journal whose last record is torn");
  close (fd);
  ok (undo () == 0 && !is_mountpoint (rootfs), "the torn record is skipped, the rest undone");

  fd = journal_start ();
  ok (bind_rootfs (false) && mount ("tmpfs", rootfs, "tmpfs", 0, NULL) == 0, "the rootfs bind, covered by another mount");
  close (fd);
  ok (undo () == 0 && is_mountpoint (rootfs), "undo leaves the cover alone");
  umount2 (rootfs, MNT_DETACH);
  umount2 (rootfs, MNT_DETACH);
  snprintf (path, sizeof (path), "%s/%s", state, MOUNT_JOURNAL_FILE);
  unlink (path);
  ok (undo () == 0, "no journal: nothing to undo");
}

int
main (void)
{
  cleanup_error ocirun_error_t err = NULL;

  if (geteuid () != 0 || unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
    {
      skip (13, "needs root and a private mount namespace");
      return tap_done ();
    }
  if (mkdtemp (dir) == NULL)
    return perror ("mkdtemp"), 1;
  snprintf (rootfs, sizeof (rootfs), "%s/rootfs", dir);
  snprintf (state, sizeof (state), "%s/state", dir);
  if (mkdir (rootfs, 0755) < 0 || mkdir (state, 0700) < 0)
    return perror ("mkdir"), 1;
  test_round_trip ();
  test_crash_windows ();
  test_torn_and_covered ();
  remove_tree (dir, &err);
  return tap_done ();
}
