/* Compiled-BPF cache.  libseccomp needs ~13 ms to compile podman's default
 * profile (x86_64 + x86 + x32) on every container start; the cache makes
 * that a file read.  An entry is named after a hash of its key and holds
 * the whole key, so a hash collision is a miss, never a wrong filter.  The
 * key covers everything the BPF depends on: the profile's rules, the
 * libseccomp version, the kernel API level libseccomp detected and the
 * native architecture.  Flags are not cached: they are probed per build. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocirun/cleanup.h"
#include "ocirun/log.h"
#include "ocirun/seccomp.h"
#include "ocirun/utils.h"
#include "seccomp-internal.h"

#define CACHE_MAGIC "OCIRSCMP"

struct cache_header
{
  char magic[8];
  uint64_t key_len;
  uint64_t bpf_len; /* bytes */
};

/* Strings are length-prefixed so that no two profiles serialise alike. */
static void
key_string (FILE *f, const char *s)
{
  fprintf (f, "%zu:%s;", strlen (s), s);
}

static void
key_strv (FILE *f, const oci_strv *v)
{
  fprintf (f, "[%zu:", v->len);
  for (size_t i = 0; i < v->len; i++)
    key_string (f, v->items[i]);
  fputc (']', f);
}

static void
key_syscall (FILE *f, const oci_seccomp_syscall *sc)
{
  key_strv (f, &sc->names);
  fprintf (f, "a%d e%d,%u [%zu:", sc->action, sc->has_errno_ret, sc->errno_ret, sc->args_len);
  for (size_t i = 0; i < sc->args_len; i++)
    {
      const oci_seccomp_arg *a = &sc->args[i];
      fprintf (f, "(%u %d %llu %d %llu)", a->index, a->op, (unsigned long long) a->value, a->has_value_two,
               (unsigned long long) a->value_two);
    }
  fputs ("]\n", f);
}

static int
cache_key (const oci_seccomp *s, char **key, size_t *len, ocirun_error_t *err)
{
  const struct scmp_version *v = seccomp_version ();
  FILE *f = open_memstream (key, len);

  if (f == NULL)
    return ocirun_error (err, errno, "allocate the seccomp cache key");
  fprintf (f, "libseccomp %u.%u.%u api %u native %u\n", v->major, v->minor, v->micro, seccomp_api_get (),
           seccomp_arch_native ());
  fprintf (f, "default %d e%d,%u ", s->default_action, s->has_default_errno_ret, s->default_errno_ret);
  key_strv (f, &s->architectures);
  fprintf (f, "\n%zu\n", s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++)
    key_syscall (f, &s->syscalls[i]);
  if (ferror (f) | fclose (f))
    {
      free (*key);
      *key = NULL;
      return ocirun_error (err, ENOMEM, "build the seccomp cache key");
    }
  return 0;
}

/* FNV-1a: only spreads entries over file names, the key is compared. */
static uint64_t
key_hash (const char *key, size_t len)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char) key[i]) * 0x100000001b3ULL;
  return h;
}

static char *
entry_path (const char *dir, const char *key, size_t key_len)
{
  char *path = NULL;
  if (asprintf (&path, "%s/%016llx.bpf", dir, (unsigned long long) key_hash (key, key_len)) < 0)
    return NULL;
  return path;
}

/* 0 and the BPF on a hit; -1 on a miss (absent, foreign or damaged). */
static int
cache_lookup (const char *path, const char *key, size_t key_len, struct seccomp_compiled *c)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_free char *data = NULL;
  struct cache_header h;
  size_t len;

  if (fd < 0 || seccomp_read_fd (fd, path, &data, &len, &err) < 0 || len < sizeof (h))
    return -1;
  memcpy (&h, data, sizeof (h));
  if (memcmp (h.magic, CACHE_MAGIC, sizeof (h.magic)) != 0 || h.key_len != key_len || h.bpf_len == 0
      || h.bpf_len % sizeof (struct sock_filter) != 0 || h.bpf_len / sizeof (struct sock_filter) > BPF_MAXINSNS
      || len != sizeof (h) + h.key_len + h.bpf_len || memcmp (data + sizeof (h), key, key_len) != 0)
    return -1;
  c->insns = malloc (h.bpf_len);
  if (c->insns == NULL)
    return -1;
  memcpy (c->insns, data + sizeof (h) + key_len, h.bpf_len);
  c->len = h.bpf_len / sizeof (struct sock_filter);
  return 0;
}

/* Written to a temporary name and renamed: readers never see half. */
static int
cache_store (const char *dir, const char *path, const char *key, size_t key_len, const struct seccomp_compiled *c,
             ocirun_error_t *err)
{
  struct cache_header h = { .key_len = key_len, .bpf_len = c->len * sizeof (struct sock_filter) };
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;

  memcpy (h.magic, CACHE_MAGIC, sizeof (h.magic));
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return ocirun_error (err, errno, "create the seccomp cache directory `%s`", dir);
  if (asprintf (&tmp, "%s.XXXXXX", path) < 0)
    return ocirun_error (err, ENOMEM, "allocate a path");
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return ocirun_error (err, errno, "create `%s`", tmp);
  if (write_all (fd, &h, sizeof (h)) < 0 || write_all (fd, key, key_len) < 0
      || write_all (fd, c->insns, h.bpf_len) < 0)
    {
      unlink (tmp);
      return ocirun_error (err, errno, "write `%s`", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      unlink (tmp);
      return ocirun_error (err, errno, "rename `%s` to `%s`", tmp, path);
    }
  return 0;
}

static int
build_with_cache (const oci_seccomp *s, const char *cache_dir, struct seccomp_compiled *c, ocirun_error_t *err)
{
  cleanup_free char *key = NULL;
  cleanup_free char *path = NULL;
  cleanup_error ocirun_error_t store_err = NULL;
  size_t key_len;

  if (cache_key (s, &key, &key_len, err) < 0)
    return -1;
  path = entry_path (cache_dir, key, key_len);
  if (path == NULL)
    return ocirun_error (err, ENOMEM, "allocate a path");
  if (cache_lookup (path, key, key_len, c) == 0)
    {
      ocirun_debug ("seccomp filter loaded from cache `%s`", path);
      return 0;
    }
  if (seccomp_compile_bpf (s, &c->insns, &c->len, err) < 0)
    return -1;
  /* A cache that cannot be written only costs time: not an error. */
  if (cache_store (cache_dir, path, key, key_len, c, &store_err) < 0)
    {
      cleanup_free char *msg = ocirun_error_format (store_err);
      ocirun_debug ("seccomp cache not updated: %s", msg);
    }
  return 0;
}

int
seccomp_filter_build_cached (const oci_seccomp *s, const char *cache_dir, struct seccomp_compiled **out,
                             ocirun_error_t *err)
{
  struct seccomp_compiled *c;

  if (cache_dir == NULL)
    return seccomp_filter_build (s, out, err);
  c = calloc (1, sizeof (*c));
  if (c == NULL)
    return ocirun_error (err, errno, "allocate the seccomp filter");
  if (seccomp_compiled_init (s, c, err) < 0 || build_with_cache (s, cache_dir, c, err) < 0)
    {
      seccomp_compiled_free (c);
      return -1;
    }
  *out = c;
  return 0;
}
