/* ocirun exec [flags] ID [COMMAND [ARGS...]] | -p process.json ID
 * As runc's: the process comes from --process, or from the container's
 * config.json process with COMMAND as its args and the flags applied
 * (env appended, cwd, user, additional gids, caps, no-new-privs, labels).
 * Failures of ocirun itself exit 255, never a code the process could
 * have returned. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "commands.h"
#include "ocirun/cleanup.h"
#include "ocirun/container.h"

struct exec_flags
{
  const char *process, *console_socket, *pid_file, *cwd, *user, *process_label, *apparmor;
  struct cmdline_list env, additional_gids, caps, cgroups;
  bool tty, detach, no_new_privs, no_new_privs_set, ignore_paused;
  int preserve_fds;
};

static void
exec_flags_release (struct exec_flags *f)
{
  cmdline_list_free (&f->env);
  cmdline_list_free (&f->additional_gids);
  cmdline_list_free (&f->caps);
  cmdline_list_free (&f->cgroups);
}

/* Append copies of `values` to a NULL-terminated string array. */
static int
strv_extend (oci_strv *v, const char *const *values, size_t n, ocirun_error_t *err)
{
  char **items = realloc (v->items, (v->len + n + 1) * sizeof (char *));

  if (items == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  v->items = items;
  for (size_t i = 0; i < n; i++)
    {
      items[v->len] = strdup (values[i]);
      if (items[v->len] == NULL)
        return ocirun_error (err, ENOMEM, "allocate");
      items[++v->len] = NULL;
    }
  items[v->len] = NULL;
  return 0;
}

static int
replace_string (char **field, const char *value, ocirun_error_t *err)
{
  char *copy = strdup (value);

  if (copy == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  free (*field);
  *field = copy;
  return 0;
}

/* A decimal id as strconv.Atoi takes it; 32 bits as the spec's ids. */
static int
parse_id (const char *text, const char *what, uint32_t *out, ocirun_error_t *err)
{
  char *end = NULL;
  long long v;

  errno = 0;
  v = strtoll (text, &end, 10);
  if (errno || end == text || *end != '\0' || v < 0 || v > UINT32_MAX)
    return ocirun_error (err, 0, "bad %s `%s`: expected a number", what, text);
  *out = (uint32_t) v;
  return 0;
}

static int
apply_user (oci_process *p, const struct exec_flags *f, ocirun_error_t *err)
{
  if (f->user && *f->user)
    {
      cleanup_free char *uid = strdup (f->user);
      char *colon = uid ? strchr (uid, ':') : NULL;

      if (uid == NULL)
        return ocirun_error (err, ENOMEM, "allocate");
      if (colon)
        *colon = '\0';
      if ((colon && parse_id (colon + 1, "gid", &p->user.gid, err) < 0) || parse_id (uid, "uid", &p->user.uid, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < f->additional_gids.len; i++)
    {
      uint32_t gid, *grown;
      if (parse_id (f->additional_gids.items[i], "additional gid", &gid, err) < 0)
        return -1;
      grown = realloc (p->user.additional_gids, (p->user.additional_gids_len + 1) * sizeof (*grown));
      if (grown == NULL)
        return ocirun_error (err, ENOMEM, "allocate");
      grown[p->user.additional_gids_len++] = gid;
      p->user.additional_gids = grown;
    }
  return 0;
}

/* --cap: into bounding, effective and permitted; ambient too when the
 * config has inheritable capabilities (ambient needs them), as runc. */
static int
apply_caps (oci_process *p, const struct exec_flags *f, ocirun_error_t *err)
{
  oci_capabilities *c;
  size_t n = f->caps.len;

  if (n == 0)
    return 0;
  if (p->capabilities == NULL && (p->capabilities = calloc (1, sizeof (oci_capabilities))) == NULL)
    return ocirun_error (err, ENOMEM, "allocate");
  c = p->capabilities;
  if (strv_extend (&c->bounding, f->caps.items, n, err) < 0 || strv_extend (&c->effective, f->caps.items, n, err) < 0
      || strv_extend (&c->permitted, f->caps.items, n, err) < 0)
    return -1;
  if (c->inheritable.items && strv_extend (&c->ambient, f->caps.items, n, err) < 0)
    return -1;
  return 0;
}

static int
apply_flags (oci_process *p, const struct exec_flags *f, int argc, char **argv, ocirun_error_t *err)
{
  oci_strv args = { 0 };

  if (argc < 1)
    return ocirun_error (err, 0, "exec args cannot be empty");
  if (strv_extend (&args, (const char *const *) argv, argc, err) < 0)
    {
      for (size_t i = 0; i < args.len; i++)
        free (args.items[i]);
      free (args.items);
      return -1;
    }
  for (size_t i = 0; i < p->args.len; i++)
    free (p->args.items[i]);
  free (p->args.items);
  p->args = args;
  if ((f->cwd && *f->cwd && replace_string (&p->cwd, f->cwd, err) < 0)
      || (f->apparmor && *f->apparmor && replace_string (&p->apparmor_profile, f->apparmor, err) < 0)
      || (f->process_label && *f->process_label && replace_string (&p->selinux_label, f->process_label, err) < 0))
    return -1;
  if (apply_caps (p, f, err) < 0 || strv_extend (&p->env, f->env.items, f->env.len, err) < 0)
    return -1;
  p->terminal = f->tty;
  if (f->no_new_privs_set)
    p->no_new_privileges = f->no_new_privs;
  return apply_user (p, f, err);
}

/* runc's validateProcessSpec. */
static int
validate_process (const oci_process *p, ocirun_error_t *err)
{
  if (p->cwd == NULL || *p->cwd == '\0')
    return ocirun_error (err, 0, "Cwd property must not be empty");
  if (p->cwd[0] != '/')
    return ocirun_error (err, 0, "Cwd must be an absolute path");
  if (p->args.len == 0)
    return ocirun_error (err, 0, "args must not be empty");
  return 0;
}

static int
load_process (struct ocirun_global *g, const struct exec_flags *f, int argc, char **argv, oci_process **out,
              ocirun_error_t *err)
{
  oci_config *config = NULL;

  if (f->process)
    {
      if (oci_process_parse_file (f->process, out, err) < 0)
        return -1;
      return validate_process (*out, err);
    }
  if (container_load_config (g->root, argv[0], &config, err) < 0)
    return -1;
  *out = config->process;
  config->process = NULL;
  oci_config_free (config);
  if (*out == NULL)
    return ocirun_error (err, 0, "container `%s` has no process in its config", argv[0]);
  if (apply_flags (*out, f, argc - 1, argv + 1, err) < 0)
    return -1;
  return validate_process (*out, err);
}

static int
run_exec (struct ocirun_global *g, const struct exec_flags *f, int argc, char **argv, ocirun_error_t *err)
{
  __attribute__ ((cleanup (oci_process_freep))) oci_process *process = NULL;
  struct container_exec_opts opts = {
    .root = g->root, .id = argv[0], .console_socket = f->console_socket, .pid_file = f->pid_file,
    .cgroups = f->cgroups.len ? f->cgroups.items : NULL, .preserve_fds = f->preserve_fds,
    .detach = f->detach, .ignore_paused = f->ignore_paused,
  };
  int code = 0;

  if (load_process (g, f, argc, argv, &process, err) < 0)
    return -1;
  opts.process = process;
  if (container_exec (&opts, &code, err) < 0)
    return -1;
  return code;
}

int
cmd_exec (struct ocirun_global *g, int argc, char **argv, ocirun_error_t *err)
{
  struct exec_flags f __attribute__ ((cleanup (exec_flags_release))) = { 0 };
  struct cmdline_option options[] = {
    CMDLINE_STRING ("console-socket", 0, &f.console_socket,
                    "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"),
    CMDLINE_STRING ("cwd", 0, &f.cwd, "current working directory in the container"),
    CMDLINE_LIST ("env", 'e', &f.env, "set environment variables"),
    CMDLINE_BOOL ("tty", 't', &f.tty, "allocate a pseudo-TTY"),
    CMDLINE_STRING ("user", 'u', &f.user, "UID (format: <uid>[:<gid>])"),
    CMDLINE_LIST ("additional-gids", 'g', &f.additional_gids, "additional gids"),
    CMDLINE_STRING ("process", 'p', &f.process, "path to the process.json"),
    CMDLINE_BOOL ("detach", 'd', &f.detach, "detach from the container's process"),
    CMDLINE_STRING ("pid-file", 0, &f.pid_file, "specify the file to write the process id to"),
    CMDLINE_STRING ("process-label", 0, &f.process_label,
                    "set the asm process label for the process commonly used with selinux"),
    CMDLINE_STRING ("apparmor", 0, &f.apparmor, "set the apparmor profile for the process"),
    CMDLINE_BOOL ("no-new-privs", 0, &f.no_new_privs, "set the no new privileges value for the process"),
    CMDLINE_LIST ("cap", 'c', &f.caps, "add a capability to the bounding set for the process"),
    CMDLINE_INT ("preserve-fds", 0, &f.preserve_fds,
                 "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) (default: 0)"),
    CMDLINE_LIST ("cgroup", 0, &f.cgroups,
                  "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>."),
    CMDLINE_BOOL ("ignore-paused", 0, &f.ignore_paused, "allow exec in a paused container"),
    CMDLINE_END,
  };
  const struct cmdline_command cmd = {
    .args = "<container-id> <command> [command options]  || -p process.json <container-id>",
    .description = "Where \"<container-id>\" is the name for the instance of the container and\n"
                   "\"<command>\" is the command to be executed in the container.\n"
                   "\"<command>\" can't be empty unless a \"-p\" flag provided.",
    .options = options,
    .min_args = 1,
    .max_args = -1,
  };
  int first = cmdline_parse (&cmd, argc, argv, err), code;

  if (first <= 0)
    return first;
  /* From here on a failure is ocirun's, not the process's: 255. */
  g->fail_status = 255;
  /* --no-new-privs=false overrides the config, absence keeps it. */
  for (int i = 1; i < first; i++)
    if (strcmp (argv[i], "--no-new-privs") == 0 || strncmp (argv[i], "--no-new-privs=", 15) == 0)
      f.no_new_privs_set = true;
  code = run_exec (g, &f, argc - first, argv + first, err);
  if (code < 0)
    ocirun_error_wrap (err, "exec failed");
  return code;
}
