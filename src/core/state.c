/* The state store: <root>/<id>/ holds `state` (key=value lines, replaced
 * atomically), the config.json copied at create, the exec fifo while the
 * container is created, and `exit` once the shim reaped the init. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/linux.h"
#include "ocirun/utils.h"

int
state_validate_id (const char *id, ocirun_error_t *err)
{
  /* runc's charset: letters, digits, '_', '+', '-', '.'.  Unlike runc, no
   * leading dot: "." and ".." would name the root or its parent, and other
   * dot names are ocirun's own files in the root (the seccomp cache), which
   * `list` skips. */
  if (id == NULL || *id == '\0')
    return ocirun_error (err, 0, "invalid container id: it is empty");
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
          || *p == '+' || *p == '-' || *p == '.'))
      return ocirun_error (err, 0, "invalid container id `%s`: only [A-Za-z0-9_+.-] are allowed", id);
  if (id[0] == '.')
    return ocirun_error (err, 0, "invalid container id `%s`: it must not begin with `.`", id);
  return 0;
}

char *
state_dir (const char *root, const char *id)
{
  char *out = NULL;
  if (asprintf (&out, "%s/%s", root, id) < 0)
    return NULL;
  return out;
}

/* Whether the locked directory is still the one at its path: a delete
 * that held the lock meanwhile may have removed it, and a create may
 * have made a new one under the same id since. */
static bool
still_at_path (int fd, const char *dir)
{
  struct stat locked, now;

  return fstat (fd, &locked) == 0 && locked.st_nlink > 0 && stat (dir, &now) == 0 && locked.st_dev == now.st_dev
         && locked.st_ino == now.st_ino;
}

static int
lock_dir (const char *dir, const char *id, int *lock_fd, ocirun_error_t *err)
{
  for (;;)
    {
      int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        return ocirun_error (err, 0, "container `%s` does not exist", id);
      if (fd < 0)
        return ocirun_error (err, errno, "open `%s`", dir);
      FAULT_HOLD ("lock:after-open");
      if (flock (fd, LOCK_EX) < 0)
        {
          close (fd);
          return ocirun_error (err, errno, "lock `%s`", dir);
        }
      if (still_at_path (fd, dir))
        {
          *lock_fd = fd;
          return 0;
        }
      close (fd);
    }
}

#define CREATING_PREFIX ".creating-"

/* Whether `name` is a create's hidden directory left by a create that
 * died before its rename: its pid is gone and nobody holds its lock. */
static bool
creating_dir_is_stale (int root_fd, const char *name)
{
  cleanup_close int fd = -1;
  char *end;
  long pid;

  if (strncmp (name, CREATING_PREFIX, strlen (CREATING_PREFIX)) != 0)
    return false;
  pid = strtol (name + strlen (CREATING_PREFIX), &end, 10);
  if (*end != '\0' || pid <= 0 || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
    return false;
  /* A live create in another pid namespace holds it locked. */
  fd = openat (root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0;
}

void
state_sweep_stale_creating (const char *root)
{
  cleanup_dir DIR *d = opendir (root);
  struct dirent *de;

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    if (creating_dir_is_stale (dirfd (d), de->d_name))
      unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR);
}

/* Made at its path directly, the directory could be taken by a delete
 * before our lock, or removed and made anew by another create between
 * our mkdir and our look at it: two creates then took one directory for
 * their own (seen in concurrency.bats).  Instead it is made under a
 * hidden name of ours (ids never begin with '.'), locked, and renamed
 * into place only if the id is free: it appears at its path locked. */
static int
create_locked_dir (int root_fd, const char *root, const char *id, int *lock_fd, ocirun_error_t *err)
{
  char tmp[64];
  cleanup_close int fd = -1;

  snprintf (tmp, sizeof (tmp), CREATING_PREFIX "%d", (int) getpid ());
  /* A create killed here before, whose pid we now have, left it empty. */
  if (mkdirat (root_fd, tmp, 0711) < 0
      && (errno != EEXIST || unlinkat (root_fd, tmp, AT_REMOVEDIR) < 0 || mkdirat (root_fd, tmp, 0711) < 0))
    return ocirun_error (err, errno, "mkdir `%s/%s`", root, id); /* under a name of ours first */
  FAULT_POINT ("create:before-rename");
  fd = openat (root_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || flock (fd, LOCK_EX) < 0)
    {
      int saved = errno;
      unlinkat (root_fd, tmp, AT_REMOVEDIR);
      return ocirun_error (err, saved, "lock `%s/%s`", root, id);
    }
  FAULT_HOLD ("create:hold-before-rename");
  if (renameat2 (root_fd, tmp, root_fd, id, RENAME_NOREPLACE) < 0)
    {
      int saved = errno;
      unlinkat (root_fd, tmp, AT_REMOVEDIR);
      if (saved == EEXIST)
        return ocirun_error (err, 0, "container `%s` already exists", id);
      return ocirun_error (err, saved, "rename `%s/%s` to `%s`", root, tmp, id);
    }
  *lock_fd = steal_fd (&fd);
  return 0;
}

int
state_create_dir (const char *root, const char *id, char **dir, int *lock_fd, ocirun_error_t *err)
{
  cleanup_free char *d = NULL;
  cleanup_close int root_fd = -1;

  if (state_validate_id (id, err) < 0)
    return -1;
  if (mkdir_p (root, 0700, err) < 0)
    return -1;
  d = state_dir (root, id);
  if (d == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return ocirun_error (err, errno, "open `%s`", root);
  if (create_locked_dir (root_fd, root, id, lock_fd, err) < 0)
    return -1;
  *dir = steal_pointer (&d);
  return 0;
}

int
state_lock (const char *root, const char *id, int *lock_fd, ocirun_error_t *err)
{
  cleanup_free char *d = NULL;

  if (state_validate_id (id, err) < 0)
    return -1;
  d = state_dir (root, id);
  if (d == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  return lock_dir (d, id, lock_fd, err);
}

int
state_save (const struct container_state *st, ocirun_error_t *err)
{
  cleanup_free char *buf = NULL, *path = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);

  if (out == NULL)
    return ocirun_error (err, errno, "allocate");
  fprintf (out, "pid=%d\nstart_time=%" PRIu64 "\nbundle=%s\nrootfs=%s\ncreated=%s\nowner=%s\nhas_process=%d\n",
           (int) st->pid, st->start_time, st->bundle, st->rootfs, st->created, st->owner ? st->owner : "",
           st->has_process);
  if (st->notify_socket)
    fprintf (out, "notify_socket=%s\n", st->notify_socket);
  if (st->creating)
    fprintf (out, "creating=1\n");
  if (st->no_new_keyring)
    fprintf (out, "no_new_keyring=1\n");
  for (char **c = st->cgroups; c && *c; c++)
    fprintf (out, "cgroup=%s\n", *c);
  fclose (out);
  if (asprintf (&path, "%s/%s", st->dir, STATE_FILE) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return write_file_atomic (path, buf, len, 0600, err);
}

/* Changes after the first save are appended to the same file, one
 * write(2) each, instead of replacing it: a replacement costs a new inode,
 * and on a no-journal ext4 --root each new inode is a scan past the
 * inodes deleted in the last minute (0.5 ms and more per container when
 * containers come and go).  The last value of a key wins; a reader sees
 * an appended line whole or, while the write is under way across a page
 * boundary, a last line without its newline, which state_parse drops. */
int
state_append (const char *dir, const char *lines, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  size_t len = strlen (lines);
  ssize_t n;

  if (asprintf (&path, "%s/%s", dir, STATE_FILE) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirun_error (err, errno, "open `%s`", path);
  do
    n = write (fd, lines, len);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) len)
    return ocirun_error (err, n < 0 ? errno : EIO, "append to `%s`", path);
  return 0;
}

static int
strv_append (char ***v, const char *s)
{
  size_t n = 0;
  char **grown;

  while (*v && (*v)[n])
    n++;
  grown = realloc (*v, (n + 2) * sizeof (char *));
  if (grown == NULL)
    return -1;
  grown[n] = strdup (s);
  grown[n + 1] = NULL;
  *v = grown;
  return grown[n] ? 0 : -1;
}

static int
state_parse_line (struct container_state *st, const char *key, const char *value)
{
  char **str = NULL;

  if (strcmp (key, "pid") == 0)
    st->pid = atoi (value);
  else if (strcmp (key, "start_time") == 0)
    st->start_time = strtoull (value, NULL, 10);
  else if (strcmp (key, "has_process") == 0)
    st->has_process = atoi (value) != 0;
  else if (strcmp (key, "creating") == 0)
    st->creating = atoi (value) != 0;
  else if (strcmp (key, "no_new_keyring") == 0)
    st->no_new_keyring = atoi (value) != 0;
  else if (strcmp (key, "cgroup") == 0)
    return strv_append (&st->cgroups, value);
  else if (strcmp (key, "bundle") == 0)
    str = &st->bundle;
  else if (strcmp (key, "rootfs") == 0)
    str = &st->rootfs;
  else if (strcmp (key, "created") == 0)
    str = &st->created;
  else if (strcmp (key, "owner") == 0)
    str = &st->owner;
  else if (strcmp (key, "exited") == 0)
    str = &st->exited;
  else if (strcmp (key, "notify_socket") == 0)
    str = &st->notify_socket;
  else if (strcmp (key, "status") == 0)
    {
      st->has_exit = true;
      st->exit_status = atoi (value);
    }
  if (str == NULL)
    return 0;
  free (*str);
  *str = strdup (value);
  return *str ? 0 : -1;
}

static int
state_parse (struct container_state *st, char *data, ocirun_error_t *err)
{
  char *save = NULL, *last_newline = strrchr (data, '\n');

  /* An append still under way (state_append): its line is not whole. */
  if (last_newline)
    last_newline[1] = '\0';
  else
    *data = '\0';
  for (char *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      if (state_parse_line (st, line, eq + 1) < 0)
        return ocirun_error (err, ENOMEM, "allocate");
    }
  return 0;
}

pid_t
state_text_pid (char *data)
{
  struct container_state st = { 0 };
  ocirun_error_t err = NULL;
  pid_t pid = state_parse (&st, data, &err) < 0 ? 0 : st.pid;

  ocirun_error_release (&err);
  state_release (&st);
  return pid;
}

int
state_load (const char *root, const char *id, struct container_state *st, ocirun_error_t *err)
{
  cleanup_free char *path = NULL, *data = NULL, *exit_data = NULL;

  memset (st, 0, sizeof (*st));
  if (state_validate_id (id, err) < 0)
    return -1;
  st->id = strdup (id);
  st->dir = state_dir (root, id);
  if (st->id == NULL || st->dir == NULL || asprintf (&path, "%s/%s", st->dir, STATE_FILE) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (read_file (path, &data, NULL, err) < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      ocirun_error_release (err);
      return ocirun_error (err, 0, "container `%s` does not exist", id);
    }
  if (state_parse (st, data, err) < 0)
    return -1;
  free (path);
  if (asprintf (&path, "%s/%s", st->dir, EXIT_FILE) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (read_file (path, &exit_data, NULL, err) < 0)
    {
      /* No exit recorded (yet, or no shim): not an error. */
      ocirun_error_release (err);
      return 0;
    }
  return state_parse (st, exit_data, err);
}

void
state_release (struct container_state *st)
{
  free (st->dir);
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->exited);
  free (st->notify_socket);
  ocirun_strv_freep (&st->cgroups);
  memset (st, 0, sizeof (*st));
}

enum container_status
state_status (const struct container_state *st)
{
  char path[4096];
  uint64_t start_time;
  bool zombie;

  /* A create in progress, or one killed before it finished: its init
   * (when already recorded) may live on until `delete --force`. */
  if (st->creating && st->pid <= 0)
    return STATUS_CREATING;
  if (st->pid <= 0 || proc_start_time (st->pid, &start_time, &zombie) < 0 || start_time != st->start_time || zombie)
    return STATUS_STOPPED;
  if (st->creating)
    return STATUS_CREATING;
  /* As runc: a frozen cgroup is "paused" whether or not it was started. */
  if (cgroup_is_frozen (st->cgroups))
    return STATUS_PAUSED;
  snprintf (path, sizeof (path), "%s/%s", st->dir, FIFO_FILE);
  if (access (path, F_OK) == 0)
    return STATUS_CREATED;
  return STATUS_RUNNING;
}

const char *
state_status_name (enum container_status s)
{
  switch (s)
    {
    case STATUS_CREATING: return "creating";
    case STATUS_CREATED: return "created";
    case STATUS_RUNNING: return "running";
    case STATUS_PAUSED: return "paused";
    default: return "stopped";
    }
}

int
state_record_exit (const char *dir, int wait_status)
{
  char path[4096], buf[256], when[64];
  cleanup_close int lock = -1;
  int code, len;
  ocirun_error_t err = NULL;

  /* Under the container's lock: a concurrent delete either finishes first
   * (the directory is gone and the write fails) or waits for us. */
  lock = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock < 0 || flock (lock, LOCK_EX) < 0)
    return -1;
  code = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  format_rfc3339_nano (when, sizeof (when));
  len = snprintf (buf, sizeof (buf), "status=%d\nexited=%s\n", code, when);
  snprintf (path, sizeof (path), "%s/%s", dir, EXIT_FILE);
  if (write_file_atomic (path, buf, len, 0600, &err) < 0)
    {
      /* The container was deleted meanwhile: nobody to tell. */
      ocirun_error_release (&err);
      return -1;
    }
  return 0;
}

int
state_remove (const char *dir, ocirun_error_t *err)
{
  /* The mounts of a container without a mount namespace go with it; if
   * they cannot, the state dir (and its journal) stays for a new try. */
  if (mount_journal_undo (dir, err) < 0)
    return -1;
  return remove_tree (dir, err);
}
