#!/usr/bin/env python3
"""The caller's NOTIFY_SOCKET: print every datagram received.
  notify-listener.py PATH   (prints "listening" once bound)"""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data = s.recv(4096)
    print(data.decode().replace("\n", " ").strip(), flush=True)
