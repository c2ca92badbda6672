/* SCMP_ACT_NOTIFY: hand the listener to the seccomp agent at listenerPath
 * with the "container process state" document (runtime-spec
 * runtime.md / config-linux.md), the fd travelling in SCM_RIGHTS. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ocirun/cleanup.h"
#include "ocirun/seccomp.h"

/* The spec's name for the listener in "fds". */
#define SECCOMP_FD_NAME "seccompFd"

static void
yajl_tree_freep (yajl_val *v)
{
  if (*v)
    yajl_tree_free (*v);
}

static void
yajl_gen_freep (yajl_gen *g)
{
  if (*g)
    yajl_gen_free (*g);
}

static int
gen_string (yajl_gen g, const char *s)
{
  return yajl_gen_string (g, (const unsigned char *) s, strlen (s)) == yajl_gen_status_ok ? 0 : -1;
}

/* Re-emit a parsed document unchanged (numbers keep their text). */
static int
gen_value (yajl_gen g, yajl_val v)
{
  int ok = 0;

  switch (v->type)
    {
    case yajl_t_string:
      return gen_string (g, v->u.string);
    case yajl_t_number:
      return yajl_gen_number (g, v->u.number.r, strlen (v->u.number.r)) == yajl_gen_status_ok ? 0 : -1;
    case yajl_t_true:
    case yajl_t_false:
      return yajl_gen_bool (g, v->type == yajl_t_true) == yajl_gen_status_ok ? 0 : -1;
    case yajl_t_null:
      return yajl_gen_null (g) == yajl_gen_status_ok ? 0 : -1;
    case yajl_t_object:
      ok |= yajl_gen_map_open (g);
      for (size_t i = 0; i < v->u.object.len && ok == 0; i++)
        ok |= gen_string (g, v->u.object.keys[i]) | gen_value (g, v->u.object.values[i]);
      ok |= yajl_gen_map_close (g);
      return ok ? -1 : 0;
    case yajl_t_array:
      ok |= yajl_gen_array_open (g);
      for (size_t i = 0; i < v->u.array.len && ok == 0; i++)
        ok |= gen_value (g, v->u.array.values[i]);
      ok |= yajl_gen_array_close (g);
      return ok ? -1 : 0;
    case yajl_t_any:
      break;
    }
  return -1;
}

/* {"ociVersion","fds":["seccompFd"],"pid","metadata","state"}, runc's
 * field order; metadata omitted when empty, as runc's omitempty. */
static int
process_state_generate (const char *metadata, const char *state_json, char **out, ocirun_error_t *err)
{
  const char *pid_path[] = { "pid", NULL };
  __attribute__ ((cleanup (yajl_tree_freep))) yajl_val state = NULL;
  __attribute__ ((cleanup (yajl_gen_freep))) yajl_gen g = NULL;
  char errbuf[256] = "";
  const unsigned char *buf;
  yajl_val pid;
  size_t len;
  int ok = 0;

  state = yajl_tree_parse (state_json, errbuf, sizeof (errbuf));
  if (state == NULL || ! YAJL_IS_OBJECT (state))
    return ocirun_error (err, 0, "parse the container state for the seccomp agent: %s",
                         *errbuf ? errbuf : "not a JSON object");
  pid = yajl_tree_get (state, pid_path, yajl_t_number);
  if (pid == NULL || ! YAJL_IS_INTEGER (pid))
    return ocirun_error (err, 0, "the container state for the seccomp agent has no integer `pid`");
  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return ocirun_error (err, ENOMEM, "allocate a JSON generator");
  ok |= yajl_gen_map_open (g);
  ok |= gen_string (g, "ociVersion") | gen_string (g, OCI_SPEC_VERSION);
  ok |= gen_string (g, "fds") | yajl_gen_array_open (g) | gen_string (g, SECCOMP_FD_NAME) | yajl_gen_array_close (g);
  ok |= gen_string (g, "pid") | yajl_gen_integer (g, YAJL_GET_INTEGER (pid));
  if (metadata && *metadata)
    ok |= gen_string (g, "metadata") | gen_string (g, metadata);
  ok |= gen_string (g, "state") | gen_value (g, state);
  ok |= yajl_gen_map_close (g);
  if (ok || yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    return ocirun_error (err, 0, "generate the container process state for the seccomp agent");
  *out = strndup ((const char *) buf, len);
  if (*out == NULL)
    return ocirun_error (err, errno, "allocate the container process state");
  return 0;
}

static int
connect_unix (const char *path, ocirun_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof (addr.sun_path))
    return ocirun_error (err, ENAMETOOLONG, "seccomp listenerPath `%s`", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirun_error (err, errno, "create a unix socket for the seccomp agent");
  if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return ocirun_error (err, errno, "connect to the seccomp agent at `%s`", path);
  return steal_fd (&fd);
}

/* The fd rides on the first byte; a short send continues without it. */
static int
send_with_fd (int sock, const char *data, size_t len, int fd, const char *path, ocirun_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control = { 0 };
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof (control.buf) };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  size_t done = 0;

  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  while (done < len)
    {
      ssize_t n;

      iov.iov_base = (void *) (data + done);
      iov.iov_len = len - done;
      n = sendmsg (sock, &msg, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirun_error (err, errno, "send the seccomp listener to the agent at `%s`", path);
      done += n;
      msg.msg_control = NULL;
      msg.msg_controllen = 0;
    }
  return 0;
}

int
seccomp_notify_send (const char *listener_path, const char *metadata, int notify_fd, const char *state_json,
                     ocirun_error_t *err)
{
  cleanup_free char *doc = NULL;
  cleanup_close int sock = -1;

  if (listener_path == NULL || *listener_path == '\0')
    return ocirun_error (err, 0, "seccomp profile has SCMP_ACT_NOTIFY rules but no listenerPath");
  if (process_state_generate (metadata, state_json, &doc, err) < 0)
    return -1;
  sock = connect_unix (listener_path, err);
  if (sock < 0)
    return -1;
  return send_with_fd (sock, doc, strlen (doc), notify_fd, listener_path, err);
}
