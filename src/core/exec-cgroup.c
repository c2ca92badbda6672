/* Where an exec'd process goes: the container's cgroup in every
 * hierarchy, or an existing sub-cgroup of it (--cgroup, as runc's:
 * "PATH" in every hierarchy, "CTRL[,CTRL]:PATH" in the hierarchies of
 * those v1 controllers, the others staying at the container's). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "ocirun/cgroups.h"
#include "ocirun/cleanup.h"

/* "a/b" under the container's directory; ".." could leave it. */
static int
check_sub_path (const char *arg, const char *path, ocirun_error_t *err)
{
  cleanup_free char *copy = strdup (path);
  char *save = NULL;

  if (copy == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    if (strcmp (c, "..") == 0)
      return ocirun_error (err, 0, "invalid --cgroup argument `%s`: `..` is not allowed", arg);
  return 0;
}

/* Whether the v1 hierarchy mounted with `controllers` ("cpu,cpuacct")
 * holds one of `wanted` ("cpu,memory"). */
static bool
holds_any (const char *controllers, const char *wanted)
{
  size_t wl = strlen (wanted);

  for (const char *w = wanted; w < wanted + wl;)
    {
      size_t len = strcspn (w, ",");
      for (const char *c = controllers; *c;)
        {
          size_t clen = strcspn (c, ",");
          if (clen == len && strncmp (c, w, len) == 0)
            return true;
          c += clen + (c[clen] == ',');
        }
      w += len + 1;
    }
  return false;
}

/* The controllers of the v1 hierarchy holding `dir` ("" for cgroup2). */
static const char *
dir_controllers (const char *dir, const struct cgroup_mount *v1, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      size_t len = strlen (v1[i].mountpoint);
      if (strncmp (dir, v1[i].mountpoint, len) == 0 && dir[len] == '/')
        return v1[i].controllers;
    }
  return "";
}

static int
validate_controllers (const char *arg, const char *wanted, const struct cgroup_mount *v1, size_t n,
                      ocirun_error_t *err)
{
  cleanup_free char *copy = strdup (wanted);
  char *save = NULL;

  if (copy == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  if (*wanted == '\0' || strstr (wanted, ",,") || wanted[strlen (wanted) - 1] == ',')
    return ocirun_error (err, 0, "invalid --cgroup argument `%s` (empty <controller> prefix)", arg);
  for (char *c = strtok_r (copy, ",", &save); c; c = strtok_r (NULL, ",", &save))
    {
      bool found = false;
      for (size_t i = 0; i < n && !found; i++)
        found = holds_any (v1[i].controllers, c);
      if (!found)
        return ocirun_error (err, 0, "invalid --cgroup argument `%s`: no cgroup hierarchy has controller `%s`",
                             arg, c);
    }
  return 0;
}

/* The sub-path for `dir` from one --cgroup argument, or NULL. */
static int
apply_argument (const char *arg, char **dirs, char **sub, const struct cgroup_mount *v1, size_t n,
                size_t n_args, ocirun_error_t *err)
{
  const char *colon = strchr (arg, ':');
  cleanup_free char *wanted = colon ? strndup (arg, colon - arg) : NULL;
  const char *path = colon ? colon + 1 : arg;

  if (colon == NULL && n_args != 1)
    return ocirun_error (err, 0, "invalid --cgroup argument `%s` (missing <controller>: prefix)", arg);
  if ((colon && wanted == NULL) || check_sub_path (arg, path, err) < 0)
    return colon && wanted == NULL ? ocirun_error (err, ENOMEM, "allocate") : -1;
  if (colon && validate_controllers (arg, wanted, v1, n, err) < 0)
    return -1;
  for (size_t i = 0; dirs[i]; i++)
    {
      if (colon && !holds_any (dir_controllers (dirs[i], v1, n), wanted))
        continue;
      if (sub[i])
        return ocirun_error (err, 0, "invalid --cgroup argument(s): `%s` names a hierarchy twice", arg);
      sub[i] = (char *) path;
    }
  return 0;
}

static int
join_paths (struct exec_run *r, char **sub, size_t count, ocirun_error_t *err)
{
  r->cgroups = calloc (count + 1, sizeof (char *));
  if (r->cgroups == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  for (size_t i = 0; i < count; i++)
    {
      int ret = sub[i] ? asprintf (&r->cgroups[i], "%s/%s", r->st.cgroups[i], sub[i] + strspn (sub[i], "/"))
                       : ((r->cgroups[i] = strdup (r->st.cgroups[i])) ? 0 : -1);
      if (ret < 0)
        {
          r->cgroups[i] = NULL;
          return ocirun_error (err, ENOMEM, "allocate");
        }
    }
  return 0;
}

int
exec_resolve_cgroups (struct exec_run *r, ocirun_error_t *err)
{
  const char *const *args = r->opts->cgroups;
  struct cgroup_mount *v1 = NULL;
  cleanup_free char **sub = NULL;
  size_t count = 0, n_args = 0, n = 0;
  int ret = 0;

  while (r->st.cgroups && r->st.cgroups[count])
    count++;
  while (args && args[n_args])
    n_args++;
  sub = calloc (count + 1, sizeof (char *));
  if (sub == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  if (n_args && cgroup_v1_mounts (&v1, &n, err) < 0)
    return -1;
  for (size_t i = 0; ret == 0 && i < n_args; i++)
    ret = apply_argument (args[i], r->st.cgroups, sub, v1, n, n_args, err);
  cgroup_mounts_free (v1, n);
  if (ret < 0)
    return -1;
  return join_paths (r, sub, count, err);
}
