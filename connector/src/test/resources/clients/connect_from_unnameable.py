"""Connects COUNT times to SOCKET, each time from a socket bound to a name with bytes no ASCII locale can
represent (a C/POSIX locale's file-name encoding): in BIND_DIR, or on an abstract name when BIND_DIR is '@'.
Each connection sends nothing and is closed at once. Prints how many connected."""
import os
import socket
import sys

target, bind_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
connected = 0
for i in range(count):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if bind_dir == '@':
        name = b'\0unixhttp-test-\xff\xfe%d-%d' % (os.getpid(), i)
    else:
        name = os.path.join(bind_dir.encode(), b'peer-\xff\xfe\xe9-%d' % i)
    try:
        client.bind(name)
        client.settimeout(5)
        client.connect(target)
        connected += 1
    except OSError as failure:
        print('connect %d failed: %s' % (i, failure), file=sys.stderr)
    finally:
        client.close()
        if bind_dir != '@':
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass
print(connected)
