/* cgroup v2 has no devices controller: access to device nodes is decided
 * by a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup.  We
 * build it from the rules (checked from the last one back, the first
 * match deciding: runc's "last matching rule wins") and load and attach it
 * with bpf(2) directly.  A program replaces the ones attached before. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "resources.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN (BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_K(op, d, i) INSN (BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_X(d, s) INSN (BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_K(d, i) INSN (BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JNE_K(d, i, o) INSN (BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JNE_X(d, s, o) INSN (BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers once the context is read: r2 type, r3 access, r4 major, r5 minor. */
enum { R_TMP = 1, R_TYPE = 2, R_ACCESS = 3, R_MAJOR = 4, R_MINOR = 5 };
#define MAX_RULE_INSNS 8

static int
access_bits (const char *access)
{
  int bits = 0;

  for (const char *p = access; *p; p++)
    bits |= *p == 'm' ? BPF_DEVCG_ACC_MKNOD : *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
  return bits;
}

/* One rule: fall through to the next block unless every field matches;
 * the jumps' offsets are patched once the block's length is known. */
static size_t
rule_block (const struct cgroup_dev_rule *r, struct bpf_insn *out)
{
  const int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  int bits = access_bits (r->access);
  size_t n = 0;

  if (r->type != 'a')
    out[n++] = JNE_K (R_TYPE, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
  if (bits != all)
    {
      /* Matches when the requested access is within the rule's. */
      out[n++] = MOV32_X (R_TMP, R_ACCESS);
      out[n++] = ALU32_K (BPF_AND, R_TMP, bits);
      out[n++] = JNE_X (R_TMP, R_ACCESS, 0);
    }
  if (r->major >= 0)
    out[n++] = JNE_K (R_MAJOR, (int32_t) r->major, 0);
  if (r->minor >= 0)
    out[n++] = JNE_K (R_MINOR, (int32_t) r->minor, 0);
  out[n++] = MOV64_K (0, r->allow ? 1 : 0);
  out[n++] = EXIT ();
  for (size_t i = 0; i < n; i++)
    if (BPF_CLASS (out[i].code) == BPF_JMP && BPF_OP (out[i].code) == BPF_JNE)
      out[i].off = (int16_t) (n - i - 1);
  return n;
}

struct bpf_insn *
cgroup_bpf_program (const struct cgroup_dev_rule *rules, size_t n_rules, size_t *n)
{
  struct bpf_insn *p = calloc (6 + n_rules * MAX_RULE_INSNS + 2, sizeof (*p));
  size_t i = 0;

  if (p == NULL)
    return NULL;
  /* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor. */
  p[i++] = LDX_W (R_TYPE, 1, 0);
  p[i++] = ALU32_K (BPF_AND, R_TYPE, 0xffff);
  p[i++] = LDX_W (R_ACCESS, 1, 0);
  p[i++] = ALU32_K (BPF_RSH, R_ACCESS, 16);
  p[i++] = LDX_W (R_MAJOR, 1, 4);
  p[i++] = LDX_W (R_MINOR, 1, 8);
  for (size_t r = n_rules; r-- > 0;)
    {
      i += rule_block (&rules[r], p + i);
      /* A rule matching everything decides alone: what would follow is
       * unreachable, which the verifier refuses. */
      if (rules[r].type == 'a' && rules[r].major < 0 && rules[r].minor < 0 && access_bits (rules[r].access) == 7)
        {
          *n = i;
          return p;
        }
    }
  p[i++] = MOV64_K (0, 0);
  p[i++] = EXIT ();
  *n = i;
  return p;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (__NR_bpf, cmd, attr, sizeof (*attr));
}

static int
load_program (const struct bpf_insn *insns, size_t n, ocirun_error_t *err)
{
  static char log[65536];
  union bpf_attr attr;
  int fd;

  memset (&attr, 0, sizeof (attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uintptr_t) "Apache";
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  /* Again with the verifier's log, for the message. */
  attr.log_buf = (uintptr_t) log;
  attr.log_size = sizeof (log);
  attr.log_level = 1;
  log[0] = '\0';
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  return ocirun_error (err, errno, "load the device cgroup eBPF program (%zu instructions)%s%.300s", n,
                       log[0] ? ": " : "", log);
}

/* The ids of the device programs attached to the cgroup now. */
static int
attached_programs (int cgroup_fd, const char *dir, uint32_t *ids, uint32_t *n, ocirun_error_t *err)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof (attr));
  attr.query.target_fd = cgroup_fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uintptr_t) ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return ocirun_error (err, errno, "query the device programs of `%s`", dir);
  *n = attr.query.prog_cnt;
  return 0;
}

static int
detach_program (int cgroup_fd, const char *dir, uint32_t id, ocirun_error_t *err)
{
  union bpf_attr attr;
  cleanup_close int fd = -1;

  memset (&attr, 0, sizeof (attr));
  attr.prog_id = id;
  fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    return errno == ENOENT ? 0 : ocirun_error (err, errno, "open device program %u of `%s`", id, dir);
  memset (&attr, 0, sizeof (attr));
  attr.target_fd = cgroup_fd;
  attr.attach_bpf_fd = fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
    return ocirun_error (err, errno, "detach device program %u from `%s`", id, dir);
  return 0;
}

int
cgroup_bpf_devices (const char *dir, const struct cgroup_dev_rule *rules, size_t n, ocirun_error_t *err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_close int prog = -1, cgroup_fd = -1;
  uint32_t old[64], n_old = 64;
  union bpf_attr attr;
  size_t n_insns;

  insns = cgroup_bpf_program (rules, n, &n_insns);
  if (insns == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  prog = load_program (insns, n_insns, err);
  if (prog < 0)
    return -1;
  cgroup_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgroup_fd < 0)
    return ocirun_error (err, errno, "open `%s`", dir);
  if (attached_programs (cgroup_fd, dir, old, &n_old, err) < 0)
    return -1;
  /* Attach first, detach the old ones after: no moment without a filter. */
  memset (&attr, 0, sizeof (attr));
  attr.target_fd = cgroup_fd;
  attr.attach_bpf_fd = prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return ocirun_error (err, errno, "attach the device eBPF program to `%s`", dir);
  for (uint32_t i = 0; i < n_old && i < 64; i++)
    if (detach_program (cgroup_fd, dir, old[i], err) < 0)
      return -1;
  return 0;
}
