/* config.hooks: run one kind's hooks in order, each with the state on
 * stdin, its args and env as given, killed when its timeout passes.
 *
 * Where each kind runs (runtime-spec v1.3.0 config.md, runtime.md
 * "Lifecycle"):
 *   prestart, createRuntime  create, in the runtime namespace (the create
 *                            process), when the init reports that every
 *                            mount and device exists, before pivot_root
 *   createContainer          create, in the init (container namespaces),
 *                            right after those, before pivot_root
 *   startContainer           start, in the init after the process settings,
 *                            right before the exec
 *   poststart                start, in the runtime namespace, after the exec
 *   poststop                 delete (or a failed create/start), after the
 *                            container is destroyed
 * A failure of any but poststop is the operation's error, and the
 * container is destroyed (poststop hooks then run); a failing poststop
 * hook is a warning and the others still run.
 *
 * stdin is a memfd holding the state, stdout and stderr one memfd whose
 * tail goes into the error: no pipe, so a hook that never reads its stdin,
 * or leaves a daemon holding its output open, can neither kill us with
 * SIGPIPE nor hang us. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

#define OUTPUT_TAIL 512

/* Each kind's name, and the status its state shows: the create step (2)
 * is done for the create-time hooks; the process is not yet exec'd for
 * startContainer. */
static const struct
{
  const char *name, *status;
} kinds[] = {
  [HOOK_PRESTART] = { "prestart", "created" },
  [HOOK_CREATE_RUNTIME] = { "createRuntime", "created" },
  [HOOK_CREATE_CONTAINER] = { "createContainer", "created" },
  [HOOK_START_CONTAINER] = { "startContainer", "created" },
  [HOOK_POSTSTART] = { "poststart", "running" },
  [HOOK_POSTSTOP] = { "poststop", "stopped" },
};

static const oci_hooks *
hooks_of (const oci_config *c, enum hook_kind kind)
{
  switch (kind)
    {
    case HOOK_PRESTART:
      return &c->prestart;
    case HOOK_CREATE_RUNTIME:
      return &c->create_runtime;
    case HOOK_CREATE_CONTAINER:
      return &c->create_container;
    case HOOK_START_CONTAINER:
      return &c->start_container;
    case HOOK_POSTSTART:
      return &c->poststart;
    case HOOK_POSTSTOP:
      break;
    }
  return &c->poststop;
}

bool
hooks_any (const oci_config *c, enum hook_kind kind)
{
  return c && hooks_of (c, kind)->len > 0;
}

static int
memfd_with (const char *name, const char *data, size_t len, ocirun_error_t *err)
{
  cleanup_close int fd = syscall (SYS_memfd_create, name, MFD_CLOEXEC);

  if (fd < 0)
    return ocirun_error (err, errno, "memfd_create `%s`", name);
  if (len > 0 && (write_all (fd, data, len) < 0 || lseek (fd, 0, SEEK_SET) < 0))
    return ocirun_error (err, errno, "write `%s`", name);
  return steal_fd (&fd);
}

/* In the child: nothing of ours but the state, the output and the exec
 * error pipe (close-on-exec) reaches the hook. */
static void __attribute__ ((noreturn))
hook_child (const oci_hook *h, const char *cwd, char **envp, int in, int out, int report)
{
  char *fallback_argv[] = { h->path, NULL };
  char **argv = h->args.len > 0 ? h->args.items : fallback_argv;
  sigset_t none;
  int e;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  /* Its own process group: a timeout kills what it started too. */
  setpgid (0, 0);
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (out, 2) < 0)
    goto fail;
  if (cwd && chdir (cwd) < 0)
    goto fail;
  if (syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    goto fail;
  execve (h->path, argv, envp);
fail:
  e = errno;
  if (write (report, &e, sizeof (e)) < 0)
    _exit (127);
  _exit (127);
}

/* The last bytes the hook printed, trimmed, for the error message. */
static void
output_tail (int fd, char *buf, size_t size)
{
  struct stat st;
  off_t from;
  ssize_t n;

  buf[0] = '\0';
  if (fstat (fd, &st) < 0 || st.st_size == 0)
    return;
  from = st.st_size > (off_t) size - 1 ? st.st_size - (off_t) size + 1 : 0;
  n = pread (fd, buf, size - 1, from);
  if (n <= 0)
    return;
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  for (char *p = buf; *p; p++)
    if (*p == '\n')
      *p = ' ';
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the hook; past the deadline (-1: none) kill its process group.
 * Returns 1 on a timeout, 0 when it exited (*status set). */
static int
wait_hook (pid_t pid, int pidfd, int64_t timeout_s, int *status, ocirun_error_t *err)
{
  int64_t deadline = timeout_s > 0 ? now_ms () + timeout_s * 1000 : -1;
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  for (;;)
    {
      int ms = -1, r;
      if (deadline >= 0)
        {
          int64_t left = deadline - now_ms ();
          if (left <= 0)
            {
              kill (-pid, SIGKILL);
              pidfd_send (pidfd, SIGKILL);
              while (waitpid (pid, status, 0) < 0 && errno == EINTR)
                ;
              return 1;
            }
          ms = left > INT32_MAX ? INT32_MAX : (int) left;
        }
      r = poll (&p, 1, ms);
      if (r < 0 && errno != EINTR)
        return ocirun_error (err, errno, "poll the hook (pid %d)", (int) pid);
      if (r > 0)
        break;
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return ocirun_error (err, errno, "wait for the hook (pid %d)", (int) pid);
  return 0;
}

struct hook_run
{
  enum hook_kind kind;
  size_t index;
  const oci_hook *hook;
};

static int
hook_failed (const struct hook_run *r, int out, const char *what, ocirun_error_t *err)
{
  char tail[OUTPUT_TAIL];

  output_tail (out, tail, sizeof (tail));
  return ocirun_error (err, 0, "%s hook #%zu `%s` %s%s%s", kinds[r->kind].name, r->index, r->hook->path, what,
                       tail[0] ? ": " : "", tail);
}

/* fork, then learn from the close-on-exec pipe whether the exec worked. */
static pid_t
spawn_hook (const struct hook_run *r, const char *cwd, char **envp, int in, int out, ocirun_error_t *err)
{
  int report[2], e = 0;
  pid_t pid;
  ssize_t n;

  if (pipe2 (report, O_CLOEXEC) < 0)
    return ocirun_error (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (report[0]);
      close (report[1]);
      return ocirun_error (err, errno, "fork the %s hook `%s`", kinds[r->kind].name, r->hook->path);
    }
  if (pid == 0)
    hook_child (r->hook, cwd, envp, in, out, report[1]);
  close (report[1]);
  do
    n = read (report[0], &e, sizeof (e));
  while (n < 0 && errno == EINTR);
  close (report[0]);
  if (n == (ssize_t) sizeof (e))
    {
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      return ocirun_error (err, e, "%s hook #%zu `%s`: exec%s%s", kinds[r->kind].name, r->index, r->hook->path,
                           cwd ? " in " : "", cwd ? cwd : "");
    }
  return pid;
}

static int
run_one (const struct hook_run *r, const char *state, size_t state_len, const struct hook_state *st,
         ocirun_error_t *err)
{
  cleanup_close int in = -1, out = -1, pidfd = -1;
  char **envp = r->hook->env.items ? r->hook->env.items : st->default_env ? st->default_env : environ;
  char what[64];
  int status = 0, timed_out;
  pid_t pid;

  in = memfd_with ("hook-state", state, state_len, err);
  if (in < 0 || (out = memfd_with ("hook-output", NULL, 0, err)) < 0)
    return -1;
  pid = spawn_hook (r, st->cwd, envp, in, out, err);
  if (pid < 0)
    return -1;
  pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    {
      ocirun_error (err, errno, "pidfd_open of the %s hook (pid %d)", kinds[r->kind].name, (int) pid);
      kill (-pid, SIGKILL);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      return -1;
    }
  timed_out = wait_hook (pid, pidfd, r->hook->has_timeout ? r->hook->timeout : 0, &status, err);
  if (timed_out < 0)
    return -1;
  if (timed_out)
    {
      snprintf (what, sizeof (what), "timed out after %lld s and was killed", (long long) r->hook->timeout);
      return hook_failed (r, out, what, err);
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status))
    snprintf (what, sizeof (what), "exited with status %d", WEXITSTATUS (status));
  else
    snprintf (what, sizeof (what), "was killed by signal %d", WTERMSIG (status));
  return hook_failed (r, out, what, err);
}

static int
state_json (const oci_config *c, enum hook_kind kind, const struct hook_state *st, char **out, size_t *len,
            ocirun_error_t *err)
{
  oci_state s = {
    .oci_version = OCI_SPEC_VERSION, .id = st->id, .status = kinds[kind].status,
    .pid = kind == HOOK_POSTSTOP ? 0 : st->pid, .bundle = st->bundle, .annotations = &c->annotations,
  };
  return oci_state_spec_generate (&s, out, len, err);
}

int
hooks_run (const oci_config *c, enum hook_kind kind, const struct hook_state *st, ocirun_error_t *err)
{
  const oci_hooks *list;
  cleanup_free char *state = NULL;
  size_t len;

  if (!hooks_any (c, kind))
    return 0;
  list = hooks_of (c, kind);
  if (state_json (c, kind, st, &state, &len, err) < 0)
    return -1;
  for (size_t i = 0; i < list->len; i++)
    {
      struct hook_run r = { .kind = kind, .index = i, .hook = &list->items[i] };
      ocirun_debug ("container `%s`: running %s hook #%zu `%s`", st->id, kinds[kind].name, i, r.hook->path);
      if (run_one (&r, state, len, st, err) < 0)
        return -1;
    }
  return 0;
}

void
hooks_run_poststop (const oci_config *c, const struct hook_state *st)
{
  const oci_hooks *list;
  cleanup_free char *state = NULL;
  size_t len;

  if (!hooks_any (c, HOOK_POSTSTOP))
    return;
  list = hooks_of (c, HOOK_POSTSTOP);
  for (size_t i = 0; i < list->len; i++)
    {
      cleanup_error ocirun_error_t err = NULL;
      struct hook_run r = { .kind = HOOK_POSTSTOP, .index = i, .hook = &list->items[i] };

      if ((state == NULL && state_json (c, HOOK_POSTSTOP, st, &state, &len, &err) < 0)
          || run_one (&r, state, len, st, &err) < 0)
        {
          cleanup_free char *msg = ocirun_error_format (err);
          ocirun_warn ("container `%s`: %s", st->id, msg);
        }
    }
}

bool
hooks_create_sync (const oci_config *c)
{
  return hooks_any (c, HOOK_PRESTART) || hooks_any (c, HOOK_CREATE_RUNTIME) || hooks_any (c, HOOK_CREATE_CONTAINER)
         || hooks_any (c, HOOK_POSTSTOP);
}

int
hooks_before_pivot (void *data, ocirun_error_t *err)
{
  struct init_ctx *ctx = data;
  /* runc's working directory for them: the rootfs, seen from the host. */
  struct hook_state st = { .id = ctx->id, .bundle = ctx->bundle, .pid = ctx->host_pid, .cwd = ctx->rootfs };

  if (!hooks_create_sync (ctx->config))
    return 0;
  if (sync_send (ctx->sync_fd, SYNC_HOOKS, 0, err) < 0 || sync_expect (ctx->sync_fd, SYNC_HOOKS_DONE, NULL, err) < 0)
    return -1;
  return hooks_run (ctx->config, HOOK_CREATE_CONTAINER, &st, err);
}

int
hooks_start_container (struct init_ctx *ctx, ocirun_error_t *err)
{
  const oci_process *p = ctx->config->process;
  static char *no_env[] = { NULL };
  /* As runc: without their own env they get the process's (never ours,
   * which is the host's). */
  struct hook_state st = { .id = ctx->id, .bundle = ctx->bundle, .pid = ctx->host_pid,
                           .default_env = p->env.items ? p->env.items : no_env };

  if (hooks_run (ctx->config, HOOK_START_CONTAINER, &st, err) < 0)
    {
      ctx->start_hook_failed = true;
      return -1;
    }
  return 0;
}
