"""Prints this process's pid, its groups (comma-separated), then the demo's /whoami answer for it.

usage: whoami_json.py SOCKET_PATH
"""
import os
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
s.sendall(b"GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
response = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    response += chunk
print(os.getpid())
print(",".join(str(g) for g in os.getgroups()))
print(response.decode().split("\r\n\r\n", 1)[1].strip())
