"""Sends raw bytes (given in hex) on a Unix socket and prints everything that comes back.

usage: send_raw.py SOCKET_PATH HEX_PAYLOAD
"""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
s.sendall(bytes.fromhex(sys.argv[2]))
response = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    response += chunk
sys.stdout.write(response.decode("latin-1"))
