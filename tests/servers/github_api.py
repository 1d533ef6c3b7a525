#!/usr/bin/env python3
"""A GitHub REST API for grove's tests, on 127.0.0.1 only.

usage: github_api.py CONFIG PORTFILE LOGFILE

CONFIG is a JSON file, read again on every request so a test can change it
between runs:
  {
    "token": "secret",               # the one token the server accepts
    "accounts": {                     # login -> account
      "alice": {"type": "User", "repos": 5, "private": 2, "forks": 1,
                "archived": 1, "disabled": 0, "names": ["x", ...],
                "no_wiki": ["x"]},          # has_wiki false (true for the rest)
      "acme":  {"type": "Organization", "repos": 250}
    },
    "clone_base": "/path",           # clone_url is file://clone_base/OWNER/NAME.git, or
                                      # clone_base/OWNER/NAME.git when it is a URL
                                      # (git://127.0.0.1:PORT)
    "link_base": "http://host:port",  # Link rel="next" URLs start here (default:
                                      # http:// and the request's Host)
    "root_path": "/api/v3",          # the API under a path, as GitHub Enterprise
                                      # Server serves it (paths outside it: 404)
    "faults": [                       # consumed one per matching request
        # {"next": "self"}: the listing's next page is the page itself
      {"path": "/orgs/acme/repos", "status": 500, "times": 2},
      {"status": 403, "ratelimit": true, "retry_after": 1},
      {"body": "malformed"}, {"body": "truncated"}, {"slow": 3},
      {"path": "/orgs/acme/repos", "redirect": "http://localhost:PORT/..."},
      {"huge": 12},                   # a 200 whose body is 12 MiB of JSON
      {"trickle": 2},                 # the body at 2 bytes a second
      {"drip": 600},                  # an endless body at 600 bytes a second
      {"endless_pages": true}         # every page, empty, links to the next
    ]
  }
Per account, "clone_urls" and "ssh_urls" ({NAME: URL}) replace a
repository's clone URLs, "duplicate": NAME lists that repository twice,
and "pushed", "topics", "languages" ({NAME: value}) set pushed_at (a push
upstream is a new value), topics and language. "starred": [OWNER/NAME]
at the top level is what the token's user (and /users/LOGIN/starred) starred.
Repositories are generated: NAME is names[i] when given, else "repo-NNN".
The first `private` ones are private (served only with the token, by
/user/repos), then `forks` forks (parent: upstream-owner/NAME), then
`archived`, then `disabled`. Every response is built on the template
tests/fixtures/github/minimal-repository-items.json.

Pagination follows GitHub: per_page (default 30, at most 100), a Link header
with rel="next" and rel="last" when there is more. Every response carries an
ETag and the x-ratelimit-* headers; If-None-Match with the current ETag gets
304 and does not count against the limit. One JSON line per request goes to
LOGFILE (method, path, headers).
"""
import copy
import hashlib
import itertools
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

config_path, portfile, logfile = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "fixtures", "github", "minimal-repository-items.json")) as f:
    TEMPLATE = json.load(f)[0]
lock = threading.Lock()
state = {"used": 0, "faults_used": {}}
LIMIT = 5000


def load_config():
    with open(config_path) as f:
        return json.load(f)


def make_repo(cfg, login, acct, i):
    names = acct.get("names") or []
    name = names[i] if i < len(names) else "repo-%03d" % i
    r = copy.deepcopy(TEMPLATE)
    base = cfg.get("clone_base", "/nonexistent")
    ids = acct.get("ids") or {}
    r["id"] = ids.get(name, abs(hash((login, name))) % 10**9)
    r["name"] = name
    r["full_name"] = f"{login}/{name}"
    r["owner"]["login"] = login
    r["owner"]["type"] = acct.get("type", "User")
    npriv = acct.get("private", 0)
    nfork = acct.get("forks", 0)
    narch = acct.get("archived", 0)
    ndis = acct.get("disabled", 0)
    r["private"] = i < npriv
    r["visibility"] = "private" if r["private"] else "public"
    r["fork"] = npriv <= i < npriv + nfork
    r["archived"] = npriv + nfork <= i < npriv + nfork + narch
    r["disabled"] = npriv + nfork + narch <= i < npriv + nfork + narch + ndis
    r["default_branch"] = "main"
    r["pushed_at"] = (acct.get("pushed") or {}).get(name, "2024-01-01T00:00:00Z")
    r["topics"] = (acct.get("topics") or {}).get(name, [])
    r["language"] = (acct.get("languages") or {}).get(name)
    r["has_wiki"] = name not in (acct.get("no_wiki") or [])
    url = f"{base}/{login}/{name}.git" if "://" in base else f"file://{base}/{login}/{name}.git"
    r["clone_url"] = (acct.get("clone_urls") or {}).get(name, url)
    r["ssh_url"] = (acct.get("ssh_urls") or {}).get(name, url)
    r["html_url"] = f"https://github.com/{login}/{name}"
    r["url"] = f"http://127.0.0.1/repos/{login}/{name}"
    return r


_generated = {}
_pages = {}


def repos_of(cfg, login):
    """the account's repositories, made once per configuration"""
    acct = cfg["accounts"].get(login)
    if acct is None:
        return None
    key = (json.dumps(cfg, sort_keys=True), login)
    with lock:
        if key not in _generated:
            n = acct.get("repos", 0)
            _generated[key] = [make_repo(cfg, login, acct, i) for i in range(n)]
            for r in list(_generated[key]):
                if r["name"] == acct.get("duplicate"):
                    _generated[key].append(copy.deepcopy(r))
        return list(_generated[key])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self):
        line = {"method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()}}
        with lock, open(logfile, "a") as f:
            f.write(json.dumps(line) + "\n")

    def send(self, status, body=b"", headers=None, count=True):
        with lock:
            if count:
                state["used"] += 1
            used = state["used"]
        self.send_response(status)
        hdrs = {
            "Content-Type": "application/json; charset=utf-8",
            "x-ratelimit-limit": str(LIMIT),
            "x-ratelimit-remaining": str(max(LIMIT - used, 0)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
        }
        hdrs.update(headers or {})
        if "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def error(self, status, message):
        self.send(status, json.dumps({"message": message,
                                      "documentation_url": "https://docs.github.com/rest"}).encode())

    def fault(self, cfg, path):
        """the first configured fault that applies to path, consumed"""
        for k, fl in enumerate(cfg.get("faults", [])):
            if "path" in fl and fl["path"] != path:
                continue
            key = "%d %s" % (k, json.dumps(fl, sort_keys=True))  # a new config, new faults
            with lock:
                used = state["faults_used"].get(key, 0)
                if used >= fl.get("times", 1):
                    continue
                state["faults_used"][key] = used + 1
            return fl
        return None

    def do_GET(self):
        self.record()
        cfg = load_config()
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = dict(urllib.parse.parse_qsl(url.query))
        if not self.headers.get("User-Agent"):
            return self.error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header")
        auth = self.headers.get("Authorization")
        authed = False
        if auth is not None:
            if auth != "Bearer " + cfg.get("token", ""):
                return self.error(401, "Bad credentials")
            authed = True
        fl = self.fault(cfg, path)
        if fl and "redirect" in fl:
            self.send_response(301)
            self.send_header("Location", fl["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fl and "status" in fl:
            headers = {}
            if fl.get("ratelimit"):
                if "retry_after" in fl:
                    headers["retry-after"] = str(fl["retry_after"])
                else:
                    headers["x-ratelimit-remaining"] = "0"
                    headers["x-ratelimit-reset"] = str(int(time.time()) + fl.get("reset_in", 1))
                msg = "API rate limit exceeded"
            else:
                msg = fl.get("message", "Server Error")
            body = json.dumps({"message": msg}).encode()
            with lock:
                state["used"] += 1
            self.send_response(fl["status"])
            for k, v in {"Content-Type": "application/json", "Content-Length": str(len(body)),
                         "x-ratelimit-limit": str(LIMIT),
                         "x-ratelimit-remaining": headers.pop("x-ratelimit-remaining", "4000"),
                         "x-ratelimit-reset": headers.pop("x-ratelimit-reset", str(int(time.time()) + 3600)),
                         **headers}.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            return

        parts = [p for p in path.split("/") if p]
        # GitHub Enterprise Server answers under /api/v3
        root = [p for p in cfg.get("root_path", "").split("/") if p]
        if parts[:len(root)] != root:
            return self.error(404, "Not Found")
        parts = parts[len(root):]
        items = None
        if parts == ["user"]:
            if not authed:
                return self.error(401, "Requires authentication")
            return self.send(200, json.dumps({"login": cfg.get("token_user", "alice")}).encode())
        if parts == ["user", "starred"] or (len(parts) == 3 and parts[0] == "users" and parts[2] == "starred"):
            if parts[0] == "user" and not authed:
                return self.error(401, "Requires authentication")
            items = []
            for full in cfg.get("starred", []):
                owner, name = full.split("/", 1)
                items += [r for r in repos_of(cfg, owner) or [] if r["name"] == name
                          and (authed or not r["private"])]
        elif parts == ["user", "repos"]:
            if not authed:
                return self.error(401, "Requires authentication")
            login = cfg.get("token_user", "alice")
            items = list(repos_of(cfg, login) or [])
            if query.get("affiliation") != "owner":
                for org in cfg.get("token_orgs", []):
                    items += repos_of(cfg, org) or []
        elif len(parts) == 3 and parts[0] in ("users", "orgs") and parts[2] == "repos":
            acct = cfg["accounts"].get(parts[1])
            want = "Organization" if parts[0] == "orgs" else None
            if acct is None or (want and acct.get("type") != want):
                return self.error(404, "Not Found")
            items = repos_of(cfg, parts[1])
            # private repositories: only an organization member's token sees them
            if not (authed and parts[1] in cfg.get("token_orgs", []) and parts[0] == "orgs"):
                items = [r for r in items if not r["private"]]
        elif len(parts) == 3 and parts[0] == "repos":
            for r in repos_of(cfg, parts[1]) or []:
                if r["name"] == parts[2] and (authed or not r["private"]):
                    r = copy.deepcopy(r)  # the listing's copy stays as it was
                    if r["fork"]:
                        parent = copy.deepcopy(r)
                        parent["owner"]["login"] = "upstream-owner"
                        parent["full_name"] = "upstream-owner/" + r["name"]
                        base = cfg.get("clone_base", "/nonexistent")
                        purl = f"{base}/upstream-owner/{r['name']}.git"
                        parent["clone_url"] = parent["ssh_url"] = \
                            purl if "://" in base else "file://" + purl
                        parent["fork"] = False
                        r["parent"] = parent
                        r["source"] = parent
                    return self.send_json(r, fl)
            return self.error(404, "Not Found")
        else:
            return self.error(404, "Not Found")

        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        pages = max((len(items) + per_page - 1) // per_page, 1)
        if fl and fl.get("endless_pages"):
            pages = page + 1
            fl = None
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page < pages:
            base = cfg.get("link_base") or "http://" + self.headers.get("Host", "127.0.0.1")

            def link(p):
                q = dict(query)
                q["page"] = str(p)
                return f"<{base}{path}?{urllib.parse.urlencode(q)}>"
            headers["Link"] = f'{link(page + 1)}; rel="next", {link(pages)}; rel="last"'
        if fl and fl.get("next") == "self":
            # a hostile listing: its next page is the page itself
            base = cfg.get("link_base") or "http://" + self.headers.get("Host", "127.0.0.1")
            headers["Link"] = f'<{base}{self.path}>; rel="next"'
            fl = None
        key = (json.dumps(cfg, sort_keys=True), self.path, authed)
        self.send_json(chunk, fl, headers, key)

    def send_json(self, obj, fl, headers=None, key=None):
        # a page is made once per configuration: big listings stay fast
        with lock:
            made = _pages.get(key) if key else None
        if made is None:
            body = json.dumps(obj, indent=2).encode()
            made = (body, '"' + hashlib.sha1(body).hexdigest() + '"')
            if key:
                with lock:
                    _pages[key] = made
        body, etag = made
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", {"ETag": etag}, count=False)
        headers = dict(headers or {})
        headers["ETag"] = etag
        if fl and fl.get("body") == "malformed":
            body = b'[{"id": 1, "name": '
        elif fl and fl.get("body") == "truncated":
            headers["Content-Length"] = str(len(body))
            self.send(200, b"", {**headers, "Content-Length": str(len(body))})
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fl and fl.get("huge"):
            size = fl["huge"] << 20
            self.send(200, b"", {**headers, "Content-Length": str(size)})
            filler = b"[" + b" " * 65535
            try:
                self.wfile.write(filler)
                for _ in range(size // 65536 - 1):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
            self.close_connection = True
            return
        if fl and (fl.get("trickle") or fl.get("drip")):
            rate = fl.get("trickle") or fl.get("drip")
            step = max(int(rate / 10), 1)
            if fl.get("drip"):  # endless: "[" then spaces
                chunks = (b"[" if k == 0 else b" " * step for k in itertools.count())
                length = 1 << 30
            else:
                chunks = (body[k:k + step] for k in range(0, len(body), step))
                length = len(body)
            self.send(200, b"", {**headers, "Content-Length": str(length)})
            try:
                for c in chunks:
                    self.wfile.write(c)
                    self.wfile.flush()
                    time.sleep(step / rate)
            except OSError:
                pass
            self.close_connection = True
            return
        if fl and fl.get("slow"):
            self.send(200, b"", {**headers, "Content-Length": str(len(body))})
            for k in range(0, len(body), 64):
                self.wfile.write(body[k:k + 64])
                self.wfile.flush()
                time.sleep(fl["slow"] / max(len(body) / 64, 1))
            return
        self.send(200, body, headers)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
