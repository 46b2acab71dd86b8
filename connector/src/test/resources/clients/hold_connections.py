"""Opens COUNT connections to a Unix socket and holds them, sending nothing, until stdin closes.

usage: hold_connections.py SOCKET_PATH COUNT
Prints READY once every connect() has returned (queued in the backlog counts: accepted or not).
"""
import socket
import sys

held = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
print("READY", flush=True)
sys.stdin.read()
for s in held:
    s.close()
