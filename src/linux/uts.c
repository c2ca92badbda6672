/* hostname and domainname of the container's uts namespace. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ocirun/linux.h"

static bool
has_uts_namespace (const oci_config *config)
{
  for (size_t i = 0; config->linux && i < config->linux->namespaces_len; i++)
    if (config->linux->namespaces[i].type == OCI_NS_UTS)
      return true;
  return false;
}

int
linux_set_hostname (const oci_config *config, ocirun_error_t *err)
{
  /* An empty name is no name, as in runc. */
  const char *host = config->hostname && *config->hostname ? config->hostname : NULL;
  const char *domain = config->domainname && *config->domainname ? config->domainname : NULL;

  /* Without its own uts namespace the container would rename the host. */
  if ((host || domain) && !has_uts_namespace (config))
    return ocirun_error (err, 0, "unable to set %s without a private UTS namespace",
                         host ? "hostname" : "domainname");
  if (host && sethostname (host, strlen (host)) < 0)
    return ocirun_error (err, errno, "set hostname `%s`", host);
  if (domain && setdomainname (domain, strlen (domain)) < 0)
    return ocirun_error (err, errno, "set domainname `%s`", config->domainname);
  return 0;
}
