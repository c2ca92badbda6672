#!/usr/bin/env python3
"""Listen on a unix socket like an engine's --console-socket, receive the
pty master over SCM_RIGHTS and copy what the container writes to stdout.
  console-receiver.py SOCKET_PATH   (prints "listening" once ready)"""
import os
import socket
import sys

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print("listening", flush=True)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
master = fds[0]
print("got-master", flush=True)
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.write(data.decode(errors="replace"))
    sys.stdout.flush()
