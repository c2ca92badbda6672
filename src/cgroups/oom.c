/* OOM notifications for `events`: on v1 an eventfd registered on
 * memory.oom_control through cgroup.event_control (it fires on every OOM
 * of the cgroup, and once more when the cgroup goes away); on v2 an
 * inotify watch on memory.events, whose oom_kill counter tells. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "resources.h"
#include "stats.h"

static int
watch_v1 (const char *dir, int *fd, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int efd = -1, ofd = -1;

  if (asprintf (&path, "%s/memory.oom_control", dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  ofd = open (path, O_RDONLY | O_CLOEXEC);
  if (ofd < 0)
    return ocirun_error (err, errno, "open `%s`", path);
  efd = eventfd (0, EFD_CLOEXEC);
  if (efd < 0)
    return ocirun_error (err, errno, "eventfd");
  if (cgroup_writef (dir, "cgroup.event_control", err, "%d %d", efd, ofd) < 0)
    return -1;
  /* The registration lives as long as the eventfd: ofd may go. */
  *fd = steal_fd (&efd);
  return 0;
}

static int
watch_v2 (const char *dir, int *fd, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);

  if (ifd < 0)
    return ocirun_error (err, errno, "inotify_init1");
  if (asprintf (&path, "%s/memory.events", dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (inotify_add_watch (ifd, path, IN_MODIFY) < 0)
    return ocirun_error (err, errno, "watch `%s`", path);
  *fd = steal_fd (&ifd);
  return 0;
}

int
cgroup_oom_watch (char **dirs, int *fd, uint64_t *count, ocirun_error_t *err)
{
  const char *dir;
  bool v2;

  if (cgroup_require_controller (dirs, "memory", "OOM notifications", &dir, &v2, err) < 0)
    return -1;
  *count = v2 ? stats_keyed (dir, "memory.events", "oom_kill") : 0;
  return v2 ? watch_v2 (dir, fd, err) : watch_v1 (dir, fd, err);
}

int
cgroup_oom_check (char **dirs, int fd, uint64_t *count, bool *oom, ocirun_error_t *err)
{
  char buf[4096];
  const char *dir;
  bool v2;
  uint64_t now;

  *oom = false;
  if (cgroup_controller_dir (dirs, "memory", &dir, &v2, err) < 0)
    return -1;
  /* Drain the readiness. */
  while (read (fd, buf, sizeof (buf)) < 0 && errno == EINTR)
    ;
  if (dir == NULL || !cgroup_file_exists (dir, v2 ? "memory.events" : "memory.oom_control"))
    return 0; /* the cgroup is gone: that is not an OOM */
  if (!v2)
    {
      *oom = true;
      return 0;
    }
  now = stats_keyed (dir, "memory.events", "oom_kill");
  *oom = now > *count;
  *count = now;
  return 0;
}
