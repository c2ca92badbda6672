/* CVE-2019-5736: a container whose entry point resolves to /proc/self/exe
 * would exec the runtime binary inside the container, and could then
 * reopen it for writing.  Commands that start a process in a container
 * therefore run from a sealed memfd copy of the binary: /proc/PID/exe of
 * every ocirun process in a container is that copy, which cannot be
 * written, and never the host's file -- unless the host's file is on a
 * read-only mount, which protects it as well and costs no copy. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"
#include "ocirun/cleanup.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int
copy_sealed (int src, ocirun_error_t *err)
{
  cleanup_close int mfd = memfd_create ("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  struct stat st;
  off_t off = 0;

  if (mfd < 0)
    return ocirun_error (err, errno, "memfd_create");
  if (fstat (src, &st) < 0)
    return ocirun_error (err, errno, "stat `/proc/self/exe`");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, &off, st.st_size - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return ocirun_error (err, n < 0 ? errno : EIO, "copy `/proc/self/exe` into a memfd");
    }
  if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
    return ocirun_error (err, errno, "seal the memfd copy of ocirun");
  return steal_fd (&mfd);
}

int
ensure_sealed_exe (char **argv, ocirun_error_t *err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int copy = -1;
  struct statvfs vfs;
  int seals;

  if (self < 0)
    return ocirun_error (err, errno, "open `/proc/self/exe`");
  seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS)
    return 0; /* already running from the sealed copy */
  /* On a read-only mount the binary cannot be written through any
   * reopen of /proc/PID/exe either (EROFS): the copy buys nothing. */
  if (fstatvfs (self, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    return 0;
  copy = copy_sealed (self, err);
  if (copy < 0)
    return -1;
  fexecve (copy, argv, environ);
  return ocirun_error (err, errno, "re-exec ocirun from its sealed copy");
}
