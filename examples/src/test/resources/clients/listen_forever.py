# A server of any kind listening on a Unix socket path until it is killed: accepts and closes each connection.
# Usage: listen_forever.py PATH  (prints LISTENING once it listens)
import socket
import sys

server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen(16)
print("LISTENING", flush=True)
while True:
    connection, _ = server.accept()
    connection.close()
