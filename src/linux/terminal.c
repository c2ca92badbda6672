/* process.terminal: a pty allocated inside the container's devpts, its
 * master handed to whoever listens on --console-socket (conmon, containerd
 * or `recvtty`) as SCM_RIGHTS ancillary data, its slave made the
 * controlling terminal and stdio of the container's process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "src/linux/internal.h"

/* The message body is the slave's name, as runc sends it; receivers only
 * look at the fd in the ancillary data. */
static int
send_fd (int sock, int fd, const char *name, ocirun_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen (name) };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof (control.buf),
  };
  struct cmsghdr *cmsg;

  memset (&control, 0, sizeof (control));
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return ocirun_error (err, errno, "send the pty master over the console socket");
  return 0;
}

static int
open_pty (int *master, char **slave_name, ocirun_error_t *err)
{
  char name[64];

  *master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    return ocirun_error (err, errno, "open `/dev/pts/ptmx`");
  if (unlockpt (*master) < 0)
    return ocirun_error (err, errno, "unlockpt");
  if (ptsname_r (*master, name, sizeof (name)) != 0)
    return ocirun_error (err, errno, "ptsname");
  *slave_name = strdup (name);
  if (*slave_name == NULL)
    return ocirun_error (err, ENOMEM, "ptsname");
  return 0;
}

static int
make_controlling (int slave, const oci_process *process, ocirun_error_t *err)
{
  if (process->has_console_size)
    {
      struct winsize ws = { .ws_row = process->console_height, .ws_col = process->console_width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return ocirun_error (err, errno, "set the console size");
    }
  /* Already a session leader (the core may have made us one) is fine. */
  if (setsid () < 0 && getsid (0) != getpid ())
    return ocirun_error (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return ocirun_error (err, errno, "make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return ocirun_error (err, errno, "dup2 the pty to fd %d", fd);
  return 0;
}

static int
bind_console (const char *slave_name, ocirun_error_t *err)
{
  struct stat st;

  /* rootfs_setup made the mount point unless /dev came from the host. */
  if (stat ("/dev/console", &st) < 0)
    {
      int fd = open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        return ocirun_error (err, errno, "create `/dev/console`");
      close (fd);
    }
  if (mount (slave_name, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return ocirun_error (err, errno, "bind mount `%s` on `/dev/console`", slave_name);
  return 0;
}

/* Without a mount namespace the bind is a host mount: journalled. */
static int
bind_console_journalled (const char *slave_name, ocirun_error_t *err)
{
  cleanup_close int root = -1, target = -1;
  unsigned seq = 0;

  if (!mount_journal_active ())
    return bind_console (slave_name, err);
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return ocirun_error (err, errno, "open `/`");
  target = path_open_in_root (root, "/dev/console", PATH_CREATE_FILE, false, err);
  if (target < 0 || mount_journal_begin ('M', target, "/dev/console", &seq, err) < 0
      || bind_console (slave_name, err) < 0)
    return -1;
  return mount_journal_done (seq, root, "/dev/console", err);
}

static int
open_send_attach (const oci_process *process, int console_fd, bool console, ocirun_error_t *err)
{
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  cleanup_free char *slave_name = NULL;

  if (open_pty (&master, &slave_name, err) < 0)
    return -1;
  slave = open (slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return ocirun_error (err, errno, "open `%s`", slave_name);
  if (console && bind_console_journalled (slave_name, err) < 0)
    return -1;
  if (send_fd (console_fd, master, slave_name, err) < 0)
    return -1;
  return make_controlling (slave, process, err);
}

int
terminal_setup (const oci_process *process, int console_fd, ocirun_error_t *err)
{
  return open_send_attach (process, console_fd, true, err);
}

int
terminal_attach (const oci_process *process, int console_fd, ocirun_error_t *err)
{
  return open_send_attach (process, console_fd, false, err);
}
