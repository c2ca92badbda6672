/* `run` in the foreground: create + start with this process as the
 * init's parent; signals are forwarded to the init, its exit becomes our
 * exit code, and the container is deleted unless --keep. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "ocirun/cleanup.h"
#include "ocirun/fault.h"
#include "ocirun/log.h"
#include "ocirun/utils.h"

static int
forward_signals (int sfd, int pidfd, struct console_proxy *console, ocirun_error_t *err)
{
  struct signalfd_siginfo si;

  while (read (sfd, &si, sizeof (si)) == (ssize_t) sizeof (si))
    {
      if (si.ssi_signo == SIGWINCH && console)
        console_resize (console);
      if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGWINCH || si.ssi_signo == SIGURG)
        continue;
      if (pidfd_send (pidfd, si.ssi_signo) < 0 && errno != ESRCH)
        return ocirun_error (err, errno, "forward signal %u", si.ssi_signo);
    }
  return 0;
}

/* Reap children (the init, and orphans reparented to us as subreaper)
 * until the init's status is known. */
static int
reap (pid_t init, int *status)
{
  for (;;)
    {
      int st;
      pid_t pid = waitpid (-1, &st, WNOHANG);
      if (pid <= 0)
        return 0;
      if (pid == init)
        {
          *status = st;
          return 1;
        }
    }
}

int
foreground_wait (pid_t pid, int pidfd, int sfd, struct console_proxy *console, int *status, ocirun_error_t *err)
{
  for (;;)
    {
      bool tty = console && console->master >= 0;
      struct pollfd p[4] = {
        { .fd = sfd, .events = POLLIN },
        { .fd = pidfd, .events = POLLIN },
        { .fd = tty && !console->stdin_closed ? 0 : -1, .events = POLLIN },
        { .fd = tty ? console->master : -1, .events = POLLIN },
      };
      if (poll (p, 4, -1) < 0 && errno != EINTR)
        return ocirun_error (err, errno, "poll");
      if (p[0].revents && forward_signals (sfd, pidfd, console, err) < 0)
        return -1;
      if (tty && console_proxy_io (console, p[2].revents, p[3].revents) < 0)
        {
          close (console->master);
          console->master = -1;
        }
      if (p[1].revents && reap (pid, status))
        return 0;
    }
}

/* Exec'd or failed: the container is no longer being created. */
static void
mark_started (const struct container_state *st)
{
  ocirun_error_t err = NULL;

  if (state_append (st->dir, "creating=0\n", &err) < 0)
    ocirun_error_release (&err);
}

/* `start` of our own init, still held: SYNC_START releases it, the
 * report pipe tells when it exec'd (see create.h, release_by_sync). */
static int
run_start (struct creation *cr, int pidfd, ocirun_error_t *err)
{
  struct container_state st = creation_state (cr);
  struct start_channel ch = { .fd = cr->report_fd, .pidfd = pidfd, .notify = -1, .mark_running = mark_started };
  int ret = -1;

  ch.lock_fd = steal_fd (&cr->lock_fd);
  if (cr->config->process == NULL)
    ocirun_error (err, 0, "cannot start container `%s`: its config has no process", cr->opts->id);
  else if (cr->notify_socket == NULL || (ch.notify = notify_listen (cr->dir, err)) >= 0)
    {
      FAULT_POINT ("start:before-release");
      if (sync_send (cr->sync_fd, SYNC_START, 0, err) == 0)
        {
          ocirun_debug ("container `%s`: released the init (pid %d)", cr->opts->id, (int) cr->pid);
          FAULT_POINT ("start:after-release");
          ret = start_wait_released (cr->opts->root, &st, cr->config, &ch, err);
        }
    }
  if (ch.notify >= 0)
    close (ch.notify);
  if (ch.lock_fd >= 0)
    close (ch.lock_fd);
  return ret;
}

static int
run_created (struct creation *cr, int sfd, bool keep, int *exit_code, ocirun_error_t *err)
{
  cleanup_close int pidfd = -1;
  struct console_proxy console = { .master = -1 };
  int status = 0, ret;

  pidfd = pidfd_open_checked (cr->pid, cr->start_time);
  if (pidfd < 0)
    return ocirun_error (err, errno, "open pidfd of the init (pid %d)", (int) cr->pid);
  if (run_start (cr, pidfd, err) < 0)
    {
      cleanup_error ocirun_error_t derr = NULL;
      container_delete (cr->opts->root, cr->opts->id, true, &derr);
      return -1;
    }
  if (cr->console_peer >= 0)
    {
      int master = console_recv_master (cr->console_peer, err);
      if (master < 0)
        return -1;
      console_proxy_start (&console, master);
    }
  FAULT_POINT ("run:after-start");
  ret = foreground_wait (cr->pid, pidfd, sfd, cr->console_peer >= 0 ? &console : NULL, &status, err);
  console_proxy_stop (&console);
  if (ret < 0)
    return -1;
  *exit_code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  if (keep)
    {
      state_record_exit (cr->dir, status);
      return 0;
    }
  return container_delete (cr->opts->root, cr->opts->id, true, err);
}

int
foreground_signals (ocirun_error_t *err)
{
  sigset_t all;
  int sfd;

  /* A shell starts background jobs with SIGINT and SIGQUIT ignored: an
   * ignored signal never reaches the signalfd to be forwarded, and the
   * container's process would inherit it ignored. */
  for (int sig = 1; sig < NSIG; sig++)
    {
      struct sigaction sa;
      if (sigaction (sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN && sig != SIGPIPE)
        signal (sig, SIG_DFL);
    }
  /* Blocked before the clone so nothing is lost; the init unblocks them. */
  sigfillset (&all);
  sigdelset (&all, SIGSEGV);
  sigdelset (&all, SIGBUS);
  sigdelset (&all, SIGFPE);
  sigdelset (&all, SIGILL);
  sigprocmask (SIG_BLOCK, &all, NULL);
  sfd = signalfd (-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    return ocirun_error (err, errno, "signalfd");
  return sfd;
}

int
container_run (const struct container_create_opts *opts, bool keep, int *exit_code, ocirun_error_t *err)
{
  struct creation cr __attribute__ ((cleanup (creation_release))) = CREATION_INIT (opts);
  cleanup_close int sfd = -1;

  /* Blocked before the clone so nothing is lost; the init unblocks them. */
  sfd = foreground_signals (err);
  if (sfd < 0)
    return -1;
  if (!opts->no_subreaper && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return ocirun_error (err, errno, "become a child subreaper");
  cr.subreaper_if_two_step = opts->no_subreaper;
  cr.release_by_sync = true;
  if (creation_run (&cr, err) < 0)
    return -1;
  return run_created (&cr, sfd, keep, exit_code, err);
}
