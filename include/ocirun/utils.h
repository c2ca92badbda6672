/* Small helpers shared by the core: files, /proc, time. */
#ifndef OCIRUN_UTILS_H
#define OCIRUN_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ocirun/error.h"

/* src/util/fs.c */
int write_all (int fd, const void *buf, size_t len);
/* Replace `path` atomically: write a temp file beside it, fsync, rename. */
int write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, ocirun_error_t *err);
/* Read a whole file; *out is NUL-terminated (len excludes the NUL). */
int read_file (const char *path, char **out, size_t *len, ocirun_error_t *err);
int mkdir_p (const char *path, mode_t mode, ocirun_error_t *err);
/* Remove a directory tree (no symlinks followed); missing is fine. */
int remove_tree (const char *path, ocirun_error_t *err);
/* `path` made absolute against the current directory (no symlink resolution). */
char *path_absolute (const char *path);

/* src/util/proc.c */
/* Field 22 of /proc/PID/stat, and whether the process is a zombie.
 * Returns 0, or -1 with errno ESRCH when the process is gone. */
int proc_start_time (pid_t pid, uint64_t *start_time, bool *zombie);
int pidfd_open_checked (pid_t pid, uint64_t start_time);
int pidfd_send (int pidfd, int sig);

/* src/util/time.c */
/* RFC 3339 UTC with nanoseconds, trailing zeros trimmed as Go does. */
void format_rfc3339_nano (char *buf, size_t size);

#endif
