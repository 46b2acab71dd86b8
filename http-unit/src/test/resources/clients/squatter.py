"""A squatter: listens on a Unix socket path it should not own, and counts what clients send it.

usage: squatter.py SOCKET_PATH STOP_FILE  (SOCKET_PATH @name: the abstract name)
Prints "LISTENING", then, once STOP_FILE exists, "connections=N bytes=M".
"""
import os
import socket
import sys

path, stop_file = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if path.startswith("@"):
    server.bind("\0" + path[1:])
else:
    server.bind(path)
    os.chmod(path, 0o666)
server.listen(16)
server.settimeout(0.02)
print("LISTENING", flush=True)
connections, received, open_connections = 0, 0, []


def take_what_is_there():
    """Accepts what waits in the backlog and reads what has arrived; says whether anything was found."""
    global connections, received
    found = False
    try:
        connection, _ = server.accept()
        connection.setblocking(False)
        open_connections.append(connection)
        connections += 1
        found = True
    except socket.timeout:
        pass
    for connection in open_connections:
        try:
            data = connection.recv(65536)
            received += len(data)
            found = found or len(data) > 0
        except (BlockingIOError, ConnectionResetError):
            pass
    return found


while not os.path.exists(stop_file):
    take_what_is_there()
# Whatever clients did before the stop file appeared is already queued: take it all before counting.
while take_what_is_there():
    pass
print(f"connections={connections} bytes={received}", flush=True)
