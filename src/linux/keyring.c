/* A new session keyring per container, so that containers do not share
 * the host's session keyring (and its keys) with each other. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "ocirun/log.h"
#include "ocirun/lsm.h"

#define KEYCTL_DESCRIBE 6
#define KEYCTL_SETPERM 5
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEY_USR_SEARCH 0x00080000u
#define KEY_OTH_SEARCH 0x00000008u

static bool
keyctl_unavailable (int e)
{
  return e == ENOSYS || e == EACCES || e == EPERM;
}

/* Add search permission to the keyring's current permissions (the
 * description starts with "type;uid;gid;perm;"). */
static int
make_searchable (long key, bool userns, ocirun_error_t *err)
{
  char desc[256];
  unsigned type_end, perm;
  long n = syscall (SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof (desc) - 1);

  if (n < 0)
    return ocirun_error (err, errno, "describe the session keyring");
  desc[n < (long) sizeof (desc) ? n : (long) sizeof (desc) - 1] = '\0';
  if (sscanf (desc, "%*[^;]%n;%*u;%*u;%x;", &type_end, &perm) != 1)
    return ocirun_error (err, EINVAL, "parse the session keyring's description `%s`", desc);
  perm |= userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH;
  if (syscall (SYS_keyctl, KEYCTL_SETPERM, key, perm) < 0)
    return ocirun_error (err, errno, "set the session keyring's permissions to %08x", perm);
  return 0;
}

int
keyring_join_session (const char *id, bool userns, const char *selinux_label, ocirun_error_t *err)
{
  cleanup_free char *name = NULL;
  bool labelled = selinux_label && *selinux_label;
  long key;
  int r;

  if (asprintf (&name, "_ses.%s", id) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (labelled && lsm_set_keyring_label (selinux_label, err) < 0)
    return -1;
  key = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  r = key < 0 && !keyctl_unavailable (errno) ? ocirun_error (err, errno, "join a new session keyring `%s`", name) : 0;
  if (r == 0 && key >= 0)
    r = make_searchable (key, userns, err);
  if (labelled && lsm_set_keyring_label (NULL, NULL) < 0)
    ocirun_debug ("cannot reset the keyring label");
  return r;
}
