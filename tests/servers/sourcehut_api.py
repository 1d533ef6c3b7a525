#!/usr/bin/env python3
"""git.sr.ht for grove's tests, on 127.0.0.1 only: the GraphQL API and git
over smart HTTP on one origin, as git.sr.ht serves both.

usage: sourcehut_api.py CONFIG PORTFILE LOGFILE

POST /query (under root_path) answers the two queries grove sends, on the
template tests/fixtures/sourcehut/repository.json:
  me { repositories(cursor: $cursor, filter: {count: N}) { cursor results {...} } }
  user(username: $user) { repositories(...) { ... } }
Authorization: Bearer TOKEN is required (401 and GraphQL errors without);
N is at most 100 (default 20); a cursor is opaque ("cN": the offset).
Any other path is git http-backend over git_root (GET and POST).

CONFIG (JSON, read again on every request):
  {"token": "secret", "token_user": "alice", "git_root": "/path", "root_path": "",
   "accounts": {"~alice": {"repos": 3, "names": [...], "private": 1,
                           "pushed": {NAME: TIME}}},
   "faults": [{"status": 500, "times": 2}, {"status": 429, "retry_after": 1},
              {"body": "malformed"}, {"errors": "boom"}, {"next": "self"}]}
One JSON line per query goes to LOGFILE (method, path, headers, query), and
a line per git request ("METHOD PATH") to LOGFILE.git.
"""
import copy
import hashlib
import http.server
import json
import os
import re
import sys
import threading

import gitcgi

config_path, portfile, logfile = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "fixtures", "sourcehut", "repository.json")) as f:
    TEMPLATE = json.load(f)
lock = threading.Lock()
faults_used = {}


def load_config():
    with open(config_path) as f:
        return json.load(f)


def repos_of(cfg, owner):
    acct = cfg["accounts"].get(owner)
    if acct is None:
        return None
    out = []
    names = acct.get("names") or []
    for i in range(acct.get("repos", 0)):
        name = names[i] if i < len(names) else "repo-%03d" % i
        r = copy.deepcopy(TEMPLATE)
        r.update(id=int(hashlib.sha1(f"{owner}/{name}".encode()).hexdigest()[:8], 16),
                 name=name, owner={"canonicalName": owner},
                 visibility="PRIVATE" if i < acct.get("private", 0) else "PUBLIC",
                 updated=(acct.get("pushed") or {}).get(name, TEMPLATE["updated"]))
        out.append(r)
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, headers=None):
        self.send_response(status)
        for k, v in {"Content-Type": "application/json", "Content-Length": str(len(body)),
                     **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def graphql_error(self, status, message):
        self.send(status, json.dumps({"errors": [{"message": message}]}).encode())

    def fault(self, cfg):
        for k, fl in enumerate(cfg.get("faults", [])):
            key = "%d %s" % (k, json.dumps(fl, sort_keys=True))
            with lock:
                if faults_used.get(key, 0) >= fl.get("times", 1):
                    continue
                faults_used[key] = faults_used.get(key, 0) + 1
            return fl
        return None

    def git(self, cfg, body):
        with lock, open(logfile + ".git", "a") as f:
            f.write(f"{self.command} {self.path}\n")
        gitcgi.serve(self, cfg["git_root"], body)

    def do_GET(self):
        self.git(load_config(), b"")

    def do_POST(self):
        cfg = load_config()
        body = gitcgi.read_body(self)
        if self.path != cfg.get("root_path", "") + "/query":
            return self.git(cfg, body)
        with lock, open(logfile, "a") as f:
            f.write(json.dumps({"method": "POST", "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "query": body.decode("utf-8", "replace")}) + "\n")
        auth = self.headers.get("Authorization")
        if auth is None:
            return self.graphql_error(401, "Authorization header is required")
        if auth != "Bearer " + cfg.get("token", ""):
            return self.graphql_error(401, "Invalid or expired OAuth 2.0 bearer token")
        fl = self.fault(cfg)
        if fl and "status" in fl:
            headers = {"Retry-After": str(fl["retry_after"])} if "retry_after" in fl else {}
            return self.send(fl["status"], b'{"errors": [{"message": "fault"}]}', headers)
        if fl and fl.get("body") == "malformed":
            return self.send(200, b'{"data": {"me": ')
        if fl and "errors" in fl:
            return self.send(200, json.dumps({"data": None, "errors": [{"message": fl["errors"]}]}).encode())
        req = json.loads(body)
        query, variables = req.get("query", ""), req.get("variables") or {}
        if "user(username:" in query:
            key, owner = "user", "~" + variables.get("user", "")
        else:
            key, owner = "me", "~" + cfg.get("token_user", "alice")
        items = repos_of(cfg, owner)
        if items is None:
            return self.send(200, json.dumps({"data": {key: None}}).encode())
        m = re.search(r"count:\s*(\d+)", query)
        count = min(int(m.group(1)) if m else 20, 100)
        cursor = variables.get("cursor")
        start = int(cursor[1:]) if cursor else 0
        nxt = "c%d" % (start + count) if start + count < len(items) else None
        if fl and fl.get("next") == "self":
            nxt = cursor or "c0"
        doc = {"data": {key: {"repositories": {"cursor": nxt, "results": items[start:start + count]}}}}
        self.send(200, json.dumps(doc, indent=1).encode())


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
