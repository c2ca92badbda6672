/* Sends READY=1 to $NOTIFY_SOCKET, as sd_notify(3) does; static so that
 * it runs in a busybox rootfs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (void)
{
  const char *path = getenv ("NOTIFY_SOCKET");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (path == NULL || strlen (path) >= sizeof (addr.sun_path))
    return fprintf (stderr, "no NOTIFY_SOCKET\n"), 1;
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || sendto (fd, "READY=1", 7, 0, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return perror ("sd-notify"), 1;
  return 0;
}
