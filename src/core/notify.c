/* NOTIFY_SOCKET (sd_notify), as runc: the container gets a socket of ours
 * at /run/notify/notify.sock (its directory bind-mounted read-only), and
 * once the process sends READY=1 ocirun relays READY=1 and MAINPID to the
 * socket named by the caller's NOTIFY_SOCKET. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"

#define NOTIFY_DIR "notify"
#define NOTIFY_IN_CONTAINER "/run/notify"

static int
strv_push (oci_strv *v, const char *s)
{
  char **items = realloc (v->items, (v->len + 2) * sizeof (char *));

  if (items == NULL)
    return -1;
  v->items = items;
  items[v->len] = strdup (s);
  items[v->len + 1] = NULL;
  return items[v->len++] ? 0 : -1;
}

static int
add_notify_mount (oci_config *c, const char *source)
{
  oci_mount *m = realloc (c->mounts, (c->mounts_len + 1) * sizeof (*m));
  static const char *const options[] = { "bind", "nosuid", "noexec", "nodev", "ro" };

  if (m == NULL)
    return -1;
  c->mounts = m;
  m += c->mounts_len++;
  memset (m, 0, sizeof (*m));
  m->destination = strdup (NOTIFY_IN_CONTAINER);
  m->source = strdup (source);
  m->type = strdup ("bind");
  if (m->destination == NULL || m->source == NULL || m->type == NULL)
    return -1;
  for (size_t i = 0; i < sizeof (options) / sizeof (options[0]); i++)
    if (strv_push (&m->options, options[i]) < 0)
      return -1;
  return 0;
}

int
notify_prepare (const char *state_dir, oci_config *c, char **host_socket, ocirun_error_t *err)
{
  const char *host = getenv ("NOTIFY_SOCKET");
  cleanup_free char *dir = NULL;

  *host_socket = NULL;
  if (host == NULL || *host == '\0' || c->process == NULL)
    return 0;
  if (asprintf (&dir, "%s/" NOTIFY_DIR, state_dir) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  /* 0777: the container's root may be another host uid. */
  if (mkdir (dir, 0777) < 0 || chmod (dir, 0777) < 0)
    return ocirun_error (err, errno, "mkdir `%s`", dir);
  if (add_notify_mount (c, dir) < 0 || strv_push (&c->process->env, "NOTIFY_SOCKET=" NOTIFY_IN_CONTAINER "/notify.sock") < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  *host_socket = strdup (host);
  return *host_socket ? 0 : ocirun_error (err, ENOMEM, "allocate");
}

int
notify_listen (const char *state_dir, ocirun_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if ((size_t) snprintf (addr.sun_path, sizeof (addr.sun_path), "%s/" NOTIFY_DIR "/notify.sock", state_dir)
      >= sizeof (addr.sun_path))
    return ocirun_error (err, 0, "notify socket path under `%s` is too long", state_dir);
  unlink (addr.sun_path);
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0 || chmod (addr.sun_path, 0777) < 0)
    return ocirun_error (err, errno, "listen on `%s`", addr.sun_path);
  return steal_fd (&fd);
}

static int
send_ready (const char *host, pid_t pid, ocirun_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  char msg[64];
  int len = snprintf (msg, sizeof (msg), "READY=1\nMAINPID=%d\n", (int) pid);

  if (strlen (host) >= sizeof (addr.sun_path))
    return ocirun_error (err, 0, "NOTIFY_SOCKET `%s` is too long", host);
  strcpy (addr.sun_path, host);
  if (host[0] == '@')
    addr.sun_path[0] = '\0'; /* abstract socket, as systemd spells it */
  if (fd < 0 || sendto (fd, msg, len, 0, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return ocirun_error (err, errno, "notify `%s`", host);
  return 0;
}

int
notify_relay (int fd, int pidfd, pid_t pid, const char *host, ocirun_error_t *err)
{
  for (;;)
    {
      struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
      char buf[4096];
      ssize_t n;

      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return ocirun_error (err, errno, "poll the notify socket");
        }
      if (!(p[0].revents & POLLIN))
        return ocirun_error (err, 0, "the container exited before it sent READY=1");
      n = recv (fd, buf, sizeof (buf) - 1, 0);
      if (n < 0)
        return ocirun_error (err, errno, "read the notify socket");
      buf[n] = '\0';
      if (strstr (buf, "READY=1"))
        return send_ready (host, pid, err);
    }
}
