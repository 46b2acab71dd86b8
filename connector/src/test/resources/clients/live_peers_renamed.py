"""Two live connections to SOCKET whose peers have names the JDK cannot represent in a C locale (one binds a
non-ASCII path in BIND_DIR after its first exchange was served, one connected from an abstract name), then
connections from unnameable names make the server sweep for leaked descriptors. Both live connections must still be
served: prints the status line each gets."""
import os
import socket
import sys
import time

target, bind_dir = sys.argv[1], sys.argv[2]
head = b'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n'

def first_answer(client):
    """One whole exchange, kept alive: the server has surely accepted the connection once it answers."""
    client.settimeout(10)
    client.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
    received = b''
    while b'hello' not in received:
        chunk = client.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.split(b'\r\n')[0]

renamed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
renamed.connect(target)
assert first_answer(renamed).startswith(b'HTTP/1.1 200'), 'first exchange'
late_name = os.path.join(bind_dir.encode(), b'late-\xff\xfe')
renamed.bind(late_name)
renamed.sendall(head)

abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
abstract.bind(b'\0unixhttp-test-abstract-peer-%d' % os.getpid())
abstract.connect(target)
abstract.sendall(head)

for i in range(5):
    trigger = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    name = os.path.join(bind_dir.encode(), b'trigger-\xff-%d' % i)
    trigger.bind(name)
    trigger.connect(target)
    trigger.close()
    os.unlink(name)
time.sleep(1.0)

for label, client in (('renamed', renamed), ('abstract', abstract)):
    try:
        client.settimeout(10)
        client.sendall(b'\r\n')
        answer = client.recv(64).split(b'\r\n')[0].decode('ascii', 'replace')
    except OSError as failure:
        answer = 'failed: %s' % failure
    print('%s %s' % (label, answer))
os.unlink(late_name)
