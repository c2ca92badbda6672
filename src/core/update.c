/* `update`: new limits on a live container's cgroups, and its Intel RDT
 * schemata when the host has resctrl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "oci-spec/json-gen.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"
#include "ocirun/utils.h"

/* The container's resctrl group is <resctrl mount>/<id>, as runc names it. */
static int
update_rdt (const char *id, const char *schema, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;

  if (access ("/sys/fs/resctrl/schemata", F_OK) < 0)
    return ocirun_error (err, errno, "Intel RDT: resctrl is not mounted at /sys/fs/resctrl");
  if (asprintf (&path, "/sys/fs/resctrl/%s/schemata", id) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (access (path, F_OK) < 0)
    return ocirun_error (err, errno, "Intel RDT: container `%s` has no resctrl group (`%s`)", id, path);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, schema, strlen (schema)) < 0)
    return ocirun_error (err, errno, "write `%s` to `%s`", schema, path);
  return 0;
}

static void
tree_freep (yajl_val *v)
{
  yajl_tree_free (*v);
}

/* The saved config.json with `r_json` as (merged into) linux.resources. */
static int
save_resources (const char *dir, const char *r_json, ocirun_error_t *err)
{
  cleanup_free char *path = NULL, *data = NULL, *wrapped = NULL, *out = NULL;
  yajl_val base __attribute__ ((cleanup (tree_freep))) = NULL;
  yajl_val overlay __attribute__ ((cleanup (tree_freep))) = NULL;
  json_gen *j;
  size_t len;

  if (asprintf (&path, "%s/" CONFIG_FILE, dir) < 0 || asprintf (&wrapped, "{\"linux\":{\"resources\":%s}}", r_json) < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  if (read_file (path, &data, NULL, err) < 0)
    return -1;
  base = yajl_tree_parse (data, NULL, 0);
  if (base == NULL || !YAJL_IS_OBJECT (base))
    return ocirun_error (err, 0, "`%s` is not a JSON object", path);
  overlay = yajl_tree_parse (wrapped, NULL, 0);
  if (overlay == NULL)
    return ocirun_error (err, 0, "the new resources are not JSON: %s", r_json);
  j = json_gen_new ("\t");
  if (j)
    json_tree_merged (j, base, overlay);
  if (json_gen_finish (j, true, path, &out, &len, err) < 0)
    return -1;
  return write_file_atomic (path, out, len, 0600, err);
}

int
container_update (const char *root, const char *id, const oci_resources *r, const char *r_json,
                  const char *l3_cache, const char *mem_bw, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int lock_fd = -1;

  if (state_lock (root, id, &lock_fd, err) < 0 || state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) == STATUS_STOPPED)
    return ocirun_error (err, 0, "container not running");
  if (cgroup_apply_resources (st.cgroups, r, err) < 0)
    return -1;
  if (l3_cache && update_rdt (id, l3_cache, err) < 0)
    return -1;
  if (mem_bw && update_rdt (id, mem_bw, err) < 0)
    return -1;
  return r_json ? save_resources (st.dir, r_json, err) : 0;
}
