"""Runs a command with a chosen kind of socket as its standard input, to test what a server makes of it.

usage: with_stdin.py KIND COMMAND...
KIND: unix-connection (one end of a connected Unix socket pair) or tcp-listener (a listening TCP socket on 127.0.0.1)
"""
import os
import socket
import sys

kind, command = sys.argv[1], sys.argv[2:]
if kind == "unix-connection":
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    stdin = theirs
elif kind == "tcp-listener":
    stdin = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stdin.bind(("127.0.0.1", 0))
    stdin.listen(8)
else:
    sys.exit("unknown kind " + kind)
os.dup2(stdin.fileno(), 0)
os.set_inheritable(0, True)
os.execvp(command[0], command)
