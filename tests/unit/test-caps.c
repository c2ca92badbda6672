/* process.capabilities names (src/linux/caps.c): a name that is no
 * capability is an error naming it; a real capability newer than the
 * running kernel (above cap_last_cap) is skipped with a warning, as runc,
 * so that configs written on newer hosts still run.  The kernel here knows
 * every capability in our table, so the older kernel is simulated. */
#include "config.h"

#include <string.h>
#include <sys/prctl.h>

#include "src/linux/internal.h"
#include "tests/helpers/tap.h"


int
main (void)
{
  oci_capabilities caps = { 0 };
  const char *all[41];
  ocirun_error_t err = NULL;
  const char *bad[] = { "CAP_KILL", "CAP_TEST", NULL };
  int bounded_before = prctl (PR_CAPBSET_READ, 40, 0, 0, 0);

  ok (cap_value_from_name ("CAP_CHECKPOINT_RESTORE") == 40 && cap_value_from_name ("CAP_TEST") < 0,
      "names map to the kernel's numbers; CAP_TEST to none");
  caps.bounding.items = (char **) bad;
  caps.bounding.len = 2;
  caps_apply_bounding (&caps, &err);
  ok (err && strstr (err->msg, "`CAP_TEST`") && strstr (err->msg, "bounding"),
      "CAP_TEST is an error naming it and the set: %s", err ? err->msg : "(none)");
  ocirun_error_release (&err);
  /* A kernel that stops at CAP_BPF (39): the full list, CHECKPOINT_RESTORE
   * included, is accepted; nothing is dropped (every known one is kept)
   * and capability 40 is not touched. */
  for (int v = 0; v < 41; v++)
    all[v] = cap_name_from_value (v);
  caps_override_last_cap (39);
  caps.bounding.items = (char **) all;
  caps.bounding.len = 41;
  ok (caps_apply_bounding (&caps, &err) == 0, "a capability above cap_last_cap is skipped, not an error");
  ok (prctl (PR_CAPBSET_READ, 40, 0, 0, 0) == bounded_before,
      "the capability the kernel does not know is left alone");
  caps_override_last_cap (-1);
  ocirun_error_release (&err);
  return tap_done ();
}
