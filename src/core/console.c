/* `run` in the foreground with process.terminal and no --console-socket:
 * ocirun itself receives the pty master and copies between it and its
 * own stdio, as runc does (raw mode on a terminal, window size kept). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

int
console_recv_master (int sock, ocirun_error_t *err)
{
  char data[64], control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof (data) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                        .msg_controllen = sizeof (control) };
  struct cmsghdr *cmsg;
  int fd;

  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return ocirun_error (err, errno, "receive the pty master");
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    return ocirun_error (err, 0, "no pty master received from the container");
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (fd));
  return fd;
}

void
console_resize (struct console_proxy *p)
{
  struct winsize ws;

  if (p->master >= 0 && ioctl (0, TIOCGWINSZ, &ws) == 0)
    ioctl (p->master, TIOCSWINSZ, &ws);
}

void
console_proxy_start (struct console_proxy *p, int master)
{
  struct termios raw;

  p->master = master;
  p->raw = false;
  if (tcgetattr (0, &p->saved) == 0)
    {
      raw = p->saved;
      cfmakeraw (&raw);
      p->raw = tcsetattr (0, TCSANOW, &raw) == 0;
      console_resize (p);
    }
}

static int
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof (buf));

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  if (n <= 0)
    return -1; /* EIO on the master: the container closed its side */
  return write_all (to, buf, n);
}

/* Returns -1 once the master is done. */
int
console_proxy_io (struct console_proxy *p, short stdin_events, short master_events)
{
  if (stdin_events & (POLLIN | POLLHUP))
    if (copy_once (0, p->master) < 0)
      p->stdin_closed = true;
  if (master_events & (POLLIN | POLLHUP | POLLERR))
    return copy_once (p->master, 1);
  return 0;
}

void
console_proxy_stop (struct console_proxy *p)
{
  if (p->master >= 0)
    {
      /* Whatever the container wrote last. */
      while (copy_once (p->master, 1) == 0)
        {
          struct pollfd pf = { .fd = p->master, .events = POLLIN };
          if (poll (&pf, 1, 0) <= 0)
            break;
        }
      close (p->master);
    }
  p->master = -1;
  if (p->raw)
    tcsetattr (0, TCSANOW, &p->saved);
  p->raw = false;
}

/* A connected --console-socket (close-on-exec). */
static int
console_socket_connect (const char *path, ocirun_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof (addr.sun_path))
    return ocirun_error (err, 0, "console socket path `%s` is too long", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirun_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return ocirun_error (err, errno, "connect to console socket `%s`", path);
  return steal_fd (&fd);
}

int
console_channel_open (const char *socket_path, int *fd, int *peer, ocirun_error_t *err)
{
  int sv[2];

  if (socket_path)
    {
      *fd = console_socket_connect (socket_path, err);
      return *fd < 0 ? -1 : 0;
    }
  /* Foreground: the pty master comes to us (console_recv_master). */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirun_error (err, errno, "create the console socketpair");
  *peer = sv[0];
  *fd = sv[1];
  return 0;
}
