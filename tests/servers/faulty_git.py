#!/usr/bin/env python3
"""Smart HTTP that breaks on purpose, for grove's bad-server tests:
`git http-backend` on 127.0.0.1, with the fault chosen by the first part of
the path (the repository folder under ROOT has the same name):

  /reset/...     the pack reply stops halfway and the connection is reset
  /truncate/...  the pack reply is cut short, the connection closed cleanly
  /longline/...  the ref advertisement is one 10 MB line with no end
  /ok/...        no fault

usage: faulty_git.py ROOT PORTFILE
"""
import http.server
import os
import socket
import struct
import subprocess
import sys

root, portfile = sys.argv[1:3]


def read_body(handler):
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int(handler.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                handler.rfile.readline()
                return body
            body += handler.rfile.read(size)
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def backend(handler, body):
    path, _, query = handler.path.partition("?")
    env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
               PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=handler.command,
               CONTENT_TYPE=handler.headers.get("Content-Type", ""),
               CONTENT_LENGTH=str(len(body)), REMOTE_ADDR="127.0.0.1")
    if handler.headers.get("Content-Encoding"):
        env["HTTP_CONTENT_ENCODING"] = handler.headers["Content-Encoding"]
    out = subprocess.run(["git", "http-backend"], input=body, env=env,
                         capture_output=True).stdout
    sep = b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n"
    head, _, rest = out.partition(sep)
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            headers.append((name, value.strip()))
    return status, headers, rest


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def serve(self):
        fault = self.path.lstrip("/").split("/", 1)[0]
        body = read_body(self)
        if fault == "longline" and "info/refs" in self.path:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-upload-pack-advertisement")
            self.end_headers()
            self.wfile.write(b"a" * (10 * 1024 * 1024))
            return
        status, headers, rest = backend(self, body)
        is_pack = self.command == "POST" and "git-upload-pack" in self.path
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not (is_pack and fault in ("reset", "truncate")):
            self.send_header("Content-Length", str(len(rest)))
        self.end_headers()
        if is_pack and fault in ("reset", "truncate"):
            self.wfile.write(rest[: len(rest) // 2])
            self.wfile.flush()
            if fault == "reset":
                # SO_LINGER 0: close() sends RST, not FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.wfile.write(rest)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
