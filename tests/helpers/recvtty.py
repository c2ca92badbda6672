#!/usr/bin/env python3
# A --console-socket receiver for tests: accept one connection, take the pty
# master from the SCM_RIGHTS ancillary data, print the message body (the
# pty's name) as "name=..." and then everything the container writes.
#   recvtty.py SOCKET_PATH
import os
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.bind(sys.argv[1])
sock.listen(1)
conn, _ = sock.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
if len(fds) != 1:
    sys.exit("no fd in the console socket message")
print("name=%s" % msg.decode(), flush=True)
out = b""
while True:
    try:
        data = os.read(fds[0], 4096)
    except OSError:  # EIO: the last slave fd is closed
        break
    if not data:
        break
    out += data
sys.stdout.write(out.decode(errors="replace"))
