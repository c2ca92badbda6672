/* `state` and `list`: read-only, never locking, so they never wait on a
 * container whose operation hangs or whose processes are gone. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "ocirun/cleanup.h"
#include "ocirun/utils.h"

struct info_priv
{
  struct container_state st;
  oci_config *config;
  char *owner;
};

static const oci_map no_annotations;

/* Of the config only the annotations are shown, most configs have none,
 * and a full parse is most of what `list` costs per container.  A JSON
 * key can spell "annotations" only literally or with a backslash escape. */
static bool
may_have_annotations (const char *data, size_t len)
{
  return memchr (data, '\\', len) != NULL || memmem (data, len, "\"annotations\"", 13) != NULL;
}

/* The state, and the config's annotations when they are shown. */
static int
info_load (const char *root, const char *id, bool annotations, struct container_info *out, ocirun_error_t *err)
{
  struct info_priv *p = calloc (1, sizeof (*p));
  cleanup_free char *config = NULL, *data = NULL;
  enum container_status status;
  size_t len;

  memset (out, 0, sizeof (*out));
  if (p == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  out->priv = p;
  if (state_load (root, id, &p->st, err) < 0)
    return -1;
  if (annotations)
    {
      if (asprintf (&config, "%s/" CONFIG_FILE, p->st.dir) < 0)
        return ocirun_error (err, ENOMEM, "allocate");
      if (read_file (config, &data, &len, err) < 0)
        return -1;
      if (may_have_annotations (data, len) && oci_config_parse_data (config, data, len, &p->config, err) < 0)
        return -1;
    }
  status = state_status (&p->st);
  out->state = (oci_state){
    .oci_version = OCI_SPEC_VERSION, .id = p->st.id, .status = state_status_name (status),
    .pid = status == STATUS_STOPPED ? 0 : p->st.pid, .bundle = p->st.bundle, .rootfs = p->st.rootfs,
    .created = p->st.created, .owner = "", .annotations = p->config ? &p->config->annotations : NULL,
    .has_exit_status = status == STATUS_STOPPED && p->st.has_exit, .exit_status = p->st.exit_status,
    .exited = p->st.exited,
  };
  if (out->state.annotations == NULL)
    out->state.annotations = &no_annotations;
  return 0;
}

int
container_info (const char *root, const char *id, struct container_info *out, ocirun_error_t *err)
{
  return info_load (root, id, true, out, err);
}

void
container_info_free (struct container_info *info)
{
  struct info_priv *p = info->priv;

  if (p == NULL)
    return;
  state_release (&p->st);
  oci_config_free (p->config);
  free (p->owner);
  free (p);
  info->priv = NULL;
}

/* list's OWNER: the user owning the state directory, as runc. */
static void
set_owner (struct container_info *info)
{
  struct info_priv *p = info->priv;
  /* Every directory of a root has the same owner, as a rule: look the
   * name up once, not once per container (each lookup reads passwd). */
  static uid_t last_uid = (uid_t) -1;
  static char *last_name;
  struct stat st;
  struct passwd *pw;

  if (stat (p->st.dir, &st) < 0)
    return;
  if (last_name == NULL || last_uid != st.st_uid)
    {
      pw = getpwuid (st.st_uid);
      free (last_name);
      last_name = pw ? strdup (pw->pw_name) : NULL;
      last_uid = st.st_uid;
    }
  if (last_name)
    p->owner = strdup (last_name);
  else if (asprintf (&p->owner, "#%u", (unsigned) st.st_uid) < 0)
    p->owner = NULL;
  if (p->owner)
    info->state.owner = p->owner;
}

static int
by_id (const void *a, const void *b)
{
  return strcmp (((const struct container_info *) a)->state.id, ((const struct container_info *) b)->state.id);
}

int
container_list (const char *root, bool annotations, struct container_info **out, size_t *n, ocirun_error_t *err)
{
  cleanup_dir DIR *dir = opendir (root);
  struct container_info *all = NULL;
  size_t count = 0;
  struct dirent *de;

  *out = NULL;
  *n = 0;
  if (dir == NULL)
    return errno == ENOENT ? 0 : ocirun_error (err, errno, "open `%s`", root);
  while ((de = readdir (dir)))
    {
      struct container_info info, *grown;
      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      if (info_load (root, de->d_name, annotations, &info, err) < 0)
        {
          /* Being created or deleted right now: not listed, as runc. */
          container_info_free (&info);
          ocirun_error_release (err);
          continue;
        }
      set_owner (&info);
      grown = realloc (all, (count + 1) * sizeof (*all));
      if (grown == NULL)
        {
          container_info_free (&info);
          break;
        }
      all = grown;
      all[count++] = info;
    }
  if (count > 1)
    qsort (all, count, sizeof (*all), by_id);
  *out = all;
  *n = count;
  return 0;
}
