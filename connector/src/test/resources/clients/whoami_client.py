"""Asks the server who it thinks we are, and says who we really are.

usage: whoami_client.py SOCKET_PATH
Prints "client pid=P uid=U gid=G groups=A,B,C" and then the body of GET /info.
"""
import os
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect("\0" + sys.argv[1][1:] if sys.argv[1].startswith("@") else sys.argv[1])
s.sendall(b"GET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
response = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    response += chunk
groups = ",".join(str(g) for g in os.getgroups())
print(f"client pid={os.getpid()} uid={os.geteuid()} gid={os.getegid()} groups={groups}")
print(response.decode().split("\r\n\r\n", 1)[1])
