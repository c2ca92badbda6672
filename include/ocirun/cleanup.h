/* __attribute__((cleanup)) helpers: every resource is released on every
 * return path.  Assign NULL / -1 to a variable to hand its ownership on. */
#ifndef OCIRUN_CLEANUP_H
#define OCIRUN_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
ocirun_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
}

static inline void
ocirun_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
ocirun_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
ocirun_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

/* A NULL-terminated array of strings. */
static inline void
ocirun_strv_freep (char ***p)
{
  char **v = *p;
  if (v == NULL)
    return;
  for (char **it = v; *it; it++)
    free (*it);
  free (v);
}

#define cleanup_free __attribute__ ((cleanup (ocirun_freep)))
#define cleanup_close __attribute__ ((cleanup (ocirun_closep)))
#define cleanup_file __attribute__ ((cleanup (ocirun_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (ocirun_closedirp)))
#define cleanup_strv __attribute__ ((cleanup (ocirun_strv_freep)))

/* Hand ownership on: return the value and disarm the cleanup. */
#define steal_pointer(pp) ({ __typeof__ (*(pp)) _v = *(pp); *(pp) = NULL; _v; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#endif
