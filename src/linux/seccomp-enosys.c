/* The -ENOSYS stub runc prepends to every non-permissive filter (runc's
 * libcontainer/seccomp/patchbpf): a syscall whose number is above every
 * syscall the profile names, on the caller's architecture, fails with
 * ENOSYS instead of getting the default action.  Such a syscall is newer
 * than the profile, and ENOSYS is what makes libc fall back to an older
 * one (clone3 -> clone, faccessat2 -> faccessat...) where EPERM would be
 * taken as a real refusal.
 *
 * Layout (all jumps forward, so short ones suffice):
 *     ld  arch
 *     block per audit architecture:
 *         jeq AUDIT_ARCH_x, next insn, next block
 *         ld  nr
 *         [s390: jeq 0 (the multiplexer), ENOSYS]
 *         [x86_64: jset X32 bit to tell x86_64 and x32 apart]
 *         jgt max, ENOSYS, FILTER
 *     ja  FILTER              (no architecture matched)
 *     ret ERRNO(ENOSYS)
 *   FILTER: libseccomp's program, unchanged. */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ocirun/log.h"
#include "seccomp-internal.h"

#define X32_SYSCALL_BIT 0x40000000U
#define MAX_GROUPS 32

/* One kernel audit architecture; x86_64 and x32 share one. */
struct arch_group
{
  uint32_t audit;
  int max;     /* largest syscall of the native ABI, 0: none */
  int x32_max; /* largest x32 syscall (with the X32 bit), 0: none */
  bool s390;
};

struct stub
{
  struct sock_filter insn[256];
  size_t n;
  size_t enosys, filter; /* indexes of the ENOSYS return and of the filter */
};

static int
largest_syscall (const oci_seccomp *s, uint32_t token)
{
  int max = 0;
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t j = 0; j < s->syscalls[i].names.len; j++)
      {
        /* Unknown names and libseccomp's negative pseudo numbers do not count. */
        int nr = seccomp_syscall_resolve_name_arch (token, s->syscalls[i].names.items[j]);
        if (nr > max)
          max = nr;
      }
  return max;
}

static int
add_arch (const oci_seccomp *s, uint32_t token, struct arch_group *groups, size_t *ngroups)
{
  uint32_t audit = token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
  int max = largest_syscall (s, token);
  struct arch_group *g = NULL;

  for (size_t i = 0; i < *ngroups; i++)
    if (groups[i].audit == audit)
      g = &groups[i];
  if (g == NULL)
    {
      if (*ngroups == MAX_GROUPS)
        return -1;
      g = &groups[(*ngroups)++];
      *g = (struct arch_group) { .audit = audit, .s390 = token == SCMP_ARCH_S390 || token == SCMP_ARCH_S390X };
    }
  if (max == 0)
    ocirun_warn ("could not find any syscalls for seccomp arch %#x", token);
  else if (token == SCMP_ARCH_X32)
    g->x32_max = max;
  else
    g->max = max;
  return 0;
}

static size_t
block_size (const struct arch_group *g)
{
  size_t n = 2 + (g->s390 ? 1 : 0); /* jeq arch, ld nr */
  if (g->audit == AUDIT_ARCH_X86_64)
    return n + 1 + (g->max != 0) + (g->x32_max != 0);
  return n + 1;
}

static void
jump (struct stub *st, uint16_t op, uint32_t k, size_t jt, size_t jf)
{
  size_t pc = st->n++;
  st->insn[pc] = (struct sock_filter) BPF_JUMP (BPF_JMP | op | BPF_K, k, jt - pc - 1, jf - pc - 1);
}

static void
emit_block (struct stub *st, const struct arch_group *g)
{
  size_t end = st->n + block_size (g);

  jump (st, BPF_JEQ, g->audit, st->n + 1, end);
  st->insn[st->n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
  if (g->s390)
    jump (st, BPF_JEQ, 0, st->enosys, st->n + 1);
  if (g->audit == AUDIT_ARCH_X86_64 && g->max && g->x32_max)
    jump (st, BPF_JSET, X32_SYSCALL_BIT, st->n + 2, st->n + 1);
  else if (g->audit == AUDIT_ARCH_X86_64 && g->max)
    jump (st, BPF_JSET, X32_SYSCALL_BIT, st->filter, st->n + 1);
  else if (g->audit == AUDIT_ARCH_X86_64)
    jump (st, BPF_JSET, X32_SYSCALL_BIT, st->n + 1, st->filter);
  if (g->max)
    jump (st, BPF_JGT, (uint32_t) g->max, st->enosys, st->filter);
  if (g->x32_max)
    jump (st, BPF_JGT, (uint32_t) g->x32_max, st->enosys, st->filter);
}

/* runc: only behind a non-permissive default action, and not when the
 * default already is ENOSYS. */
static bool
needs_stub (const oci_seccomp *s)
{
  if (s->has_default_errno_ret && s->default_errno_ret == ENOSYS)
    return false;
  return s->default_action != OCI_SCMP_ACT_ALLOW && s->default_action != OCI_SCMP_ACT_LOG
         && s->default_action != OCI_SCMP_ACT_TRACE;
}

static int
collect_groups (const oci_seccomp *s, struct arch_group *groups, size_t *ngroups, ocirun_error_t *err)
{
  /* The native architecture always counts, listed or not (as runc). */
  if (add_arch (s, seccomp_arch_native (), groups, ngroups) < 0)
    return ocirun_error (err, 0, "too many seccomp architectures");
  for (size_t i = 0; i < s->architectures.len; i++)
    {
      uint32_t token;
      if (seccomp_arch_token (s->architectures.items[i], &token, err) < 0)
        return -1;
      if (add_arch (s, token, groups, ngroups) < 0)
        return ocirun_error (err, 0, "too many seccomp architectures");
    }
  return 0;
}

int
seccomp_enosys_patch (const oci_seccomp *s, struct sock_filter **insns, size_t *len, ocirun_error_t *err)
{
  struct arch_group groups[MAX_GROUPS];
  struct stub st = { .n = 0 };
  struct sock_filter *patched;
  size_t ngroups = 0, size = 1 + 2;

  if (! needs_stub (s))
    return 0;
  if (collect_groups (s, groups, &ngroups, err) < 0)
    return -1;
  for (size_t i = 0; i < ngroups; i++)
    size += (groups[i].max || groups[i].x32_max) ? block_size (&groups[i]) : 0;
  /* Every jump stays within the stub: short jumps reach (255 max). */
  if (size > 255 || *len + size > BPF_MAXINSNS)
    return ocirun_error (err, 0, "seccomp filter too large for the -ENOSYS stub (%zu + %zu instructions)", *len, size);
  st.enosys = size - 1;
  st.filter = size;
  st.insn[st.n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  for (size_t i = 0; i < ngroups; i++)
    if (groups[i].max || groups[i].x32_max)
      emit_block (&st, &groups[i]);
  st.insn[st.n++] = (struct sock_filter) BPF_STMT (BPF_JMP | BPF_JA, 1);
  st.insn[st.n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  patched = malloc ((size + *len) * sizeof (*patched));
  if (patched == NULL)
    return ocirun_error (err, errno, "allocate the seccomp filter");
  memcpy (patched, st.insn, size * sizeof (*patched));
  memcpy (patched + size, *insns, *len * sizeof (*patched));
  free (*insns);
  *insns = patched;
  *len += size;
  ocirun_debug ("seccomp: prepended a %zu-instruction -ENOSYS stub to the filter", size);
  return 0;
}
