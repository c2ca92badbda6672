/* The mounts a container without a mount namespace makes in the runtime's
 * (the host's) one.  The spec makes such a container inherit our mount
 * namespace, so its rootfs bind, config.mounts, device binds and
 * /dev/console are host mounts, and nothing tears them down when its
 * processes die: every one is written to a journal in the state dir
 * BEFORE it is made (a create killed between the two still leaves the
 * record), its mount id once it exists, and `delete` (state_remove, also
 * on a failed create) undoes them newest first.
 *
 * Records are NUL-terminated:
 *   "<seq> R <under-id> <absolute rootfs path>"   the rootfs bind (seq 0)
 *   "<seq> M <under-id> <path inside the rootfs>"  any other mount
 *   "<seq> = <mount-id>"                           record <seq> was made
 * <under-id> is the mount the target sat on before, <mount-id> the new
 * mount's (unique ids where the kernel has them, within one boot). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"
#include "src/linux/internal.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

/* The init is one thread making its mounts in order: one journal per
 * process, set by rootfs_setup, saves passing it through every helper
 * that mounts (config.mounts, devices, the console). */
static int journal_fd = -1;
static unsigned journal_seq;

void
mount_journal_use (int fd)
{
  journal_fd = fd;
  journal_seq = 0;
}

bool
mount_journal_active (void)
{
  return journal_fd >= 0;
}

/* The id of the mount `fd` is on, and whether fd is that mount's root. */
static int
mount_id_of (int fd, uint64_t *id, bool *is_root)
{
  struct statx stx;

  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE | STATX_MNT_ID, &stx) < 0)
    return -1;
  if ((stx.stx_mask & (STATX_MNT_ID_UNIQUE | STATX_MNT_ID)) == 0)
    {
      errno = ENOTSUP;
      return -1;
    }
  *id = stx.stx_mnt_id;
  if (is_root)
    *is_root = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  return 0;
}

static int
journal_write (const char *record, ocirun_error_t *err)
{
  /* One write per record with O_APPEND: a crash leaves whole records. */
  if (write_all (journal_fd, record, strlen (record) + 1) < 0)
    return ocirun_error (err, errno, "write the mount journal");
  return 0;
}

int
mount_journal_begin (char kind, int target_fd, const char *path, unsigned *seq, ocirun_error_t *err)
{
  cleanup_free char *record = NULL;
  uint64_t under;

  if (journal_fd < 0)
    return 0;
  if (mount_id_of (target_fd, &under, NULL) < 0)
    return ocirun_error (err, errno, "mount id of `%s`", path);
  *seq = journal_seq++;
  if (asprintf (&record, "%u %c %" PRIu64 " %s", *seq, kind, under, path) < 0)
    return ocirun_error (err, ENOMEM, "mount journal record");
  return journal_write (record, err);
}

/* root_fd < 0: `path` is the rootfs itself, a host path. */
int
mount_journal_done (unsigned seq, int root_fd, const char *path, ocirun_error_t *err)
{
  cleanup_close int fd = -1;
  char record[64];
  uint64_t id;

  if (journal_fd < 0)
    return 0;
  if (root_fd < 0)
    fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    fd = path_open_in_root (root_fd, path, PATH_NO_CREATE, false, err);
  if (fd < 0)
    return root_fd < 0 ? ocirun_error (err, errno, "open `%s`", path) : -1;
  if (mount_id_of (fd, &id, NULL) < 0)
    return ocirun_error (err, errno, "mount id of `%s`", path);
  snprintf (record, sizeof (record), "%u = %" PRIu64, seq, id);
  return journal_write (record, err);
}

int
mount_journal_open (int dir_fd, ocirun_error_t *err)
{
  int fd = openat (dir_fd, MOUNT_JOURNAL_FILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    return ocirun_error (err, errno, "open the mount journal `%s`", MOUNT_JOURNAL_FILE);
  return fd;
}

/* ---- undo ------------------------------------------------------------- */

struct journal_entry
{
  char kind;        /* 'R', 'M'; 0: no such record */
  uint64_t under;   /* the mount the target sat on */
  uint64_t own;     /* the new mount; 0: not known (a crash in between) */
  const char *path; /* points into the journal's text */
};

/* Parse the records of `text` (len bytes) into entries[seq]; a torn or
 * unknown record is skipped: what it names is still under the rootfs
 * bind, which goes last with everything below it. */
static size_t
journal_parse (char *text, size_t len, struct journal_entry *entries, size_t max)
{
  size_t n = 0;

  for (char *rec = text; rec < text + len; rec += strlen (rec) + 1)
    {
      unsigned seq;
      char kind;
      uint64_t id;
      int off = 0;

      if (sscanf (rec, "%u = %" SCNu64 "%n", &seq, &id, &off) == 2 && off > 0 && rec[off] == '\0')
        {
          if (seq < max)
            entries[seq].own = id;
        }
      else if (sscanf (rec, "%u %c %" SCNu64 " %n", &seq, &kind, &id, &off) == 3 && off > 0 && seq < max
               && (kind == 'R' || kind == 'M'))
        {
          entries[seq] = (struct journal_entry) { .kind = kind, .under = id, .path = rec + off };
          if (seq + 1 > n)
            n = seq + 1;
        }
    }
  return n;
}

static int
detach (int fd, const char *what, ocirun_error_t *err)
{
  char path[PROC_FD_PATH_MAX];

  /* Through the fd: the path that led to it is never walked again. */
  if (umount2 (proc_fd_path (fd, path), MNT_DETACH) < 0 && errno != EINVAL)
    return ocirun_error (err, errno, "unmount `%s`", what);
  return 0;
}

/* A mount made inside the rootfs: found from the rootfs bind without
 * leaving it, and detached only when it is ours -- the recorded mount, or
 * with no id recorded, whatever covers the directory now (anything
 * mounted under our bind is the container's). */
static int
undo_inside (int root_fd, uint64_t root_id, const struct journal_entry *e, ocirun_error_t *err)
{
  cleanup_error ocirun_error_t ignored = NULL;
  cleanup_close int fd = path_open_in_root (root_fd, e->path, PATH_NO_CREATE, false, &ignored);
  uint64_t id;
  bool is_root;

  if (fd < 0 || mount_id_of (fd, &id, &is_root) < 0)
    return 0;
  if (!is_root || id == root_id || id == e->under || (e->own && id != e->own))
    return 0;
  return detach (fd, e->path, err);
}

/* The rootfs bind, when it is still the top mount at the rootfs path;
 * -1 with errno ENOENT when there is nothing of ours to undo. */
static int
open_our_rootfs (const struct journal_entry *r, uint64_t *root_id)
{
  int fd = open (r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  bool is_root = false;

  *root_id = r->under;
  if (fd < 0)
    return -1;
  if (mount_id_of (fd, root_id, &is_root) == 0 && is_root && *root_id != r->under
      && (r->own == 0 || *root_id == r->own))
    return fd;
  /* Not a mount root, or the mount we bound onto: the bind is gone. */
  if (is_root && *root_id != r->under)
    ocirun_warn ("the rootfs bind of `%s` is covered by another mount: left in place", r->path);
  close (fd);
  errno = ENOENT;
  return -1;
}

static int
journal_undo_entries (const struct journal_entry *entries, size_t n, ocirun_error_t *err)
{
  cleanup_close int root_fd = -1;
  uint64_t root_id;

  if (n == 0 || entries[0].kind != 'R')
    return 0;
  root_fd = open_our_rootfs (&entries[0], &root_id);
  if (root_fd < 0)
    return 0;
  /* Newest first: a later mount may sit on an earlier one's directory. */
  for (size_t i = n; i-- > 1;)
    if (entries[i].kind == 'M' && undo_inside (root_fd, root_id, &entries[i], err) < 0)
      return -1;
  /* MNT_DETACH takes the whole tree: also what the container mounted. */
  return detach (root_fd, entries[0].path, err);
}

int
mount_journal_undo (const char *state_dir, ocirun_error_t *err)
{
  cleanup_free char *path = NULL, *text = NULL;
  cleanup_free struct journal_entry *entries = NULL;
  size_t len, max;

  if (asprintf (&path, "%s/%s", state_dir, MOUNT_JOURNAL_FILE) < 0)
    return ocirun_error (err, ENOMEM, "mount journal path");
  if (access (path, F_OK) < 0 && errno == ENOENT)
    return 0;
  if (read_file (path, &text, &len, err) < 0)
    return -1;
  /* Each record takes at least 2 bytes: that many entries at most. */
  max = len / 2 + 1;
  entries = calloc (max, sizeof (*entries));
  if (entries == NULL)
    return ocirun_error (err, ENOMEM, "mount journal");
  return journal_undo_entries (entries, journal_parse (text, len, entries, max), err);
}
