#!/usr/bin/env python3
"""Smart HTTP for grove's tests: `git http-backend` behind basic
authentication, on 127.0.0.1 only.

usage: http_backend.py ROOT USER PASSWORD PORTFILE LOGFILE
Serves the repositories under ROOT; writes the port it listens on to
PORTFILE and one line per request ("METHOD PATH AUTH?") to LOGFILE.
USER - serves without authentication (the network bench).
"""
import base64
import http.server
import os
import sys

import gitcgi

root, user, password, portfile, logfile = sys.argv[1:6]
expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.cgi()

    def do_POST(self):
        self.cgi()

    def cgi(self):
        authorized = user == "-" or self.headers.get("Authorization") == expected
        with open(logfile, "a") as log:
            log.write(f"{self.command} {self.path} {'auth' if authorized else 'noauth'}\n")
        body = gitcgi.read_body(self)
        if not authorized:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="grove tests"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        gitcgi.serve(self, root, body, None if user == "-" else user)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
