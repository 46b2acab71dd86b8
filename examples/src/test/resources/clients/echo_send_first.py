"""POSTs SIZE bytes to /echo with http.client, which sends the whole body before reading the response, as Python's
requests and httpx do. Prints the status, the number of bytes that came back and whether they are the ones sent.

usage: echo_send_first.py SOCKET_PATH SIZE
"""
import http.client
import os
import socket
import sys


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.unix_path)


body = os.urandom(int(sys.argv[2]))
connection = UnixHTTPConnection(sys.argv[1])
connection.request("POST", "/echo", body=body, headers={"Content-Type": "application/octet-stream"})
response = connection.getresponse()
echoed = response.read()
print(response.status, len(echoed), echoed == body)
