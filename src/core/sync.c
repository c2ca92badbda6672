/* The sync channel: a SOCK_SEQPACKET pair, so every message arrives whole
 * and the peer going away reads as end-of-file.  An error inside the
 * container travels as SYNC_ERROR + ocirun_error_to_buf's text. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

#define SYNC_MAX 4096

int
sync_pair (int fds[2], ocirun_error_t *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return ocirun_error (err, errno, "create sync socketpair");
  return 0;
}

static int
send_msg (int fd, const struct sync_msg *m, const char *payload, int plen)
{
  char buf[SYNC_MAX];
  ssize_t n;

  memcpy (buf, m, sizeof (*m));
  if (plen > (int) (sizeof (buf) - sizeof (*m)))
    plen = sizeof (buf) - sizeof (*m);
  if (plen > 0)
    memcpy (buf + sizeof (*m), payload, plen);
  do
    n = send (fd, buf, sizeof (*m) + plen, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

int
sync_send (int fd, enum sync_type type, pid_t pid, ocirun_error_t *err)
{
  struct sync_msg m = { .type = type, .pid = pid };

  if (send_msg (fd, &m, NULL, 0) < 0)
    return ocirun_error (err, errno, "send sync message %d", (int) type);
  return 0;
}

int
sync_send_error (int fd, ocirun_error_t error)
{
  struct sync_msg m = { .type = SYNC_ERROR };
  char text[SYNC_MAX - sizeof (m)];
  int len = ocirun_error_to_buf (error, text, sizeof (text));

  return send_msg (fd, &m, text, len < 0 ? 0 : len);
}

int
sync_recv (int fd, struct sync_msg *msg, ocirun_error_t *err)
{
  char buf[SYNC_MAX];
  ssize_t n;

  do
    n = recv (fd, buf, sizeof (buf), 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return ocirun_error (err, errno, "read from the container's init");
  if (n == 0)
    return ocirun_error (err, 0, "the container's init exited during setup");
  if (n < (ssize_t) sizeof (*msg))
    return ocirun_error (err, 0, "short sync message (%zd bytes)", n);
  memcpy (msg, buf, sizeof (*msg));
  if (msg->type == SYNC_ERROR)
    return ocirun_error_from_buf (err, buf + sizeof (*msg), n - sizeof (*msg));
  return 0;
}

int
sync_expect (int fd, enum sync_type type, struct sync_msg *msg, ocirun_error_t *err)
{
  struct sync_msg local;

  if (msg == NULL)
    msg = &local;
  if (sync_recv (fd, msg, err) < 0)
    return -1;
  if (msg->type != type)
    return ocirun_error (err, 0, "unexpected sync message %u (expected %d)", msg->type, (int) type);
  return 0;
}
