/* What the core's modules share: the state store, the sync channel, the
 * init's context. */
#ifndef OCIRUN_CORE_INTERNAL_H
#define OCIRUN_CORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "oci-spec/state.h"
#include "ocirun/container.h"
#include "ocirun/error.h"

/* --- src/core/state.c: one directory per container under --root -------- */
struct container_state
{
  char *dir; /* <root>/<id> */
  char *id;
  pid_t pid;
  uint64_t start_time;
  char *bundle;
  char *rootfs;
  char *created;
  char *owner;
  bool has_process;
  bool creating; /* saved before the init is set up: a crash there leaves this */
  char *notify_socket; /* the caller's NOTIFY_SOCKET at create, or NULL */
  bool no_new_keyring; /* create --no-new-keyring: exec joins no new session keyring either, as runc's */
  char **cgroups; /* NULL-terminated */
  bool has_exit;
  int exit_status;
  char *exited;
};

enum container_status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_STOPPED, STATUS_PAUSED };

#define STATE_FILE "state"
#define CONFIG_FILE "config.json"
#define FIFO_FILE "exec.fifo"
#define EXIT_FILE "exit"

int state_validate_id (const char *id, ocirun_error_t *err);
char *state_dir (const char *root, const char *id);
/* mkdir the container's directory (exclusive: a duplicate id fails) and
 * lock it; *lock_fd holds the flock until closed. */
int state_create_dir (const char *root, const char *id, char **dir, int *lock_fd, ocirun_error_t *err);
/* Remove the hidden directories of creates killed before they named
 * theirs (see create_locked_dir). */
void state_sweep_stale_creating (const char *root);
/* Lock an existing container's directory. */
int state_lock (const char *root, const char *id, int *lock_fd, ocirun_error_t *err);
int state_save (const struct container_state *st, ocirun_error_t *err);
/* Append "key=value\n" lines to the state file (they override). */
int state_append (const char *dir, const char *lines, ocirun_error_t *err);
/* The init's pid in the text of a state file (0: none yet); the text is
 * taken apart. */
pid_t state_text_pid (char *data);
int state_load (const char *root, const char *id, struct container_state *st, ocirun_error_t *err);
void state_release (struct container_state *st);
enum container_status state_status (const struct container_state *st);
const char *state_status_name (enum container_status s);
/* Written by the shim when the init is reaped.  `dir` must lead to the
 * container's own directory even after a delete and a create of the same
 * id: the shim passes the held fd's /proc/self/fd/N, not <root>/<id>. */
int state_record_exit (const char *dir, int wait_status);
int state_remove (const char *dir, ocirun_error_t *err);

#define cleanup_state __attribute__ ((cleanup (state_release)))

/* --- src/core/start.c ------------------------------------------------------ */
/* A released init: `fd` reaches end of file when it exec'd, or carries
 * the error it failed with (the exec fifo, or run's report pipe). */
struct start_channel
{
  int fd;
  int pidfd;   /* the init */
  int notify;  /* NOTIFY_SOCKET listener, or -1 */
  int lock_fd; /* the container's lock, released on the way (or -1) */
  void (*mark_running) (const struct container_state *st); /* exec'd or failed: no longer created */
};
int start_wait_released (const char *root, const struct container_state *st, const oci_config *config,
                         struct start_channel *ch, ocirun_error_t *err);

/* --- src/core/sync.c: typed messages between ocirun and the init ------- */
enum sync_type
{
  SYNC_PID = 1,     /* the init's pid in the caller's pid namespace */
  SYNC_USERMAP,     /* intermediate process: write my id maps (pid = mine) */
  SYNC_USERMAP_ACK, /* parent: maps written */
  SYNC_GO,          /* parent: maps written, cgroup joined: set up */
  SYNC_READY,       /* init: set up, waiting for start */
  SYNC_ERROR,       /* carries an ocirun_error_t */
  SYNC_SECCOMP_FD,  /* init: my fd number `pid` is the seccomp listener */
  SYNC_SECCOMP_ACK, /* parent: took a copy with pidfd_getfd */
  SYNC_HOOKS,       /* init: mounts done, before pivot: run prestart + createRuntime */
  SYNC_HOOKS_DONE,  /* parent: they succeeded */
  SYNC_START,       /* parent (run): exec the process, report on the pipe */
};

struct sync_msg
{
  uint32_t type;
  int32_t pid;
};

int sync_pair (int fds[2], ocirun_error_t *err);
int sync_send (int fd, enum sync_type type, pid_t pid, ocirun_error_t *err);
int sync_send_error (int fd, ocirun_error_t error);
/* Receive one message; a SYNC_ERROR becomes *err and -1, and so does the
 * other side going away. */
int sync_recv (int fd, struct sync_msg *msg, ocirun_error_t *err);
int sync_expect (int fd, enum sync_type type, struct sync_msg *msg, ocirun_error_t *err);

/* --- src/core/init.c: the container's init ----------------------------- */
struct init_ctx
{
  const char *id;
  const char *bundle;
  const char *rootfs;
  oci_config *config;
  int sync_fd;    /* the init's end */
  int state_dir_fd; /* O_PATH of the state dir, which holds the exec fifo */
  int report_fd;    /* run: write end of the report pipe, released by SYNC_START
                       instead of the fifo; -1 otherwise */
  int parent_fds[4]; /* the parent's fds the child closes first (-1: none): sync, lock,
                        the shim's state dir, run's report pipe */
  int console_fd; /* connected --console-socket, or -1 */
  int keep_fds;   /* fds 3.. kept for the process: LISTEN_FDS + --preserve-fds */
  int listen_fds;
  bool no_pivot;
  bool no_new_keyring;
  const struct seccomp_compiled *seccomp; /* built before the clone, or NULL */
  struct cgroup_join *cgroup_join; /* the cgroups the child joins itself, or NULL */
  pid_t host_pid; /* the init's pid as the runtime sees it (from SYNC_GO), for hooks */
  bool start_hook_failed; /* a startContainer hook failed: start destroys the container */
};

/* Clone the init (through an intermediate process when the namespaces
 * need one).  Returns the init's pid, or 0 when an intermediate process
 * will send it as SYNC_PID; *helper is that process (0 when none). */
pid_t init_spawn (struct init_ctx *ctx, pid_t *helper, ocirun_error_t *err);
/* Right before the exec: fds 3..3+keep_fds-1 are kept for the process,
 * every other fd but stdio becomes close-on-exec; *report_fd (the channel
 * an exec failure is written to) is moved above the kept range. */
int fds_prepare_for_exec (int keep_fds, int *report_fd, ocirun_error_t *err);

/* --- src/core/seccomp-setup.c: linux.seccomp around the init ----------- */
struct seccomp_compiled;
/* Before the clone, on the host side: compile linux.seccomp (cached under
 * <root>/.seccomp-cache).  *out stays NULL without a filter, also for
 * runc's "no defaultAction and no syscalls" (`"seccomp": {}`). */
int seccomp_setup_build (const oci_config *config, const char *root, struct seccomp_compiled **out,
                         ocirun_error_t *err);
/* Parent side of SYNC_SECCOMP_FD: copy the listener `fd_number` out of
 * `pid` with pidfd_getfd, ack on sync_fd, send it to listenerPath with
 * the state document `state` (status "creating"). */
int seccomp_setup_take_listener (int sync_fd, pid_t pid, uint64_t start_time, int fd_number,
                                 const oci_seccomp *seccomp, const oci_state *state, ocirun_error_t *err);

/* --- src/core/shim.c -------------------------------------------------------- */
/* Fork the detached shim, which spawns the init and stays its parent.
 * Returns the shim's pid in the caller (the shim never returns). */
int shim_spawn (struct init_ctx *ctx, const char *state_dir, ocirun_error_t *err);

/* --- src/core/console.c: the foreground run's terminal ------------------ */
#include <poll.h>
#include <termios.h>

struct console_proxy
{
  int master;
  bool raw;
  bool stdin_closed;
  struct termios saved;
};

int console_recv_master (int sock, ocirun_error_t *err);
/* Where the init (or exec'd process) sends its pty master: *fd, the
 * connected socket_path, or with none one end of a socketpair whose other
 * end, *peer, is ours to receive it on (foreground). */
int console_channel_open (const char *socket_path, int *fd, int *peer, ocirun_error_t *err);
void console_proxy_start (struct console_proxy *p, int master);
int console_proxy_io (struct console_proxy *p, short stdin_events, short master_events);
void console_resize (struct console_proxy *p);
void console_proxy_stop (struct console_proxy *p);

/* --- src/core/run.c: a foreground process ------------------------------- */
/* Block every signal but the synchronous faults (before the fork, so none
 * is lost; the child unblocks them) and return a signalfd for them. */
int foreground_signals (ocirun_error_t *err);
/* Forward the signals read from the signalfd sfd to the pidfd, relay the
 * pty when console is given, reap children until `pid` is reaped. */
int foreground_wait (pid_t pid, int pidfd, int sfd, struct console_proxy *console, int *status,
                     ocirun_error_t *err);

/* --- src/core/notify.c: NOTIFY_SOCKET ------------------------------------ */
/* At create: when the caller has NOTIFY_SOCKET, mount our socket's
 * directory into the container and point its env there. */
int notify_prepare (const char *state_dir, oci_config *config, char **host_socket, ocirun_error_t *err);
/* At start, before the init is released: our end of the socket. */
int notify_listen (const char *state_dir, ocirun_error_t *err);
/* After the exec: wait for READY=1, then tell the caller's socket. */
int notify_relay (int fd, int pidfd, pid_t pid, const char *host_socket, ocirun_error_t *err);

/* --- src/core/hooks.c: config.hooks ------------------------------------- */
enum hook_kind
{
  HOOK_PRESTART,
  HOOK_CREATE_RUNTIME,
  HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER,
  HOOK_POSTSTART,
  HOOK_POSTSTOP,
};

struct hook_state
{
  const char *id;
  const char *bundle;
  pid_t pid;                /* the init, as the runtime sees it; not shown to poststop */
  const char *cwd;          /* the hook's working directory; NULL: ours */
  char **default_env;       /* env of a hook without "env"; NULL: ours */
};

bool hooks_any (const oci_config *c, enum hook_kind kind);
/* Run one kind's hooks in order with the state on stdin; the first that
 * fails to start, exits non-zero, dies or passes its timeout (it is then
 * killed) is the error, naming the kind, index and path. */
int hooks_run (const oci_config *c, enum hook_kind kind, const struct hook_state *st, ocirun_error_t *err);
/* Every poststop hook runs; a failure is a warning only. */
void hooks_run_poststop (const oci_config *c, const struct hook_state *st);
/* Whether the init stops before pivot_root for the create-time hooks
 * (SYNC_HOOKS): prestart, createRuntime, createContainer or poststop
 * (which a failure from then on runs) exist. */
bool hooks_create_sync (const oci_config *c);
/* rootfs_options.before_pivot of the init (data: struct init_ctx): the
 * parent runs prestart and createRuntime, then createContainer here. */
int hooks_before_pivot (void *data, ocirun_error_t *err);
/* In the init at start, right before the exec. */
int hooks_start_container (struct init_ctx *ctx, ocirun_error_t *err);
/* The init's first byte in the exec fifo (or run's report pipe), once
 * released: without it, the fifo's hang-up means the init died before
 * it took the release, not that it exec'd. */
#define FIFO_RELEASED '\002'
/* In the exec fifo, after FIFO_RELEASED and before the error text: a
 * startContainer hook failed. */
#define FIFO_HOOK_FAILED '\001'

/* --- src/core/create.c -------------------------------------------------------- */
/* Kill a recorded process and wait until it is gone. */
int kill_and_wait (pid_t pid, uint64_t start_time, ocirun_error_t *err);

#endif
