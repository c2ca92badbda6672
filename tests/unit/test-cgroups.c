/* The pure parts of the cgroup code: runc's v1 -> v2 conversions, the
 * device rule list, and the linux.resources document of `update -r`. */
#include "config.h"

#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-spec/config.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "src/cgroups/resources.h"

static int test_number;
static int failures;

static void
check (bool ok, const char *desc)
{
  printf ("%sok %d - %s\n", ok ? "" : "not ", ++test_number, desc);
  if (!ok)
    failures++;
}

static void
test_weights (void)
{
  /* Values as runc's ConvertCPUSharesToCgroupV2Value / ConvertBlkIOToIOWeightValue give them. */
  check (cgroup_shares_to_weight (0) == 0, "shares 0 stays unset");
  check (cgroup_shares_to_weight (2) == 1, "shares 2 -> weight 1");
  check (cgroup_shares_to_weight (1024) == 39, "shares 1024 -> weight 39");
  check (cgroup_shares_to_weight (262144) == 10000, "shares 262144 -> weight 10000");
  check (cgroup_shares_to_weight (1) == 1, "shares below 2 clamp to weight 1");
  check (cgroup_blkio_to_io_weight (0) == 0, "blkio weight 0 stays unset");
  check (cgroup_blkio_to_io_weight (10) == 1, "blkio weight 10 -> io.weight 1");
  check (cgroup_blkio_to_io_weight (500) == 4950, "blkio weight 500 -> io.weight 4950");
  check (cgroup_blkio_to_io_weight (1000) == 10000, "blkio weight 1000 -> io.weight 10000");
}

static bool
swap_is (int64_t swap, int64_t limit, int64_t want)
{
  ocirun_error_t err = NULL;
  int64_t got = 12345;

  if (cgroup_swap_to_v2 (swap, limit, &got, &err) < 0)
    {
      ocirun_error_release (&err);
      return false;
    }
  return got == want;
}

static bool
swap_fails (int64_t swap, int64_t limit, const char *needle)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *msg = NULL;
  int64_t got;

  if (cgroup_swap_to_v2 (swap, limit, &got, &err) == 0)
    return false;
  msg = ocirun_error_format (err);
  return msg && strstr (msg, needle);
}

static void
test_swap (void)
{
  check (swap_is (0, -1, -1), "unlimited memory without swap: unlimited swap");
  check (swap_is (-1, 100, -1), "swap -1 is max");
  check (swap_is (0, 100, 0), "swap 0 stays unset");
  check (swap_is (300, 100, 200), "swap.max is memory+swap minus memory");
  check (swap_is (100, 100, 0), "memory+swap equal to memory: no swap");
  check (swap_fails (50, 100, "below memory.limit"), "memory+swap below memory is refused");
  check (swap_fails (200, 0, "needs a memory.limit"), "swap without a memory limit is refused");
  check (swap_fails (200, -1, "needs a memory.limit"), "swap with unlimited memory is refused");
}

static void
test_device_rules (void)
{
  oci_device_rule config_rules[] = {
    { .allow = false, .type = 'a', .access = (char *) "rwm" },
    { .allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 1, .access = (char *) "r" },
    { .allow = false, .type = 'b', .has_major = true, .major = 8, .access = NULL },
  };
  oci_resources r = { .devices = config_rules, .devices_len = 3 };
  oci_linux linux = { .resources = &r };
  oci_config config = { .linux = &linux };
  cleanup_free struct cgroup_dev_rule *rules = NULL;
  ocirun_error_t err = NULL;
  size_t n = 0;

  check (cgroup_device_rules (&config, &rules, &n, &err) == 0 && n == 1 + 3 + 11, "rules: deny all, config, defaults");
  if (rules == NULL || n != 15)
    return;
  check (!rules[0].allow && rules[0].type == 'a' && rules[0].major == -1 && strcmp (rules[0].access, "rwm") == 0,
         "the list starts with deny all");
  check (rules[2].allow && rules[2].type == 'c' && rules[2].major == 1 && rules[2].minor == 1
             && strcmp (rules[2].access, "r") == 0,
         "a config rule keeps its fields");
  check (!rules[3].allow && rules[3].major == 8 && rules[3].minor == -1 && strcmp (rules[3].access, "rwm") == 0,
         "absent minor is any, absent access is rwm");
  check (rules[4].allow && rules[4].type == 'c' && rules[4].major == -1 && strcmp (rules[4].access, "m") == 0,
         "runc's defaults follow: mknod of any char device");
  check (rules[6].major == 1 && rules[6].minor == 3 && rules[14].major == 10 && rules[14].minor == 200,
         "/dev/null among the defaults, tun last");
  free (rules);
  rules = NULL;
  config.linux = NULL;
  check (cgroup_device_rules (&config, &rules, &n, &err) == 0 && n == 12, "no config rules: deny all and defaults");
}

static void
test_resources_document (void)
{
  static const char doc[] = "{\"memory\":{\"limit\":1048576,\"swap\":-1},\"cpu\":{\"shares\":512,\"cpus\":\"0-1\"},"
                            "\"pids\":{\"limit\":9},\"blockIO\":{\"weight\":300},\"unified\":{\"memory.high\":\"max\"}}";
  oci_resources *r = NULL;
  ocirun_error_t err = NULL;

  check (oci_resources_parse_data ("r.json", doc, strlen (doc), &r, &err) == 0, "a linux.resources document parses");
  if (r)
    {
      check (r->memory && r->memory->has_limit && r->memory->limit == 1048576 && r->memory->swap == -1
                 && !r->memory->has_reservation,
             "memory fields and their presence");
      check (r->cpu && r->cpu->shares == 512 && strcmp (r->cpu->cpus, "0-1") == 0 && !r->cpu->has_quota, "cpu fields");
      check (r->has_pids_limit && r->pids_limit == 9 && r->block_io && r->block_io->weight == 300, "pids and blockIO");
      check (r->unified.len == 1 && strcmp (r->unified.keys[0], "memory.high") == 0, "unified");
      oci_resources_free (r);
    }
  r = NULL;
  static const char bad[] = "{\"pids\":{\"limit\":\"x\"}}";
  check (oci_resources_parse_data ("r.json", bad, strlen (bad), &r, &err) < 0 && r == NULL, "a wrong type is refused");
  ocirun_error_release (&err);
}

/* Runs the device program on one access, with the few instructions it
 * uses; -1 for anything else (or a jump out of the program). */
static int
run_program (const struct bpf_insn *p, size_t n, char type, int major, int minor, const char *access)
{
  uint32_t ctx[3];
  uint64_t r[11] = { 0 };
  int acc = 0;

  for (const char *a = access; *a; a++)
    acc |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
  ctx[0] = (uint32_t) acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  ctx[1] = (uint32_t) major;
  ctx[2] = (uint32_t) minor;
  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *i = &p[pc];
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W: r[i->dst_reg] = ctx[i->off / 4]; break;
        case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = (uint32_t) (r[i->dst_reg] & (uint32_t) i->imm); break;
        case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = (uint32_t) r[i->dst_reg] >> i->imm; break;
        case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t) r[i->src_reg]; break;
        case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = (uint64_t) (int64_t) i->imm; break;
        case BPF_JMP | BPF_JNE | BPF_K: pc += r[i->dst_reg] != (uint64_t) (int64_t) i->imm ? i->off : 0; break;
        case BPF_JMP | BPF_JNE | BPF_X: pc += r[i->dst_reg] != r[i->src_reg] ? i->off : 0; break;
        case BPF_JMP | BPF_EXIT: return (int) r[0];
        default: return -1;
        }
    }
  return -1;
}

static void
test_bpf_program (void)
{
  /* deny all; allow c 1:1 r; deny c 1:* w; allow c 136:* rwm; deny a *:* m; allow b 8:0 rwm */
  const struct cgroup_dev_rule rules[] = {
    { false, 'a', -1, -1, "rwm" }, { true, 'c', 1, 1, "r" },     { false, 'c', 1, -1, "w" },
    { true, 'c', 136, -1, "rwm" }, { false, 'a', -1, -1, "m" }, { true, 'b', 8, 0, "rwm" },
  };
  cleanup_free struct bpf_insn *p = NULL;
  size_t n = 0;

  p = cgroup_bpf_program (rules, 6, &n);
  check (p != NULL && n > 0 && p[n - 1].code == (BPF_JMP | BPF_EXIT), "the device program ends with exit");
  if (p == NULL)
    return;
  check (run_program (p, n, 'c', 1, 1, "r") == 1, "c 1:1 r is allowed");
  check (run_program (p, n, 'c', 1, 1, "w") == 0, "c 1:1 w: the later deny of c 1:* w wins");
  check (run_program (p, n, 'c', 1, 1, "rw") == 0, "c 1:1 rw: r alone does not cover it");
  check (run_program (p, n, 'c', 136, 4, "rw") == 1, "c 136:* matches any minor");
  check (run_program (p, n, 'c', 136, 4, "m") == 0, "mknod: the later deny a *:* m wins");
  check (run_program (p, n, 'b', 8, 0, "m") == 1, "b 8:0 rwm, the last rule, wins over it");
  check (run_program (p, n, 'b', 8, 1, "r") == 0, "b 8:1 falls back to deny all");
  check (run_program (p, n, 'c', 5, 1, "r") == 0, "an unlisted device is denied");
  free (p);
  /* A catch-all allow last: nothing before it can matter, nothing after is emitted. */
  const struct cgroup_dev_rule all[] = { { false, 'c', 1, 3, "rwm" }, { true, 'a', -1, -1, "rwm" } };
  p = cgroup_bpf_program (all, 2, &n);
  check (p != NULL && run_program (p, n, 'c', 1, 3, "w") == 1 && n == 6 + 2, "allow a *:* rwm last: all allowed");
}

int
main (void)
{
  printf ("1..40\n");
  test_weights ();
  test_swap ();
  test_device_rules ();
  test_resources_document ();
  test_bpf_program ();
  return failures ? 1 : 0;
}
