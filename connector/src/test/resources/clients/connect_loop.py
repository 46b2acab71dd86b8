"""Connects to a Unix socket path in a loop and counts the outcomes, as an attacker racing the server would.

usage: connect_loop.py SOCKET_PATH STOP_FILE
Prints "READY" once the first attempts are made, runs until STOP_FILE exists, then prints one line:
attempts=N connected=N denied=N absent=N refused=N other=N
"""
import errno
import os
import socket
import sys

path, stop_file = sys.argv[1], sys.argv[2]
counts = {"attempts": 0, "connected": 0, "denied": 0, "absent": 0, "refused": 0, "other": 0}
while not os.path.exists(stop_file):
    for _ in range(50):
        counts["attempts"] += 1
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            counts["connected"] += 1
        except OSError as e:
            key = {errno.EACCES: "denied", errno.ENOENT: "absent", errno.ECONNREFUSED: "refused"}.get(e.errno, "other")
            counts[key] += 1
        finally:
            s.close()
    if counts["attempts"] == 50:
        print("READY", flush=True)
print(" ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
