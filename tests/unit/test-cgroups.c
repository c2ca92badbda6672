/* The pure parts of the cgroup code: runc's v1 -> v2 conversions, the
 * device rule list, and the linux.resources document of `update -r`. */
#include "config.h"

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

int
main (void)
{
  printf ("1..30\n");
  test_weights ();
  test_swap ();
  test_device_rules ();
  test_resources_document ();
  return failures ? 1 : 0;
}
