"""Connects once to a Unix socket path and prints the outcome: "connected" or the errno name (EACCES, ...)."""
import errno
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
finally:
    s.close()
