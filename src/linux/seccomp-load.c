/* The kernel side of linux.seccomp: filter flags, the checks that keep a
 * NOTIFY profile from deadlocking the init, and seccomp(2) itself. */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "ocirun/seccomp.h"
#include "seccomp-internal.h"

struct flag_def
{
  const char *name;
  unsigned int bit;
};

/* TSYNC is accepted and ignored, as runc: the init is single-threaded,
 * and TSYNC together with a listener would need TSYNC_ESRCH. */
static const struct flag_def flag_defs[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct flag_def *
flag_lookup (const char *name)
{
  for (size_t i = 0; i < sizeof (flag_defs) / sizeof (flag_defs[0]); i++)
    if (strcmp (flag_defs[i].name, name) == 0)
      return &flag_defs[i];
  return NULL;
}

/* The kernel validates the flags before it reads the program: EFAULT for
 * a NULL program means the flags are known (runc probes the same way). */
static bool
kernel_has_flag (unsigned int bit)
{
  unsigned int probe = bit;

  if (bit == 0)
    return true;
  if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 && errno == EFAULT;
}

bool
seccomp_flag_supported (const char *name)
{
  const struct flag_def *def = flag_lookup (name);
  return def != NULL && kernel_has_flag (def->bit);
}

static int
filter_flags (const oci_seccomp *s, bool notify, unsigned int *out, ocirun_error_t *err)
{
  unsigned int flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;

  /* flags absent: runc defaults to SPEC_ALLOW when the kernel has it. */
  if (s->flags.items == NULL && kernel_has_flag (SECCOMP_FILTER_FLAG_SPEC_ALLOW))
    flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  for (size_t i = 0; i < s->flags.len; i++)
    {
      const char *name = s->flags.items[i];
      const struct flag_def *def = flag_lookup (name);

      if (def == NULL)
        return ocirun_error (err, 0, "seccomp flag `%s` is not known", name);
      if (! kernel_has_flag (def->bit))
        return ocirun_error (err, EINVAL, "seccomp flag `%s` is not supported by this kernel", name);
      if (def->bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && ! notify)
        {
          ocirun_debug ("seccomp flag `%s` ignored: the profile has no SCMP_ACT_NOTIFY rule", name);
          continue;
        }
      flags |= def->bit;
    }
  *out = flags;
  return 0;
}

static bool
names_contain (const oci_strv *names, const char *name)
{
  for (size_t i = 0; i < names->len; i++)
    if (strcmp (names->items[i], name) == 0)
      return true;
  return false;
}

/* NOTIFY as default action, or on write(2), would block the init before
 * the agent has the listener: the hand-over itself writes.  runc refuses
 * both for the same reason.  NOTIFY needs an agent to talk to. */
static int
check_notify (const oci_seccomp *s, bool *notify, ocirun_error_t *err)
{
  *notify = false;
  if (s->default_action == OCI_SCMP_ACT_NOTIFY)
    return ocirun_error (err, 0, "SCMP_ACT_NOTIFY cannot be used as default action");
  for (size_t i = 0; i < s->syscalls_len; i++)
    {
      if (s->syscalls[i].action != OCI_SCMP_ACT_NOTIFY)
        continue;
      if (names_contain (&s->syscalls[i].names, "write"))
        return ocirun_error (err, 0, "SCMP_ACT_NOTIFY cannot be used for the write syscall");
      *notify = true;
    }
  /* runc finds this out only once the init hands the listener over. */
  if (*notify && (s->listener_path == NULL || *s->listener_path == '\0'))
    return ocirun_error (err, 0, "seccomp profile has SCMP_ACT_NOTIFY rules but no listenerPath");
  return 0;
}

int
seccomp_compiled_init (const oci_seccomp *s, struct seccomp_compiled *c, ocirun_error_t *err)
{
  if (check_notify (s, &c->notify, err) < 0)
    return -1;
  return filter_flags (s, c->notify, &c->flags, err);
}

int
seccomp_filter_build (const oci_seccomp *s, struct seccomp_compiled **out, ocirun_error_t *err)
{
  struct seccomp_compiled *c = calloc (1, sizeof (*c));

  if (c == NULL)
    return ocirun_error (err, errno, "allocate the seccomp filter");
  if (seccomp_compiled_init (s, c, err) < 0 || seccomp_compile_bpf (s, &c->insns, &c->len, err) < 0)
    {
      seccomp_compiled_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

bool
seccomp_filter_has_notify (const struct seccomp_compiled *c)
{
  return c->notify;
}

int
seccomp_filter_load (const struct seccomp_compiled *c, int *notify_fd, ocirun_error_t *err)
{
  struct sock_fprog prog = { .len = (unsigned short) c->len, .filter = c->insns };
  long ret;

  *notify_fd = -1;
  /* Logged before the load: afterwards the log write may be filtered. */
  ocirun_debug ("seccomp filter flags: %u", c->flags);
  if (c->flags == 0)
    ret = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
  else
    ret = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, c->flags, &prog);
  if (ret < 0 && errno == EACCES)
    return ocirun_error (err, errno, "load the seccomp filter (without noNewPrivileges it needs CAP_SYS_ADMIN)");
  if (ret < 0)
    return ocirun_error (err, errno, "load the seccomp filter (flags %u)", c->flags);
  if (c->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
    *notify_fd = (int) ret;
  return 0;
}

const char *
seccomp_library_version (void)
{
  static char buf[32];
  const struct scmp_version *v = seccomp_version ();

  snprintf (buf, sizeof (buf), "%u.%u.%u", v->major, v->minor, v->micro);
  return buf;
}

void
seccomp_compiled_free (struct seccomp_compiled *c)
{
  if (c == NULL)
    return;
  free (c->insns);
  free (c);
}
