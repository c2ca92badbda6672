/* The Features structure: see features.h.  The static lists are what the
 * config parser and the runtime accept; seccomp's architectures and
 * supported flags are asked of libseccomp and the kernel at run time. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#ifdef HAVE_SECCOMP
# include <seccomp.h>
#endif

#include "oci-spec/features.h"
#include "oci-spec/json-gen.h"
#include "ocirun/cleanup.h"

static const char *const hooks[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* Sorted.  mount(2) flags, propagation, recursive mount_setattr(2)
 * attributes and tmpcopyup; not filesystem data options (features.md). */
static const char *const mount_options[] = {
  "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
  "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
  "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
  "rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
  "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro",
  "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared",
  "silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable", NULL,
};

static const char *const namespaces[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

static const char *const memory_policy_modes[] = {
  "MPOL_BIND", "MPOL_DEFAULT", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY",
  "MPOL_WEIGHTED_INTERLEAVE", NULL,
};

static const char *const memory_policy_flags[] = {
  "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

/* Every capability libcap can name, in number order, upper case. */
static void
gen_capabilities (json_gen *j)
{
  json_key (j, "capabilities");
  json_array_open (j);
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      char *name = cap_to_name (c);
      if (name == NULL)
        continue;
      /* libcap spells capabilities it has no name for as numbers. */
      if (strncmp (name, "cap_", 4) == 0)
        {
          for (char *p = name; *p; p++)
            *p = (char) toupper ((unsigned char) *p);
          json_string (j, name);
        }
      cap_free (name);
    }
  json_array_close (j);
}

static void
gen_cgroup (json_gen *j)
{
  json_key (j, "cgroup");
  json_map_open (j);
  json_key_bool (j, "v1", true);
  json_key_bool (j, "v2", true);
  json_key_bool (j, "systemd", false);
  json_key_bool (j, "systemdUser", false);
  json_key_bool (j, "rdma", true);
  json_map_close (j);
}

#ifdef HAVE_SECCOMP
static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL,
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
  "SCMP_CMP_NE", NULL,
};

/* The spec's SeccompArch names, sorted; listed when libseccomp knows them. */
static const char *const seccomp_archs[] = {
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH",
  "SCMP_ARCH_SHEB", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", NULL,
};

struct seccomp_flag
{
  const char *name;
  unsigned long probe; /* flags the kernel accepts together with this one */
  unsigned int api;    /* libseccomp API level that can set it; 0: none can */
};

/* ocirun passes WAIT_KILLABLE_RECV to seccomp(2) itself
 * (src/linux/seccomp-load.c): it needs the kernel, not libseccomp 2.6. */
#define WAIT_KILLABLE_API 1

static const struct seccomp_flag seccomp_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, 2 },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, 3 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, 4 },
  /* The kernel only takes it together with a notification listener. */
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", (1UL << 5) | SECCOMP_FILTER_FLAG_NEW_LISTENER, WAIT_KILLABLE_API },
};

/* "SCMP_ARCH_X86_64" -> "x86_64", libseccomp's spelling. */
static bool
arch_known (const char *spec_name)
{
  char name[32];
  size_t i;

  for (i = 0; spec_name[10 + i] && i + 1 < sizeof (name); i++)
    name[i] = (char) tolower ((unsigned char) spec_name[10 + i]);
  name[i] = '\0';
  return seccomp_arch_resolve_name (name) != 0;
}

/* The kernel checks the flags before it reads the (NULL) program: EFAULT
 * means it knows the flag, EINVAL that it does not.  Nothing is loaded. */
static bool
kernel_knows_flag (unsigned long flags)
{
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static void
gen_seccomp_flags (json_gen *j)
{
  unsigned int api = seccomp_api_get ();
  size_t n = sizeof (seccomp_flags) / sizeof (seccomp_flags[0]);
  bool any = false;

  json_key (j, "knownFlags");
  json_array_open (j);
  for (size_t i = 0; i < n; i++)
    json_string (j, seccomp_flags[i].name);
  json_array_close (j);

  for (size_t i = 0; i < n; i++)
    {
      const struct seccomp_flag *f = &seccomp_flags[i];
      if (f->api == 0 || api < f->api || !kernel_knows_flag (f->probe))
        continue;
      /* Go's omitempty: no key at all for an empty list. */
      if (!any)
        {
          json_key (j, "supportedFlags");
          json_array_open (j);
          any = true;
        }
      json_string (j, f->name);
    }
  if (any)
    json_array_close (j);
}

static void
gen_seccomp (json_gen *j)
{
  json_key (j, "seccomp");
  json_map_open (j);
  json_key_bool (j, "enabled", true);
  json_key_strv (j, "actions", seccomp_actions, -1);
  json_key_strv (j, "operators", seccomp_operators, -1);
  json_key (j, "archs");
  json_array_open (j);
  for (const char *const *a = seccomp_archs; *a; a++)
    if (arch_known (*a))
      json_string (j, *a);
  json_array_close (j);
  gen_seccomp_flags (j);
  json_map_close (j);
}
#else
static void
gen_seccomp (json_gen *j)
{
  json_key (j, "seccomp");
  json_map_open (j);
  json_key_bool (j, "enabled", false);
  json_map_close (j);
}
#endif

/* {"enabled": b} */
static void
gen_enabled (json_gen *j, const char *key, bool enabled)
{
  json_key (j, key);
  json_map_open (j);
  json_key_bool (j, "enabled", enabled);
  json_map_close (j);
}

static void
gen_linux (json_gen *j)
{
  json_key (j, "linux");
  json_map_open (j);
  json_key_strv (j, "namespaces", namespaces, -1);
  gen_capabilities (j);
  gen_cgroup (j);
  gen_seccomp (j);
  /* AppArmor needs no library: the profile is written to /proc/self/attr. */
  gen_enabled (j, "apparmor", true);
#ifdef HAVE_SELINUX
  gen_enabled (j, "selinux", true);
#else
  gen_enabled (j, "selinux", false);
#endif
  json_key (j, "intelRdt");
  json_map_open (j);
  json_key_bool (j, "enabled", true);
  json_key_bool (j, "schemata", true);
  json_key_bool (j, "monitoring", true);
  json_map_close (j);
  json_key (j, "memoryPolicy");
  json_map_open (j);
  json_key_strv (j, "modes", memory_policy_modes, -1);
  json_key_strv (j, "flags", memory_policy_flags, -1);
  json_map_close (j);
  json_key (j, "mountExtensions");
  json_map_open (j);
  gen_enabled (j, "idmap", true);
  json_map_close (j);
  gen_enabled (j, "netDevices", true);
  json_map_close (j);
}

static void
gen_annotations (json_gen *j)
{
  json_key (j, "annotations");
  json_map_open (j);
  json_key_string (j, "io.github.ocirun.checkpoint.enabled", "false");
  json_key_string (j, "io.github.ocirun.commit", OCIRUN_COMMIT);
  json_key_string (j, "io.github.ocirun.version", PACKAGE_VERSION);
#ifdef HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version ();
    char version[64];
    snprintf (version, sizeof (version), "%u.%u.%u", v->major, v->minor, v->micro);
    json_key_string (j, "io.github.seccomp.libseccomp.version", version);
  }
#endif
  json_map_close (j);
}

int
oci_features_generate (char **out, size_t *len, ocirun_error_t *err)
{
  json_gen *j = json_gen_new ("    ");

  if (j)
    {
      json_map_open (j);
      json_key_string (j, "ociVersionMin", "1.0.0");
      json_key_string (j, "ociVersionMax", OCI_SPEC_VERSION);
      json_key_strv (j, "hooks", hooks, -1);
      json_key_strv (j, "mountOptions", mount_options, -1);
      gen_linux (j);
      gen_annotations (j);
      json_map_close (j);
    }
  return json_gen_finish (j, true, "the features document", out, len, err);
}
