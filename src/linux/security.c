/* process_security_apply: what create's init and exec's child both do
 * before execve (include/ocirun/linux.h). */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "ocirun/linux.h"
#include "ocirun/lsm.h"
#include "ocirun/seccomp.h"

static int
load_and_hand_over (void *data, ocirun_error_t *err)
{
  const struct process_security *sec = data;
  int listener = -1, r;

  if (seccomp_filter_load (sec->seccomp, &listener, err) < 0)
    return -1;
  if (listener < 0)
    return 0;
  r = sec->notify_handover ? sec->notify_handover (sec->data, listener, err)
                           : ocirun_error (err, 0, "seccomp NOTIFY rules but no way to hand the listener over");
  close (listener);
  return r;
}

int
process_security_apply (const oci_config *config, const oci_process *p, const struct process_security *sec,
                        ocirun_error_t *err)
{
  struct process_seccomp_hook hook = { .load = load_and_hand_over, .data = (void *) sec };

  if (lsm_apply_exec_labels (p, err) < 0)
    return -1;
  return process_apply_with_seccomp (config, p, sec && sec->seccomp ? &hook : NULL, err);
}
