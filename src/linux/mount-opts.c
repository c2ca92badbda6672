/* config.mounts[].options: the table of option names runc accepts, split
 * into mount(2) flags, propagation changes, recursive attributes
 * (mount_setattr) and filesystem data (everything unknown). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "src/linux/internal.h"

enum opt_kind { OPT_FLAG, OPT_CLEAR, OPT_PROPAGATION, OPT_REC_SET, OPT_REC_CLEAR, OPT_REC_ATIME, OPT_TMPCOPYUP, OPT_IDMAP };

struct mount_opt_def
{
  const char *name;
  enum opt_kind kind;
  uint64_t value;
};

static const struct mount_opt_def mount_opt_table[] = {
  { "async", OPT_CLEAR, MS_SYNCHRONOUS },
  { "atime", OPT_CLEAR, MS_NOATIME },
  { "bind", OPT_FLAG, MS_BIND },
  { "defaults", OPT_FLAG, 0 },
  { "dev", OPT_CLEAR, MS_NODEV },
  { "diratime", OPT_CLEAR, MS_NODIRATIME },
  { "dirsync", OPT_FLAG, MS_DIRSYNC },
  { "exec", OPT_CLEAR, MS_NOEXEC },
  { "idmap", OPT_IDMAP, 0 },
  { "iversion", OPT_FLAG, MS_I_VERSION },
  { "lazytime", OPT_FLAG, MS_LAZYTIME },
  { "loud", OPT_CLEAR, MS_SILENT },
  { "mand", OPT_FLAG, MS_MANDLOCK },
  { "noatime", OPT_FLAG, MS_NOATIME },
  { "nodev", OPT_FLAG, MS_NODEV },
  { "nodiratime", OPT_FLAG, MS_NODIRATIME },
  { "noexec", OPT_FLAG, MS_NOEXEC },
  { "noiversion", OPT_CLEAR, MS_I_VERSION },
  { "nolazytime", OPT_CLEAR, MS_LAZYTIME },
  { "nomand", OPT_CLEAR, MS_MANDLOCK },
  { "norelatime", OPT_CLEAR, MS_RELATIME },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
  { "nosuid", OPT_FLAG, MS_NOSUID },
  { "nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW },
  { "private", OPT_PROPAGATION, MS_PRIVATE },
  { "ratime", OPT_REC_ATIME, 0 },
  { "rbind", OPT_FLAG, MS_BIND | MS_REC },
  { "rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV },
  { "rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME },
  { "relatime", OPT_FLAG, MS_RELATIME },
  { "remount", OPT_FLAG, MS_REMOUNT },
  { "rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC },
  { "ridmap", OPT_IDMAP, 1 },
  { "rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME },
  { "rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV },
  { "rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME },
  { "rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC },
  { "rnorelatime", OPT_REC_ATIME, 0 },
  { "rnostrictatime", OPT_REC_ATIME, 0 },
  { "rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID },
  { "rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW },
  { "ro", OPT_FLAG, MS_RDONLY },
  { "rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC },
  { "rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
  { "rro", OPT_REC_SET, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY },
  { "rshared", OPT_PROPAGATION, MS_SHARED | MS_REC },
  { "rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC },
  { "rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME },
  { "rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID },
  { "rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
  { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
  { "rw", OPT_CLEAR, MS_RDONLY },
  { "shared", OPT_PROPAGATION, MS_SHARED },
  { "silent", OPT_FLAG, MS_SILENT },
  { "slave", OPT_PROPAGATION, MS_SLAVE },
  { "strictatime", OPT_FLAG, MS_STRICTATIME },
  { "suid", OPT_CLEAR, MS_NOSUID },
  { "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW },
  { "sync", OPT_FLAG, MS_SYNCHRONOUS },
  { "tmpcopyup", OPT_TMPCOPYUP, 0 },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
};

static int
opt_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const struct mount_opt_def *) elem)->name);
}

static const struct mount_opt_def *
mount_opt_lookup (const char *name)
{
  return bsearch (name, mount_opt_table, sizeof (mount_opt_table) / sizeof (mount_opt_table[0]),
                  sizeof (mount_opt_table[0]), opt_cmp);
}

unsigned long
mount_propagation_from_name (const char *name)
{
  const struct mount_opt_def *def = name ? mount_opt_lookup (name) : NULL;
  return def && def->kind == OPT_PROPAGATION ? def->value : 0;
}

static int
append_data (struct mount_opts *out, const char *opt)
{
  size_t old = out->data ? strlen (out->data) : 0;
  char *data = realloc (out->data, old + strlen (opt) + 2);

  if (data == NULL)
    return -1;
  if (old)
    data[old++] = ',';
  strcpy (data + old, opt);
  out->data = data;
  return 0;
}

static int
apply_def (const struct mount_opt_def *def, struct mount_opts *out, ocirun_error_t *err)
{
  switch (def->kind)
    {
    case OPT_FLAG:
      out->flags |= def->value;
      break;
    case OPT_CLEAR:
      out->flags &= ~def->value;
      break;
    case OPT_PROPAGATION:
      if (out->propagation_len == MOUNT_MAX_PROPAGATION)
        return ocirun_error (err, 0, "too many propagation options (at most %d)", MOUNT_MAX_PROPAGATION);
      out->propagation[out->propagation_len++] = def->value;
      break;
    case OPT_REC_SET:
      out->rec_attr_set |= def->value;
      out->rec_attr_clr &= ~def->value;
      break;
    case OPT_REC_CLEAR:
      out->rec_attr_clr |= def->value;
      out->rec_attr_set &= ~def->value;
      break;
    case OPT_REC_ATIME:
      /* The atime modes are one field: replace it as a whole. */
      out->rec_attr_set = (out->rec_attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | def->value;
      out->rec_attr_clr |= MOUNT_ATTR__ATIME;
      break;
    case OPT_TMPCOPYUP:
      out->tmpcopyup = true;
      break;
    case OPT_IDMAP:
      out->idmap = true;
      out->idmap_recursive = def->value != 0;
      break;
    }
  return 0;
}

int
mount_opts_parse (const oci_strv *options, struct mount_opts *out, ocirun_error_t *err)
{
  memset (out, 0, sizeof (*out));
  for (size_t i = 0; options && i < options->len; i++)
    {
      const char *opt = options->items[i];
      const struct mount_opt_def *def = mount_opt_lookup (opt);

      if (def == NULL)
        {
          if (append_data (out, opt) < 0)
            {
              mount_opts_release (out);
              return ocirun_error (err, ENOMEM, "mount option `%s`", opt);
            }
          continue;
        }
      if (apply_def (def, out, err) < 0)
        {
          mount_opts_release (out);
          return -1;
        }
    }
  return 0;
}

void
mount_opts_release (struct mount_opts *opts)
{
  free (opts->data);
  opts->data = NULL;
}
