/* linux.sysctl key rules (runc's): which namespace each key needs.  TAP. */
#include "config.h"

#include <string.h>

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"
#include "tests/helpers/tap.h"

static bool
allowed (const oci_config *config, const char *key, const char *want_in_msg)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *msg = NULL;
  int r = sysctl_check_key (config, key, &err);

  if (r == 0)
    return want_in_msg == NULL;
  msg = ocirun_error_format (err);
  return want_in_msg && strstr (msg, want_in_msg) && strstr (msg, key);
}

int
main (void)
{
  oci_namespace all[] = { { .type = OCI_NS_IPC }, { .type = OCI_NS_NETWORK }, { .type = OCI_NS_UTS } };
  oci_linux with_ns = { .namespaces = all, .namespaces_len = 3 };
  oci_linux without_ns = { 0 };
  oci_config c = { .linux = &with_ns };
  oci_config host = { .linux = &without_ns };

  ok (allowed (&c, "kernel.shmmax", NULL) && allowed (&c, "kernel.msgmnb", NULL)
          && allowed (&c, "kernel.shm_rmid_forced", NULL) && allowed (&c, "fs.mqueue.msg_max", NULL),
      "ipc keys with an ipc namespace");
  ok (allowed (&host, "kernel.sem", "host's ipc namespace") && allowed (&host, "fs.mqueue.queues_max", "ipc"),
      "ipc keys without one are refused");
  ok (allowed (&c, "net.ipv4.ip_forward", NULL) && allowed (&c, "net/ipv4/conf/eth0.100/forwarding", NULL),
      "net.* with a network namespace, dotted or with slashes");
  ok (allowed (&host, "net.ipv4.ip_forward", "host's network namespace"), "net.* without one is refused");
  ok (allowed (&c, "kernel.domainname", NULL), "kernel.domainname with a uts namespace");
  ok (allowed (&c, "kernel.hostname", "conflicts with the `hostname` field"), "kernel.hostname is refused");
  ok (allowed (&host, "kernel.domainname", "not in a separate kernel namespace"),
      "kernel.domainname without a uts namespace is refused");
  ok (allowed (&c, "vm.swappiness", "not in a separate kernel namespace")
          && allowed (&c, "kernel.panic", "not in a separate kernel namespace"),
      "keys of no namespace are refused");
  ok (allowed (&c, "net...x", "invalid sysctl name") && allowed (&c, "net/../../x", "invalid sysctl name")
          && allowed (&c, "", "invalid sysctl name") && allowed (&c, "net.ipv4.", "invalid sysctl name")
          && allowed (&c, "net/ipv4/", "invalid sysctl name"),
      "names with empty or .. components are refused");
  return tap_done ();
}
