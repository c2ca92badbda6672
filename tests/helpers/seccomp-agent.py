#!/usr/bin/env python3
"""A minimal seccomp agent for the NOTIFY tests: listen on SOCKET, receive
the runtime's "container process state" message with the listener fd
(SCM_RIGHTS), write the JSON to STATE_FILE, then answer every notified
syscall with -ERRNO (never performing it) until the container is gone.

usage: seccomp-agent.py SOCKET STATE_FILE ERRNO
Prints "listening" once the socket is ready."""
import errno
import fcntl
import json
import os
import select
import socket
import struct
import sys

SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif), 80 bytes
SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes


def serve(listener, answer):
    poller = select.poll()
    poller.register(listener, select.POLLIN)
    while True:
        events = poller.poll()
        if any(ev & (select.POLLHUP | select.POLLERR) for _fd, ev in events):
            return  # the filter's last user is gone
        buf = bytearray(80)
        try:
            fcntl.ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, buf, True)
        except OSError as e:
            if e.errno in (errno.EINTR, errno.ENOENT):
                continue
            return  # the filter's last user is gone
        notif_id, pid, _flags, nr = struct.unpack_from("=QIIi", buf)
        resp = struct.pack("=QqiI", notif_id, 0, -answer, 0)
        try:
            fcntl.ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, bytearray(resp), True)
        except OSError:
            pass  # the task was killed meanwhile
        print("answered syscall %d of pid %d" % (nr, pid), flush=True)


def main():
    path, state_file, answer = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    msg, fds, _flags, _addr = socket.recv_fds(conn, 65536, 4)
    state = json.loads(msg)
    with open(state_file, "w") as f:
        json.dump({"state": state, "nfds": len(fds)}, f)
    print("got listener", flush=True)
    serve(fds[0], answer)


if __name__ == "__main__":
    main()
