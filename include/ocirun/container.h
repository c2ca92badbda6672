/* Container operations called by the CLI (src/core/).  They never print. */
#ifndef OCIRUN_CONTAINER_H
#define OCIRUN_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci-spec/config.h"
#include "oci-spec/state.h"
#include "ocirun/error.h"

/* Who stays the init's parent once create returns. */
enum container_parent
{
  PARENT_ENGINE,     /* the caller (a child subreaper) reaps the pid in --pid-file */
  PARENT_SHIM,       /* a detached ocirun shim reaps it and records the exit */
  PARENT_FOREGROUND, /* `run` in the foreground: this process waits */
};

struct container_create_opts
{
  const char *root; /* absolute */
  const char *id;
  const char *bundle; /* as given; made absolute */
  const char *console_socket;
  const char *pid_file;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  enum container_parent parent;
  /* run --no-subreaper: orphans of the container are not reaped by us;
   * only a two-step spawn still needs it, to reap its own init. */
  bool no_subreaper;
};

/* Chooses the parent for create / run -d: the shim unless --pid-file was
 * given (engines always pass it); OCIRUN_SHIM=1/0 forces either way. */
enum container_parent container_detached_parent (const char *pid_file);

int container_create (const struct container_create_opts *opts, pid_t *pid, ocirun_error_t *err);
int container_start (const char *root, const char *id, ocirun_error_t *err);
/* create + start in the foreground; *exit_code as a shell reports it. */
int container_run (const struct container_create_opts *opts, bool keep, int *exit_code, ocirun_error_t *err);
int container_kill (const char *root, const char *id, int sig, bool all, ocirun_error_t *err);
int container_delete (const char *root, const char *id, bool force, ocirun_error_t *err);

/* `exec`: a new process in a running (or created) container. */
struct container_exec_opts
{
  const char *root; /* absolute */
  const char *id;
  const oci_process *process; /* what to run; its terminal field asks for a pty */
  const char *console_socket; /* with process->terminal and detach */
  const char *pid_file;
  const char *const *cgroups; /* --cgroup values ([CTRL[,CTRL]:]PATH), NULL-terminated; NULL: none */
  int preserve_fds;
  bool detach;
  bool ignore_paused;
};

/* The config.json the container was created with (the copy in its state
 * directory, not the bundle's current file). */
int container_load_config (const char *root, const char *id, oci_config **config, ocirun_error_t *err);

/* Start opts->process inside the container: its init's namespaces, root
 * and cgroup, with the config's seccomp profile.  Returns once the
 * process exec'd (detach; *exit_code 0) or once it exited (foreground:
 * *exit_code as a shell reports it, signals forwarded, the pty relayed).
 * An exec that fails inside the container (args[0] missing, a missing
 * cwd) returns -1 with its error; nothing is left running. */
int container_exec (const struct container_exec_opts *opts, int *exit_code, ocirun_error_t *err);

/* The state document of one container, or all of them (sorted by id).
 * container_info_free releases what the oci_state fields point to. */
struct container_info
{
  oci_state state;
  void *priv;
};
int container_info (const char *root, const char *id, struct container_info *out, ocirun_error_t *err);
/* Every container of root; the config's annotations are read only when
 * asked for (list's JSON shows them, its table does not). */
int container_list (const char *root, bool annotations, struct container_info **out, size_t *n, ocirun_error_t *err);
void container_info_free (struct container_info *info);

/* Re-exec from a sealed memfd copy of the binary unless already running
 * from one (CVE-2019-5736); call before any work in commands that start
 * a process inside a container.  Returns only on error or when sealed. */
int ensure_sealed_exe (char **argv, ocirun_error_t *err);

/* Signal names and numbers as kill(1) and runc accept them. */
int signal_parse (const char *text, ocirun_error_t *err);

#endif
