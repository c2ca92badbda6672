/* linux.seccomp: compile the profile to BPF, load it in the container's
 * init, hand the user-notification listener to the seccomp agent.
 *
 * Where the caller puts each step (the order runc uses, see runc's
 * libcontainer/standard_init_linux.go):
 *
 *  1. seccomp_filter_build[_cached] in the runtime process, any time before
 *     the init needs it -- best before clone, on the host side, so that the
 *     cache under --root is reachable and a profile error is reported before
 *     any namespace exists.  The compiled filter is plain memory: the init
 *     inherits it.  Building needs no privilege.
 *
 *  2. seccomp_filter_load in the init, as late as possible before execve, so
 *     that the runtime's own setup syscalls are not filtered:
 *       - noNewPrivileges false: loading a filter without no_new_privs needs
 *         CAP_SYS_ADMIN, so load it AFTER the last sync with the parent and
 *         AFTER the exec label is set, but BEFORE the user switch and the
 *         capability drop (process_apply's setuid/capset); the remaining
 *         setup syscalls (setgroups, setresgid, setresuid, capset, prctl,
 *         chdir, umask...) then run under the filter, as in runc.
 *       - noNewPrivileges true: PR_SET_NO_NEW_PRIVS is set first (in
 *         process_apply), then load the filter LAST, after the user switch
 *         and the capability drop, right before execve.
 *     Nothing between the load and execve may close the fds execve needs.
 *
 *  3. With a NOTIFY rule, load returns the listener fd.  The init cannot
 *     reach listenerPath (it is a host path and the init has pivoted), so
 *     it hands the fd to the runtime process, which calls
 *     seccomp_notify_send with the container's state ("status":
 *     "creating", "pid": the init's host pid, as runc sends it) and then
 *     closes its copy.  The hand-over runs under the filter: build refuses
 *     NOTIFY on write(2) (runc's rule) because an agent that is not yet
 *     connected could never answer it; so hand the fd over with write(2)
 *     -- write its number on the sync socket, let the parent take a copy
 *     with pidfd_getfd(2) and ack, as runc does -- not with a sendmsg(2)
 *     that a NOTIFY rule could block.  The parent acks before it calls
 *     seccomp_notify_send (the init may then block in a NOTIFY'd syscall
 *     until the agent answers, which is fine).  The init closes its own
 *     copy after the ack (it is O_CLOEXEC anyway).  Build also refuses
 *     NOTIFY rules without listenerPath, before anything is started.
 *
 * Behaviour (runc's): a syscall name unknown to libseccomp is skipped with
 * a debug line; a rule whose action equals the default action is skipped;
 * ERRNO and TRACE without errnoRet mean EPERM; SCMP_ACT_KILL is
 * KILL_THREAD; when one argument index appears in several args the args
 * become separate rules (OR), otherwise one rule with all of them (AND);
 * flags absent (flags.items == NULL) means SECCOMP_FILTER_FLAG_SPEC_ALLOW
 * when the kernel has it, an explicit [] means none; TSYNC is accepted
 * and has no effect (the init is single-threaded); a flag this kernel
 * lacks is an error naming it.  WAIT_KILLABLE_RECV is passed to the
 * kernel only together with a listener (NOTIFY rules): it has no meaning
 * without one and the kernel refuses it alone. */
#ifndef OCIRUN_SECCOMP_H
#define OCIRUN_SECCOMP_H

#include <stdbool.h>

#include "oci-spec/config.h"
#include "ocirun/error.h"

struct seccomp_compiled;

/* The flag names ocirun knows, NULL-terminated (`ocirun features`'
 * knownFlags; runc lists them even when built without seccomp). */
static inline const char *const *
seccomp_known_flags (void)
{
  static const char *const flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
  };
  return flags;
}

#ifdef HAVE_SECCOMP

/* Compile the profile.  Errors name the offending architecture, flag or
 * syscall.  *out must be released with seccomp_compiled_free. */
int seccomp_filter_build (const oci_seccomp *s, struct seccomp_compiled **out, ocirun_error_t *err);

/* Same, reusing BPF compiled earlier for an identical profile (same
 * libseccomp, kernel API level and architecture) from cache_dir, and
 * storing it there when missing (~13 ms -> ~50 us for podman's default
 * profile).  cache_dir is created (0700) if needed; a damaged or foreign
 * entry is ignored and rewritten; a cache that cannot be written is only
 * a debug line.  Entries are trusted: cache_dir must be writable by the
 * runtime's user only, e.g. "<--root>/.seccomp-cache". */
int seccomp_filter_build_cached (const oci_seccomp *s, const char *cache_dir, struct seccomp_compiled **out,
                                 ocirun_error_t *err);

/* True when the filter has NOTIFY rules, i.e. load will return a listener. */
bool seccomp_filter_has_notify (const struct seccomp_compiled *c);

/* Install the filter on the calling thread.  *notify_fd receives the
 * listener (O_CLOEXEC) when the filter has NOTIFY rules, else -1. */
int seccomp_filter_load (const struct seccomp_compiled *c, int *notify_fd, ocirun_error_t *err);

void seccomp_compiled_free (struct seccomp_compiled *c);

/* Whether this kernel accepts the SECCOMP_FILTER_FLAG_* `name` (for
 * `ocirun features`' supportedFlags).  False for an unknown name. */
bool seccomp_flag_supported (const char *name);

/* "2.5.4": the libseccomp in use, for `ocirun features`' annotation
 * io.github.seccomp.libseccomp.version. */
const char *seccomp_library_version (void);

/* Connect to the agent's unix socket listener_path and send, in one
 * message, the runtime-spec "container process state" document
 * {"ociVersion","fds":["seccompFd"],"pid","metadata","state"} with
 * notify_fd in SCM_RIGHTS.  state_json is the container's state document
 * (as `ocirun state` prints it); its "pid" becomes the top-level pid.
 * metadata NULL or "" is omitted, as runc does. */
int seccomp_notify_send (const char *listener_path, const char *metadata, int notify_fd, const char *state_json,
                         ocirun_error_t *err);

#else /* !HAVE_SECCOMP */

#define SECCOMP_DISABLED_MSG "seccomp requested but ocirun was built without libseccomp"

static inline int
seccomp_filter_build (const oci_seccomp *s, struct seccomp_compiled **out, ocirun_error_t *err)
{
  (void) s;
  *out = NULL;
  return ocirun_error (err, 0, SECCOMP_DISABLED_MSG);
}

static inline int
seccomp_filter_build_cached (const oci_seccomp *s, const char *cache_dir, struct seccomp_compiled **out,
                             ocirun_error_t *err)
{
  (void) cache_dir;
  return seccomp_filter_build (s, out, err);
}

static inline bool
seccomp_filter_has_notify (const struct seccomp_compiled *c)
{
  (void) c;
  return false;
}

static inline int
seccomp_filter_load (const struct seccomp_compiled *c, int *notify_fd, ocirun_error_t *err)
{
  (void) c;
  *notify_fd = -1;
  return ocirun_error (err, 0, SECCOMP_DISABLED_MSG);
}

static inline void
seccomp_compiled_free (struct seccomp_compiled *c)
{
  (void) c;
}

static inline bool
seccomp_flag_supported (const char *name)
{
  (void) name;
  return false;
}

static inline const char *
seccomp_library_version (void)
{
  return NULL;
}

static inline int
seccomp_notify_send (const char *listener_path, const char *metadata, int notify_fd, const char *state_json,
                     ocirun_error_t *err)
{
  (void) listener_path, (void) metadata, (void) notify_fd, (void) state_json;
  return ocirun_error (err, 0, SECCOMP_DISABLED_MSG);
}

#endif /* HAVE_SECCOMP */

static inline void
seccomp_compiled_freep (struct seccomp_compiled **p)
{
  seccomp_compiled_free (*p);
}
#define cleanup_seccomp_compiled __attribute__ ((cleanup (seccomp_compiled_freep)))

#endif
