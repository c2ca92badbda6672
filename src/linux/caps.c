/* process.capabilities: names mapped by our own table (so a name means the
 * same whatever libcap was built with), bounding set dropped while still
 * root, then effective/permitted/inheritable set with libcap and ambient
 * raised one by one. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "src/linux/internal.h"

/* Index = the capability's number (linux/capability.h). */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define CAP_TABLE_LEN ((int) (sizeof (cap_names) / sizeof (cap_names[0])))

int
cap_value_from_name (const char *name)
{
  for (int i = 0; i < CAP_TABLE_LEN; i++)
    if (strcmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *
cap_name_from_value (int value)
{
  return value >= 0 && value < CAP_TABLE_LEN ? cap_names[value] : NULL;
}

static int cached_last_cap = -1;

void
caps_override_last_cap (int last)
{
  cached_last_cap = last;
}

static int
last_cap (void)
{
  int cached = cached_last_cap;
  cleanup_file FILE *f = NULL;

  if (cached >= 0)
    return cached;
  f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
  if (f == NULL || fscanf (f, "%d", &cached) != 1)
    cached = CAP_LAST_CAP;
  cached_last_cap = cached;
  return cached;
}

/* Turn a list of names into a bit mask of capabilities the kernel has;
 * an unknown name is an error, one the kernel lacks only a warning. */
static int
caps_mask (const oci_strv *names, const char *set, uint64_t *mask, ocirun_error_t *err)
{
  *mask = 0;
  for (size_t i = 0; i < names->len; i++)
    {
      int v = cap_value_from_name (names->items[i]);
      if (v < 0)
        return ocirun_error (err, 0, "unknown capability `%s` in the %s set", names->items[i], set);
      if (v > last_cap ())
        {
          ocirun_warn ("capability `%s` is not supported by this kernel: ignored", names->items[i]);
          continue;
        }
      *mask |= (uint64_t) 1 << v;
    }
  return 0;
}

/* No capabilities object: the process gets none, as in runc. */
static const oci_capabilities no_caps;

int
caps_apply_bounding (const oci_capabilities *caps, ocirun_error_t *err)
{
  uint64_t keep;

  if (caps == NULL)
    caps = &no_caps;
  if (caps_mask (&caps->bounding, "bounding", &keep, err) < 0)
    return -1;
  for (int v = 0; v <= last_cap (); v++)
    if (!(keep & ((uint64_t) 1 << v)) && prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0)
      return ocirun_error (err, errno, "drop capability %d from the bounding set", v);
  return 0;
}

static int
set_flag (cap_t c, cap_flag_t flag, uint64_t mask, ocirun_error_t *err)
{
  for (int v = 0; v <= last_cap (); v++)
    {
      cap_value_t value = v;
      if ((mask & ((uint64_t) 1 << v)) && cap_set_flag (c, flag, 1, &value, CAP_SET) < 0)
        return ocirun_error (err, errno, "set capability %d", v);
    }
  return 0;
}

static int
raise_ambient (const oci_strv *ambient, uint64_t mask)
{
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return 0;
  /* Raising needs the capability in both permitted and inheritable;
   * runc silently skips one that is not (the default `spec` config asks
   * for ambient caps without inheritable ones), so this is only debug. */
  for (size_t i = 0; i < ambient->len; i++)
    {
      int v = cap_value_from_name (ambient->items[i]);
      if (v >= 0 && (mask & ((uint64_t) 1 << v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
        ocirun_debug ("cannot raise ambient capability `%s`: %s", ambient->items[i], strerror (errno));
    }
  return 0;
}

int
caps_apply (const oci_capabilities *caps, ocirun_error_t *err)
{
  uint64_t eff, prm, inh, amb;
  cap_t c;
  int r;

  if (caps == NULL)
    caps = &no_caps;
  if (caps_mask (&caps->effective, "effective", &eff, err) < 0
      || caps_mask (&caps->permitted, "permitted", &prm, err) < 0
      || caps_mask (&caps->inheritable, "inheritable", &inh, err) < 0
      || caps_mask (&caps->ambient, "ambient", &amb, err) < 0)
    return -1;
  c = cap_init ();
  if (c == NULL)
    return ocirun_error (err, errno, "cap_init");
  r = set_flag (c, CAP_EFFECTIVE, eff, err);
  if (r == 0)
    r = set_flag (c, CAP_PERMITTED, prm, err);
  if (r == 0)
    r = set_flag (c, CAP_INHERITABLE, inh, err);
  if (r == 0 && cap_set_proc (c) < 0)
    r = ocirun_error (err, errno, "set the process capabilities");
  cap_free (c);
  if (r < 0)
    return -1;
  return raise_ambient (&caps->ambient, amb);
}
