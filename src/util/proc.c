/* Process identity: pid plus start time, so a reused pid is never taken
 * for our process, and pidfds opened only after that check. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

int
proc_start_time (pid_t pid, uint64_t *start_time, bool *zombie)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;

  snprintf (path, sizeof (path), "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        errno = ESRCH;
      return -1;
    }
  n = read (fd, buf, sizeof (buf) - 1);
  if (n <= 0)
    {
      errno = ESRCH;
      return -1;
    }
  buf[n] = '\0';
  /* comm may contain spaces and parens: fields restart after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] == '\0')
    {
      errno = EINVAL;
      return -1;
    }
  p += 2;
  if (zombie)
    *zombie = (*p == 'Z' || *p == 'X');
  /* p is at field 3 (state); the start time is field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        {
          errno = EINVAL;
          return -1;
        }
      p++;
    }
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

/* A pidfd for `pid` that is known to name the process started at
 * `start_time`: the check runs after the open, so the pidfd cannot refer
 * to a later process that reused the pid.  -1 with errno ESRCH if gone. */
int
pidfd_open_checked (pid_t pid, uint64_t start_time)
{
  uint64_t now;
  bool zombie;
  int fd;

  fd = syscall (SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return -1;
  if (proc_start_time (pid, &now, &zombie) < 0 || now != start_time || zombie)
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

int
pidfd_send (int pidfd, int sig)
{
  return syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}
