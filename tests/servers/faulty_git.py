#!/usr/bin/env python3
"""Smart HTTP that breaks on purpose, for grove's bad-server tests:
`git http-backend` on 127.0.0.1, with the fault chosen by the first part of
the path (the repository folder under ROOT has the same name):

  /reset/...     the pack reply stops halfway and the connection is reset
  /truncate/...  the pack reply is cut short, the connection closed cleanly
  /longline/...  the ref advertisement is one 10 MB line with no end
  /endless/...   the ref advertisement is valid pkt-lines that never end
  /ok/...        no fault

usage: faulty_git.py ROOT PORTFILE
"""
import http.server
import os
import socket
import struct
import sys

import gitcgi

root, portfile = sys.argv[1:3]


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
        body = gitcgi.read_body(self)
        if fault == "longline" and "info/refs" in self.path:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-upload-pack-advertisement")
            self.end_headers()
            self.wfile.write(b"a" * (10 * 1024 * 1024))
            return
        if fault == "endless" and "info/refs" in self.path:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-upload-pack-advertisement")
            self.end_headers()
            self.wfile.write(b"001e# service=git-upload-pack\n0000")
            head = b"%s HEAD\0side-band-64k\n" % (b"1" * 40)
            self.wfile.write(b"%04x" % (len(head) + 4) + head)
            try:
                n = 0
                while True:
                    chunk = b"".join(b"%04x%s refs/tags/t%09d\n" % (4 + 62, b"0" * 40, n + k)
                                     for k in range(1000))
                    self.wfile.write(chunk)
                    n += 1000
            except OSError:
                return
        status, headers, rest = gitcgi.run(self, root, body)
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
