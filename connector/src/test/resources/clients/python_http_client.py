"""A real Python client over a Unix socket: http.client on an AF_UNIX socket.

usage: python_http_client.py SOCKET_PATH
Sends GET /info and POST /echo on one keep-alive connection and prints what came back.
"""
import http.client
import socket
import sys


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect("\0" + self.unix_path[1:] if self.unix_path.startswith("@") else self.unix_path)


conn = UnixHTTPConnection(sys.argv[1])
conn.request("GET", "/info")
info = conn.getresponse()
print("info-status", info.status)
print(info.read().decode().strip())
first_socket = conn.sock
conn.request("POST", "/echo", body=b"ping from python", headers={"Content-Type": "text/plain"})
echo = conn.getresponse()
print("echo-status", echo.status)
print("echo-body", echo.read().decode())
print("same-connection", conn.sock is first_socket)
conn.close()
