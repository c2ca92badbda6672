/* linux.seccomp around the init (the order is in include/ocirun/seccomp.h):
 * compiled here before the clone; loaded by the init through
 * process_security_apply; a NOTIFY listener taken from the init with
 * pidfd_getfd and passed on to the seccomp agent. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "ocirun/seccomp.h"
#include "ocirun/utils.h"

#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int
seccomp_setup_build (const oci_config *config, const char *root, struct seccomp_compiled **out, ocirun_error_t *err)
{
  const oci_seccomp *s = config->linux ? config->linux->seccomp : NULL;
  cleanup_free char *cache = NULL;

  *out = NULL;
  if (s == NULL)
    return 0;
  if (!s->has_default_action)
    {
      ocirun_debug ("linux.seccomp has no defaultAction and no syscalls: no filter (as runc)");
      return 0;
    }
  if (asprintf (&cache, "%s/.seccomp-cache", root) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  return seccomp_filter_build_cached (s, cache, out, err);
}

static int
send_to_agent (int listener, const oci_seccomp *s, const oci_state *state, ocirun_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len;

  if (oci_state_generate (state, &json, &len, err) < 0)
    return -1;
  return seccomp_notify_send (s->listener_path, s->listener_metadata, listener, json, err);
}

int
seccomp_setup_take_listener (int sync_fd, pid_t pid, uint64_t start_time, int fd_number, const oci_seccomp *s,
                             const oci_state *state, ocirun_error_t *err)
{
  cleanup_close int pidfd = pidfd_open_checked (pid, start_time);
  cleanup_close int listener = -1;

  if (pidfd < 0)
    return ocirun_error (err, errno, "open a pidfd for the init (pid %d)", (int) pid);
  listener = syscall (SYS_pidfd_getfd, pidfd, fd_number, 0);
  if (listener < 0)
    return ocirun_error (err, errno, "copy the seccomp listener (fd %d) from the init (pid %d)", fd_number, (int) pid);
  /* Ack first: once the agent has the fd the init may block in a
   * NOTIFY'd syscall, which is fine, but not in our sync read. */
  if (sync_send (sync_fd, SYNC_SECCOMP_ACK, 0, err) < 0)
    return -1;
  return send_to_agent (listener, s, state, err);
}
