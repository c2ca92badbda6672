/* linux.seccomp -> libseccomp -> BPF.  The program is exported rather
 * than loaded by libseccomp: seccomp-load.c installs it with seccomp(2)
 * itself (as runc's patchbpf does), which gives every kernel flag whatever
 * libseccomp we build against (2.5.4 has no WAIT_KILLABLE_RECV), lets the
 * -ENOSYS stub be prepended (seccomp-enosys.c) and the program be cached
 * (seccomp-cache.c). */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "ocirun/seccomp.h"
#include "seccomp-internal.h"

#define SYSCALL_MAX_ARGS 6

/* Above this many rules libseccomp's binary-tree layout is faster; runc
 * uses the same threshold (libseccomp <= 2.5.4 breaks with 0 rules). */
#define OPTIMIZE_THRESHOLD 32

static void
filter_releasep (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_filter __attribute__ ((cleanup (filter_releasep)))

/* The libseccomp action for an OCI action.  ERRNO and TRACE without
 * errnoRet return EPERM, as runc. */
static int
action_value (int action, bool has_errno_ret, uint32_t errno_ret, uint32_t *out, ocirun_error_t *err)
{
  uint32_t ret = has_errno_ret ? errno_ret : EPERM;

  switch (action)
    {
    case OCI_SCMP_ACT_KILL:
    case OCI_SCMP_ACT_KILL_THREAD:
      *out = SCMP_ACT_KILL_THREAD;
      return 0;
    case OCI_SCMP_ACT_KILL_PROCESS:
      *out = SCMP_ACT_KILL_PROCESS;
      return 0;
    case OCI_SCMP_ACT_TRAP:
      *out = SCMP_ACT_TRAP;
      return 0;
    case OCI_SCMP_ACT_ERRNO:
      *out = SCMP_ACT_ERRNO (ret);
      return 0;
    case OCI_SCMP_ACT_TRACE:
      *out = SCMP_ACT_TRACE (ret);
      return 0;
    case OCI_SCMP_ACT_ALLOW:
      *out = SCMP_ACT_ALLOW;
      return 0;
    case OCI_SCMP_ACT_LOG:
      *out = SCMP_ACT_LOG;
      return 0;
    case OCI_SCMP_ACT_NOTIFY:
      *out = SCMP_ACT_NOTIFY;
      return 0;
    }
  return ocirun_error (err, 0, "unknown seccomp action %d", action);
}

static int
operator_value (int op, enum scmp_compare *out, ocirun_error_t *err)
{
  static const enum scmp_compare ops[] = {
    [OCI_SCMP_CMP_NE] = SCMP_CMP_NE, [OCI_SCMP_CMP_LT] = SCMP_CMP_LT, [OCI_SCMP_CMP_LE] = SCMP_CMP_LE,
    [OCI_SCMP_CMP_EQ] = SCMP_CMP_EQ, [OCI_SCMP_CMP_GE] = SCMP_CMP_GE, [OCI_SCMP_CMP_GT] = SCMP_CMP_GT,
    [OCI_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
  };

  if (op < 0 || (size_t) op >= sizeof (ops) / sizeof (ops[0]) || ops[op] == _SCMP_CMP_MIN)
    return ocirun_error (err, 0, "unknown seccomp operator %d", op);
  *out = ops[op];
  return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64". */
int
seccomp_arch_token (const char *name, uint32_t *out, ocirun_error_t *err)
{
  static const char prefix[] = "SCMP_ARCH_";
  char lower[32];
  const char *p;
  size_t i;

  if (strncmp (name, prefix, sizeof (prefix) - 1) != 0 || strlen (name) - (sizeof (prefix) - 1) >= sizeof (lower))
    return ocirun_error (err, 0, "unknown seccomp architecture `%s`", name);
  p = name + sizeof (prefix) - 1;
  for (i = 0; p[i]; i++)
    lower[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char) (p[i] - 'A' + 'a') : p[i];
  lower[i] = '\0';
  *out = seccomp_arch_resolve_name (lower);
  if (*out == 0)
    return ocirun_error (err, 0, "unknown seccomp architecture `%s`", name);
  return 0;
}

static int
add_arches (scmp_filter_ctx ctx, const oci_seccomp *s, ocirun_error_t *err)
{
  for (size_t i = 0; i < s->architectures.len; i++)
    {
      const char *name = s->architectures.items[i];
      uint32_t token;
      int rc;

      if (seccomp_arch_token (name, &token, err) < 0)
        return -1;
      rc = seccomp_arch_add (ctx, token);
      /* The native architecture is always there already. */
      if (rc < 0 && rc != -EEXIST)
        return ocirun_error (err, -rc, "add seccomp architecture `%s`", name);
    }
  return 0;
}

/* runc's rule: when an argument index appears more than once the args
 * are alternatives, each its own rule (OR); otherwise they all belong to
 * one rule (AND).  Sets *separate accordingly. */
static int
build_conditions (const oci_seccomp_syscall *sc, struct scmp_arg_cmp *cmps, bool *separate, ocirun_error_t *err)
{
  unsigned int count[SYSCALL_MAX_ARGS] = { 0 };

  *separate = false;
  for (size_t i = 0; i < sc->args_len; i++)
    {
      const oci_seccomp_arg *a = &sc->args[i];
      enum scmp_compare op = _SCMP_CMP_MIN;

      if (a->index >= SYSCALL_MAX_ARGS)
        return ocirun_error (err, 0, "seccomp rule for `%s`: argument index %u out of range 0-%d",
                             sc->names.len ? sc->names.items[0] : "", a->index, SYSCALL_MAX_ARGS - 1);
      if (operator_value (a->op, &op, err) < 0)
        return -1;
      if (++count[a->index] > 1)
        *separate = true;
      cmps[i] = (struct scmp_arg_cmp) { .arg = a->index, .op = op, .datum_a = a->value, .datum_b = a->value_two };
    }
  return 0;
}

static int
add_rules_for (scmp_filter_ctx ctx, const char *name, uint32_t action, const struct scmp_arg_cmp *cmps,
               size_t ncmps, bool separate, size_t *added, ocirun_error_t *err)
{
  int nr = seccomp_syscall_resolve_name (name);
  int rc;

  if (nr == __NR_SCMP_ERROR)
    {
      /* Probably newer than this libseccomp: not fatal, as in runc. */
      ocirun_debug ("unknown seccomp syscall `%s` ignored", name);
      return 0;
    }
  if (! separate)
    {
      rc = seccomp_rule_add_array (ctx, action, nr, (unsigned int) ncmps, cmps);
      if (rc < 0)
        return ocirun_error (err, -rc, "add seccomp rule for syscall `%s`", name);
      (*added)++;
      return 0;
    }
  for (size_t i = 0; i < ncmps; i++)
    {
      rc = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
      if (rc < 0)
        return ocirun_error (err, -rc, "add seccomp rule for syscall `%s`", name);
      (*added)++;
    }
  return 0;
}

static int
add_syscall_rules (scmp_filter_ctx ctx, const oci_seccomp_syscall *sc, uint32_t default_action, size_t *added,
                   ocirun_error_t *err)
{
  cleanup_free struct scmp_arg_cmp *cmps = NULL;
  uint32_t action;
  bool separate;

  if (action_value (sc->action, sc->has_errno_ret, sc->errno_ret, &action, err) < 0)
    return -1;
  /* libseccomp refuses a rule that repeats the default action. */
  if (action == default_action)
    return 0;
  cmps = calloc (sc->args_len ? sc->args_len : 1, sizeof (*cmps));
  if (cmps == NULL)
    return ocirun_error (err, errno, "allocate seccomp conditions");
  if (build_conditions (sc, cmps, &separate, err) < 0)
    return -1;
  for (size_t i = 0; i < sc->names.len; i++)
    {
      const char *name = sc->names.items[i];

      if (name == NULL || *name == '\0')
        return ocirun_error (err, 0, "empty string is not a valid seccomp syscall name");
      if (add_rules_for (ctx, name, action, cmps, sc->args_len, separate, added, err) < 0)
        return -1;
    }
  return 0;
}

int
seccomp_read_fd (int fd, const char *what, char **buf, size_t *len, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;
  struct stat st;
  size_t done = 0;

  if (fstat (fd, &st) < 0)
    return ocirun_error (err, errno, "fstat %s", what);
  data = malloc (st.st_size ? st.st_size : 1);
  if (data == NULL)
    return ocirun_error (err, errno, "allocate %s", what);
  while (done < (size_t) st.st_size)
    {
      ssize_t n = pread (fd, data + done, st.st_size - done, done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirun_error (err, errno, "read %s", what);
      if (n == 0)
        return ocirun_error (err, 0, "read %s: file shrank while reading", what);
      done += n;
    }
  *buf = steal_pointer (&data);
  *len = done;
  return 0;
}

static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **insns, size_t *len, ocirun_error_t *err)
{
  cleanup_close int fd = memfd_create ("ocirun-seccomp-bpf", MFD_CLOEXEC);
  char *data = NULL;
  size_t size;
  int rc;

  if (fd < 0)
    return ocirun_error (err, errno, "memfd_create for the seccomp BPF");
  rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    return ocirun_error (err, -rc, "export the seccomp filter as BPF");
  if (seccomp_read_fd (fd, "the exported seccomp BPF", &data, &size, err) < 0)
    return -1;
  if (size == 0 || size % sizeof (struct sock_filter) != 0 || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      free (data);
      return ocirun_error (err, 0, "libseccomp exported a seccomp BPF program of %zu bytes: invalid or over %d instructions",
                           size, BPF_MAXINSNS);
    }
  *insns = (struct sock_filter *) data;
  *len = size / sizeof (struct sock_filter);
  return 0;
}

int
seccomp_compile_bpf (const oci_seccomp *s, struct sock_filter **insns, size_t *len, ocirun_error_t *err)
{
  cleanup_filter scmp_filter_ctx ctx = NULL;
  uint32_t default_action;
  size_t added = 0;
  int rc;

  if (action_value (s->default_action, s->has_default_errno_ret, s->default_errno_ret, &default_action, err) < 0)
    return -1;
  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return ocirun_error (err, 0, "initialise the seccomp filter (default action %#x)", default_action);
  if (add_arches (ctx, s, err) < 0)
    return -1;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (add_syscall_rules (ctx, &s->syscalls[i], default_action, &added, err) < 0)
      return -1;
  if (added > OPTIMIZE_THRESHOLD)
    {
      rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
      if (rc < 0)
        ocirun_debug ("seccomp binary tree optimization not available: %s", strerror (-rc));
    }
  if (export_bpf (ctx, insns, len, err) < 0)
    return -1;
  return seccomp_enosys_patch (s, insns, len, err);
}
