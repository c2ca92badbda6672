/* Mount option parsing, path comparison, and resolution inside a root
 * directory against hostile symlinks (a temp dir stands for the rootfs;
 * no privileges needed).  TAP output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "ocirun/cleanup.h"
#include "src/linux/internal.h"
#include "tests/helpers/tap.h"

static int
parse (struct mount_opts *o, char **items, size_t len)
{
  oci_strv v = { .items = items, .len = len };
  cleanup_error ocirun_error_t err = NULL;
  return mount_opts_parse (&v, o, &err);
}

#define PARSE(o, ...)                                                                                          \
  ({                                                                                                           \
    char *_items[] = { __VA_ARGS__ };                                                                          \
    parse (o, _items, sizeof (_items) / sizeof (_items[0]));                                                   \
  })

static void
test_flags (void)
{
  struct mount_opts o;

  PARSE (&o, "nosuid", "noexec", "nodev", "ro", "relatime");
  ok (o.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY | MS_RELATIME) && o.data == NULL,
      "flags of the default /sys mount");
  mount_opts_release (&o);

  PARSE (&o, "ro", "rw", "nosuid", "suid", "noexec", "exec", "nodev", "dev");
  ok (o.flags == 0, "rw/suid/exec/dev clear what ro/nosuid/noexec/nodev set, in order");
  mount_opts_release (&o);

  PARSE (&o, "sync", "async", "dirsync", "mand", "nomand", "noatime", "atime", "nodiratime", "diratime");
  ok (o.flags == MS_DIRSYNC, "sync/async, mand/nomand, atime/noatime, diratime/nodiratime");
  mount_opts_release (&o);

  PARSE (&o, "strictatime", "nostrictatime", "relatime", "norelatime", "nosymfollow", "remount");
  ok (o.flags == (MS_NOSYMFOLLOW | MS_REMOUNT), "strictatime, relatime, nosymfollow, remount");
  mount_opts_release (&o);

  PARSE (&o, "tmpcopyup", "mode=755");
  ok (o.tmpcopyup && o.flags == 0 && o.data && strcmp (o.data, "mode=755") == 0,
      "tmpcopyup is ours, not the filesystem's");
  mount_opts_release (&o);

  PARSE (&o, "bind");
  ok (o.flags == MS_BIND, "bind");
  mount_opts_release (&o);
  PARSE (&o, "rbind", "ro");
  ok (o.flags == (MS_BIND | MS_REC | MS_RDONLY), "rbind is MS_BIND|MS_REC");
  mount_opts_release (&o);
}

/* Every name runc knows is an option, not filesystem data (this also
 * catches a table that is no longer sorted for bsearch). */
static void
test_every_name_known (void)
{
  static const char *const names[] = {
    "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "iversion",
    "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime",
    "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
    "rdiratime", "relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
    "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw",
    "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent",
    "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
  };
  struct mount_opts o;

  for (size_t i = 0; i < sizeof (names) / sizeof (names[0]); i++)
    {
      char *one[] = { (char *) names[i] };
      parse (&o, one, 1);
      if (o.data != NULL)
        {
          ok (false, "`%s` is a known option", names[i]);
          mount_opts_release (&o);
          return;
        }
    }
  ok (true, "all %zu option names are known", sizeof (names) / sizeof (names[0]));
  PARSE (&o, "ridmap");
  ok (o.idmap && o.idmap_recursive, "ridmap");
  PARSE (&o, "idmap");
  ok (o.idmap && !o.idmap_recursive, "idmap");
}

static void
test_data_and_propagation (void)
{
  struct mount_opts o;
  char *many[MOUNT_MAX_PROPAGATION + 1];

  PARSE (&o, "nosuid", "mode=755", "size=65536k", "newinstance");
  ok (o.flags == MS_NOSUID && o.data && strcmp (o.data, "mode=755,size=65536k,newinstance") == 0,
      "unknown options become comma-joined data, in order (%s)", o.data ? o.data : "(null)");
  mount_opts_release (&o);

  PARSE (&o, "rbind", "rslave", "private", "shared", "runbindable");
  ok (o.propagation_len == 4 && o.propagation[0] == (MS_SLAVE | MS_REC) && o.propagation[1] == MS_PRIVATE
          && o.propagation[2] == MS_SHARED && o.propagation[3] == (MS_UNBINDABLE | MS_REC)
          && o.flags == (MS_BIND | MS_REC),
      "propagation options kept apart, in order");
  mount_opts_release (&o);

  for (size_t i = 0; i < sizeof (many) / sizeof (many[0]); i++)
    many[i] = (char *) "rprivate";
  ok (parse (&o, many, sizeof (many) / sizeof (many[0])) < 0, "too many propagation options is an error");

  ok (mount_propagation_from_name ("rslave") == (MS_SLAVE | MS_REC)
          && mount_propagation_from_name ("private") == MS_PRIVATE && mount_propagation_from_name ("ro") == 0
          && mount_propagation_from_name ("bogus") == 0,
      "rootfsPropagation names");
}

static void
test_recursive (void)
{
  struct mount_opts o;

  PARSE (&o, "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnodiratime");
  ok (o.rec_attr_set
              == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
                  | MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME)
          && o.rec_attr_clr == 0 && o.flags == 0,
      "recursive options go to mount_setattr, not to flags");
  mount_opts_release (&o);

  PARSE (&o, "rro", "rrw", "rsuid", "rdev", "rexec", "rsymfollow", "rdiratime");
  ok (o.rec_attr_set == 0
          && o.rec_attr_clr
                 == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
                     | MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME),
      "recursive clear options undo the set ones");
  mount_opts_release (&o);

  PARSE (&o, "rnoatime", "rstrictatime");
  ok (o.rec_attr_set == MOUNT_ATTR_STRICTATIME && (o.rec_attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME,
      "the last recursive atime mode wins and clears the field");
  mount_opts_release (&o);
}

static void
test_path_is (void)
{
  ok (path_is ("/dev", "/dev") && path_is ("//dev/", "/dev") && path_is ("/dev//", "/dev"),
      "path_is ignores repeated and trailing slashes");
  ok (!path_is ("/dev/pts", "/dev") && !path_is ("/devx", "/dev") && !path_is ("/de", "/dev"),
      "path_is tells different paths apart");
}

/* A fake rootfs with hostile links, and a host directory next to it. */
static char top[64];

static void
make_tree (void)
{
  char path[256], host[256];

  strcpy (top, "/tmp/test-linux-mounts.XXXXXX");
  if (mkdtemp (top) == NULL)
    abort ();
#define AT(p) (snprintf (path, sizeof (path), "%s/%s", top, p), path)
  if (mkdir (AT ("root"), 0755) < 0 || mkdir (AT ("host"), 0755) < 0 || mkdir (AT ("root/etc"), 0755) < 0)
    abort ();
  snprintf (host, sizeof (host), "%s/host", top);
  if (symlink (host, AT ("root/abs")) < 0 || symlink ("../../host", AT ("root/rel")) < 0
      || symlink ("/etc", AT ("root/inside")) < 0 || symlink ("/made/by/link", AT ("root/dangling")) < 0
      || symlink ("/proc/self/root", AT ("root/magic")) < 0)
    abort ();
}

static int
exists (const char *rel)
{
  char path[256];
  struct stat st;
  snprintf (path, sizeof (path), "%s/%s", top, rel);
  return lstat (path, &st) == 0;
}

static int
open_in (int root, const char *path, enum path_create create, bool no_symlinks)
{
  cleanup_error ocirun_error_t err = NULL;
  return path_open_in_root (root, path, create, no_symlinks, &err);
}

static void
remove_tree (void)
{
  char cmd[300];
  snprintf (cmd, sizeof (cmd), "rm -rf '%s'", top);
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", top);
}

static void
test_safe_path (const char *pass)
{
  printf ("# path resolution, %s\n", pass);
  char path[256];
  cleanup_close int root = -1;
  int fd;

  make_tree ();
  snprintf (path, sizeof (path), "%s/root", top);
  root = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);

  fd = open_in (root, "/abs/new", PATH_CREATE_DIR, false);
  snprintf (path, sizeof (path), "root%s/host/new", top);
  ok (fd >= 0 && !exists ("host/new") && exists (path),
      "a symlink to an absolute host path creates nothing on the host, but the same path in the root");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/rel/x/y", PATH_CREATE_FILE, false);
  ok (fd >= 0 && !exists ("host/x") && exists ("root/host/x/y"), "a ../.. chain stays inside the root");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/../../../host/z", PATH_CREATE_DIR, false);
  ok (fd >= 0 && !exists ("host/z") && exists ("root/host/z"), "leading .. components are clamped at the root");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/inside/passwd", PATH_CREATE_FILE, false);
  ok (fd >= 0 && exists ("root/etc/passwd"), "a symlink inside the root is followed inside it");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/dangling", PATH_CREATE_DIR, false);
  ok (fd >= 0 && exists ("root/made/by/link"), "a dangling symlink's target is created inside the root");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/magic/etc", PATH_NO_CREATE, false);
  ok (fd < 0, "magic links are refused");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/inside", PATH_NO_CREATE, true);
  ok (fd < 0, "no_symlinks refuses a symlink");
  if (fd >= 0)
    close (fd);
  fd = open_in (root, "/missing", PATH_NO_CREATE, false);
  ok (fd < 0, "PATH_NO_CREATE does not create");
  if (fd >= 0)
    close (fd);
}

/* The same cases again as on a kernel without openat2: the fallback walk. */
static void
test_safe_path_fallback (void)
{
#ifdef HAVE_SECCOMP
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  bool loaded = ctx && seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (openat2), 0) == 0
                && seccomp_load (ctx) == 0;

  seccomp_release (ctx);
  if (ok (loaded, "openat2 now fails with ENOSYS"))
    {
      test_safe_path ("fallback walk without openat2");
      remove_tree ();
    }
#else
  skip (1, "built without libseccomp");
#endif
}

int
main (void)
{
  test_flags ();
  test_every_name_known ();
  test_data_and_propagation ();
  test_recursive ();
  test_path_is ();
  test_safe_path ("openat2");
  remove_tree ();
  test_safe_path_fallback ();
  return tap_done ();
}
