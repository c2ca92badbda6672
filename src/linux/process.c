/* Between start and exec, in runc's order: what needs root first
 * (rlimits, oom score, priorities, personality, affinity, the bounding
 * set), then groups and ids with the capabilities kept across setuid,
 * then the capability sets, no_new_privs, umask and cwd; finally the
 * PATH lookup in the container's own environment and execve. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/linux.h"
#include "src/linux/internal.h"

static int
apply_rlimits (const oci_process *p, ocirun_error_t *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &rl) < 0)
        return ocirun_error (err, errno, "set %s to soft %llu hard %llu", p->rlimits[i].type,
                             (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
    }
  return 0;
}

static int
apply_oom_score_adj (const oci_process *p, ocirun_error_t *err)
{
  cleanup_close int fd = -1;
  char buf[16];
  int len;

  if (!p->has_oom_score_adj)
    return 0;
  fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "open `/proc/self/oom_score_adj`");
  len = snprintf (buf, sizeof (buf), "%d", p->oom_score_adj);
  if (write (fd, buf, len) != len)
    return ocirun_error (err, errno, "set oomScoreAdj to %d", p->oom_score_adj);
  return 0;
}

static int
apply_personality (const oci_config *config, ocirun_error_t *err)
{
  const oci_personality *per = config->linux ? config->linux->personality : NULL;

  if (per == NULL)
    return 0;
  /* The spec defines no flag yet: any flag is a config we cannot honour. */
  if (per->flags.len)
    return ocirun_error (err, EINVAL, "unknown personality flag `%s`", per->flags.items[0]);
  if (personality (per->domain == OCI_PER_LINUX32 ? PER_LINUX32 : PER_LINUX) < 0)
    return ocirun_error (err, errno, "set personality %s", per->domain == OCI_PER_LINUX32 ? "LINUX32" : "LINUX");
  return 0;
}

static int
apply_as_root (const oci_config *config, const oci_process *p, ocirun_error_t *err)
{
  if (apply_rlimits (p, err) < 0 || apply_oom_score_adj (p, err) < 0)
    return -1;
  if (p->has_io_priority && sched_apply_io_priority (p, err) < 0)
    return -1;
  if (p->scheduler && sched_apply_scheduler (p->scheduler, err) < 0)
    return -1;
  if (apply_personality (config, err) < 0)
    return -1;
  return process_set_cpu_affinity (0, p->exec_cpu_affinity_final, err);
}

/* setgroups is denied in a user namespace whose setgroups file says so;
 * then the groups stay as the namespace gave them, as in runc. */
static bool
setgroups_allowed (void)
{
  cleanup_file FILE *f = fopen ("/proc/self/setgroups", "re");
  char buf[16] = "";

  if (f == NULL || fgets (buf, sizeof (buf), f) == NULL)
    return true;
  return strncmp (buf, "deny", 4) != 0;
}

static int
switch_user (const oci_user *u, ocirun_error_t *err)
{
  if (setgroups_allowed ())
    {
      if (setgroups (u->additional_gids_len, (const gid_t *) u->additional_gids) < 0)
        return ocirun_error (err, errno, "setgroups");
    }
  else if (u->additional_gids_len)
    return ocirun_error (err, EPERM, "cannot set additionalGids: setgroups is denied in this user namespace");
  /* Keep the permitted set across setuid; caps_apply decides what stays. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return ocirun_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return ocirun_error (err, errno, "setgid to %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return ocirun_error (err, errno, "setuid to %u", u->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return ocirun_error (err, errno, "prctl PR_SET_KEEPCAPS");
  return 0;
}

static int
load_seccomp (const struct process_seccomp_hook *hook, ocirun_error_t *err)
{
  return hook && hook->load ? hook->load (hook->data, err) : 0;
}

int
process_apply_with_seccomp (const oci_config *config, const oci_process *p, const struct process_seccomp_hook *hook,
                            ocirun_error_t *err)
{
  bool cwd_done = false;

  if (apply_as_root (config, p, err) < 0)
    return -1;
  if (!p->no_new_privileges && load_seccomp (hook, err) < 0)
    return -1;
  if (caps_apply_bounding (p->capabilities, err) < 0)
    return -1;
  /* cwd first as root (it may be reachable only for root), again as the
   * user if root was refused (root squashing on network filesystems). */
  if (chdir (p->cwd) == 0)
    cwd_done = true;
  else if (errno != EACCES && errno != EPERM)
    return ocirun_error (err, errno, "chdir to cwd `%s`", p->cwd);
  if (switch_user (&p->user, err) < 0 || caps_apply (p->capabilities, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return ocirun_error (err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  umask (p->user.has_umask ? p->user.umask : 0022);
  if (!cwd_done && chdir (p->cwd) < 0)
    return ocirun_error (err, errno, "chdir to cwd `%s`", p->cwd);
  if (p->no_new_privileges && load_seccomp (hook, err) < 0)
    return -1;
  return 0;
}

int
process_apply (const oci_config *config, const oci_process *p, ocirun_error_t *err)
{
  return process_apply_with_seccomp (config, p, NULL, err);
}

const char *
env_lookup (const oci_strv *env, const char *name)
{
  size_t len = strlen (name);

  for (size_t i = 0; env && i < env->len; i++)
    if (strncmp (env->items[i], name, len) == 0 && env->items[i][len] == '=')
      return env->items[i] + len + 1;
  return NULL;
}

static bool
is_executable (const char *path, int *saved_errno)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return false;
  if (S_ISDIR (st.st_mode) || access (path, X_OK) < 0)
    {
      *saved_errno = EACCES;
      return false;
    }
  return true;
}

char *
path_search (const char *file, const char *path)
{
  int found_errno = ENOENT;

  if (*file == '\0')
    {
      errno = ENOENT;
      return NULL;
    }
  if (strchr (file, '/'))
    {
      if (is_executable (file, &found_errno))
        return strdup (file);
      errno = found_errno;
      return NULL;
    }
  for (const char *p = path ? path : ""; path;)
    {
      const char *end = strchrnul (p, ':');
      char *candidate = NULL;
      /* An empty element means the current directory, as in execvp. */
      int n = end == p ? asprintf (&candidate, "%s", file) : asprintf (&candidate, "%.*s/%s", (int) (end - p), p, file);

      if (n < 0)
        return NULL;
      if (is_executable (candidate, &found_errno))
        return candidate;
      free (candidate);
      if (*end == '\0')
        break;
      p = end + 1;
    }
  errno = found_errno;
  return NULL;
}

/* process.env, plus HOME from the container's /etc/passwd when unset. */
static char **
build_env (const oci_process *p)
{
  char **envp = calloc (p->env.len + 2, sizeof (char *));
  cleanup_free char *name = NULL;
  cleanup_free char *home = NULL;

  if (envp == NULL)
    return NULL;
  memcpy (envp, p->env.items, p->env.len * sizeof (char *));
  if (env_lookup (&p->env, "HOME") == NULL)
    {
      char *entry = NULL;
      if (user_lookup (getuid (), &name, &home) < 0
          || asprintf (&entry, "HOME=%s", home && *home ? home : "/") < 0)
        {
          free (envp);
          return NULL;
        }
      envp[p->env.len] = entry;
    }
  return envp;
}

char *
process_find_executable (const oci_process *p, ocirun_error_t *err)
{
  const char *file = p->args.len ? p->args.items[0] : "";
  char *path = path_search (file, env_lookup (&p->env, "PATH"));

  /* runc's (Go's LookPath's) messages: a path is stat'ed, a name searched. */
  if (path == NULL && errno == ENOENT && strchr (file, '/'))
    ocirun_error (err, ENOENT, "exec: \"%s\": stat %s", file, file);
  else if (path == NULL && errno == ENOENT)
    ocirun_error (err, 0, "exec: \"%s\": executable file not found in $PATH", file);
  else if (path == NULL)
    ocirun_error (err, errno, "exec: \"%s\"", file);
  return path;
}

int
process_check_executable (const oci_process *p, ocirun_error_t *err)
{
  static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  const char *arg0 = p->args.items[0];
  const char *path = env_lookup (&p->env, "PATH");
  cleanup_free char *from_cwd = NULL;
  cleanup_free char *found = NULL;

  if (strchr (arg0, '/') && arg0[0] != '/' && p->cwd && asprintf (&from_cwd, "%s/%s", p->cwd, arg0) < 0)
    return ocirun_error (err, ENOMEM, "process.args[0] `%s`", arg0);
  found = path_search (from_cwd ? from_cwd : arg0, path ? path : default_path);
  if (found)
    return 0;
  if (strchr (arg0, '/'))
    return ocirun_error (err, errno, "process.args[0] `%s`", arg0);
  return ocirun_error (err, 0, "process.args[0] `%s`: executable file not found in $PATH", arg0);
}

int
process_exec (const oci_process *p, ocirun_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_free char **envp = NULL;
  cleanup_free char **argv = NULL;
  const char *file = p->args.len ? p->args.items[0] : "";

  path = process_find_executable (p, err);
  if (path == NULL)
    return -1;
  envp = build_env (p);
  argv = calloc (p->args.len + 1, sizeof (char *));
  if (envp == NULL || argv == NULL)
    return ocirun_error (err, ENOMEM, "exec: \"%s\"", file);
  memcpy (argv, p->args.items, p->args.len * sizeof (char *));
  execve (path, argv, envp);
  if (envp[p->env.len])
    free (envp[p->env.len]);
  return ocirun_error (err, errno, "exec: \"%s\"", path);
}
