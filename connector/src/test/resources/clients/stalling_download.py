"""Downloads a URL path over a Unix socket, but stops reading for a while in the middle: the client a
graceful stop must wait for. Writes MARKER_FILE once MARK_BYTES of the body have arrived, then reads
nothing for STALL_SECONDS (and then, if RESUME_FILE is given, until that file exists: a test that must see the
stall span some event of its own says when it may end), then reads to the end. Prints the status line and the body
byte count.

usage: stalling_download.py SOCKET_PATH URL_PATH MARK_BYTES MARKER_FILE STALL_SECONDS [RESUME_FILE]
"""
import os
import socket
import sys
import time

path, url_path, mark_bytes, marker, stall = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
resume = sys.argv[6] if len(sys.argv) > 6 else None
# A small receive buffer, so that the server really is blocked on its write while we stall.
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
s.settimeout(60)
s.connect(path)
s.sendall(("GET " + url_path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").encode())
received = b""
while b"\r\n\r\n" not in received:
    chunk = s.recv(16384)
    if not chunk:
        break
    received += chunk
head, _, body = received.partition(b"\r\n\r\n")
count = len(body)
stalled = False
while True:
    if not stalled and count >= mark_bytes:
        open(marker, "w").close()
        time.sleep(stall)
        give_up = time.monotonic() + 60
        while resume is not None and not os.path.exists(resume) and time.monotonic() < give_up:
            time.sleep(0.02)
        stalled = True
    chunk = s.recv(16384)
    if not chunk:
        break
    count += len(chunk)
print(head.split(b"\r\n")[0].decode("latin-1"))
print(count)
