#!/usr/bin/env python3
"""GitLab, Gitea, Bitbucket Cloud and Data Center APIs for grove's tests, on 127.0.0.1 only.

usage: forge_api.py FORGE CONFIG PORTFILE LOGFILE
       (FORGE: gitlab, gitea, bitbucket, bitbucket-dc, azure)

Each serves what grove sync reads, as the forge documents it, on the
templates in tests/fixtures/FORGE/ (see the README there):
  gitlab     /api/v4/groups/ID/projects (include_subgroups), /api/v4/users/U/projects,
             /api/v4/users/U/starred_projects, /api/v4/projects?membership=|starred=;
             PRIVATE-TOKEN or Authorization: Bearer; offset pagination (per_page at most
             100, Link, x-next-page, x-total) and keyset on /projects (pagination=keyset,
             id_after in the next link); RateLimit-* headers; ETag and 304;
             with_programming_language filters; forks carry forked_from_project.
  gitea      /api/v1/orgs/O/repos, /api/v1/users/U/repos, /api/v1/user/repos,
             /api/v1/user/starred, /api/v1/users/U/starred; Authorization: token;
             limit capped at the server's page_limit (default 50), Link and
             x-total-count; no ETag; forks carry parent.
  bitbucket  /2.0/repositories/WS, /2.0/repositories?role=member,
             /2.0/repositories/WS/SLUG; Authorization: Bearer, or Basic USER:TOKEN;
             pagelen at most 100, {"values", "next", "page", "pagelen", "size"}; ETag;
             forks carry parent {full_name}, looked up by its own URL.
  bitbucket-dc  /rest/api/1.0/projects/KEY/repos, /rest/api/1.0/users/SLUG/repos
             (the personal project ~SLUG), /rest/api/1.0/repos (all the token
             reads), /rest/api/1.0/projects/KEY/repos/SLUG; Authorization:
             Bearer (an HTTP access token); limit at most dc_limit (default
             1000), start; {"size", "limit", "isLastPage", "start",
             "nextPageStart", "values"}; no ETag; forks carry origin.
  azure      /ORG/_apis/git/repositories (every project's, in one reply) and
             /ORG/PROJECT/_apis/git/repositories, api-version required; Basic
             with the PAT as password (any user); {"count", "value"}; no paging,
             no ETag; an account is an organization (or a collection, under
             root_path /tfs), its subgroups its projects; forks carry isFork
             and parentRepository (the project upstream-owner).

CONFIG (JSON, read again on every request):
  {"token": "secret", "token_user": "alice", "clone_base": "git://127.0.0.1:PORT",
   "page_limit": 50, "root_path": "/gitlab",
   "accounts": {"acme": {"kind": "group", "repos": 3, "names": [...], "private": 1,
                         "forks": 1, "archived": 1, "pushed": {NAME: TIME},
                         "topics": {NAME: [...]}, "languages": {NAME: "C"},
                         "ids": {NAME: ID}, "clone_urls": {NAME: URL},
                         "no_wiki": [NAME, ...] (wiki off; on for the rest),
                         "subgroups": {"team": {...the same, nested...}}}},
   "starred": ["acme/team/x", ...], "member_of": ["acme"],
   "faults": [{"path": "/api/v4/groups/acme/projects", "status": 500, "times": 2},
              {"status": 429, "retry_after": 1}, {"body": "malformed"},
              {"body": "truncated"}, {"next": "http://elsewhere/..."}, {"next": "self"},
              {"next": "negative"} (Data Center: not the last page, nextPageStart -1),
              {"huge": 9}]}   (a page of 9 MiB)
root_path serves the whole instance under a sub-path, as GitLab's relative URL
install and Gitea's ROOT_URL behind a reverse proxy do (/gitlab/api/v4/...).
Repositories are made as in github_api.py: the first `private` private, then
`forks` forks (parent upstream-owner/NAME), then `archived`. One JSON line per
request goes to LOGFILE (method, path, headers).
"""
import base64
import copy
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

forge, config_path, portfile, logfile = sys.argv[1:5]
here = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = {
    "gitlab": "project.json", "gitea": "repository.json", "bitbucket": "repository.json",
    "bitbucket-dc": "repository.json", "azure": "repository.json",
}[forge]
with open(os.path.join(here, "..", "fixtures", forge, TEMPLATE)) as f:
    TEMPLATE = json.load(f)
lock = threading.Lock()
faults_used = {}
DEFAULT_PUSHED = "2024-01-01T00:00:00Z"


def load_config():
    with open(config_path) as f:
        return json.load(f)


def stable_id(full):
    return int(hashlib.sha1(full.encode()).hexdigest()[:8], 16)


class Repo:
    """what every forge says of one repository, before its own shape"""

    def __init__(self, cfg, ns, acct, i):
        names = acct.get("names") or []
        self.name = names[i] if i < len(names) else "repo-%03d" % i
        self.ns = ns
        self.full = f"{ns}/{self.name}"
        self.id = (acct.get("ids") or {}).get(self.name, stable_id(self.full))
        npriv, nfork, narch = acct.get("private", 0), acct.get("forks", 0), acct.get("archived", 0)
        self.private = i < npriv
        self.fork = npriv <= i < npriv + nfork
        self.archived = npriv + nfork <= i < npriv + nfork + narch
        self.pushed = (acct.get("pushed") or {}).get(self.name, DEFAULT_PUSHED)
        self.topics = (acct.get("topics") or {}).get(self.name, [])
        self.language = (acct.get("languages") or {}).get(self.name, "")
        self.wiki = self.name not in (acct.get("no_wiki") or [])
        base = cfg.get("clone_base", "/nonexistent")
        self.url = (acct.get("clone_urls") or {}).get(self.name, f"{base}/{self.full}.git")
        self.ssh = (acct.get("ssh_urls") or {}).get(self.name, self.url)
        self.url_given = self.name in (acct.get("clone_urls") or {})
        self.ssh_given = self.name in (acct.get("ssh_urls") or {})

    def parent(self, cfg):
        p = copy.copy(self)
        p.ns, p.full = "upstream-owner", "upstream-owner/" + self.name
        p.id = stable_id(p.full)
        p.fork = p.private = False
        base = cfg.get("clone_base", "/nonexistent")
        p.url = p.ssh = f"{base}/{p.full}.git"
        p.url_given = p.ssh_given = False
        return p


def walk(cfg, ns, acct, out):
    """an account's repositories and its subgroups', depth first"""
    out += [Repo(cfg, ns, acct, i) for i in range(acct.get("repos", 0))]
    for sub, sacct in (acct.get("subgroups") or {}).items():
        walk(cfg, f"{ns}/{sub}", sacct, out)
    return out


def account(cfg, path):
    """the account (or subgroup) at a namespace path, or None"""
    parts = path.split("/")
    acct = cfg["accounts"].get(parts[0])
    for p in parts[1:]:
        acct = (acct or {}).get("subgroups", {}).get(p)
    return acct


def repos_in(cfg, ns, subgroups):
    acct = account(cfg, ns)
    if acct is None:
        return None
    if subgroups:
        return walk(cfg, ns, acct, [])
    return [Repo(cfg, ns, acct, i) for i in range(acct.get("repos", 0))]


def find_repo(cfg, full):
    ns, _, name = full.rpartition("/")
    if ns == "upstream-owner":
        return None
    for r in repos_in(cfg, ns, False) or []:
        if r.name == name:
            return r
    return None


# ------------------------------------------------------------------ shapes

def gitlab_project(cfg, r, with_parent=True):
    p = copy.deepcopy(TEMPLATE)
    p.update(id=r.id, path=r.name, name=r.name, path_with_namespace=r.full,
             name_with_namespace=r.full.replace("/", " / "),
             visibility="private" if r.private else "public", archived=r.archived,
             http_url_to_repo=r.url, ssh_url_to_repo=r.ssh, last_activity_at=r.pushed,
             tag_list=r.topics, topics=r.topics, default_branch="main",
             wiki_enabled=r.wiki, wiki_access_level="enabled" if r.wiki else "disabled",
             web_url="http://gitlab.example/" + r.full)
    p["namespace"] = {"id": stable_id(r.ns), "name": r.ns.rsplit("/", 1)[-1],
                      "path": r.ns.rsplit("/", 1)[-1], "kind": "group", "full_path": r.ns}
    if r.fork and with_parent:
        p["forked_from_project"] = gitlab_project(cfg, r.parent(cfg), False)
    return p


def gitea_repo(cfg, r, with_parent=True):
    g = copy.deepcopy(TEMPLATE)
    g.update(id=r.id, name=r.name, full_name=r.full, private=r.private, fork=r.fork,
             archived=r.archived, clone_url=r.url, ssh_url=r.ssh, updated_at=r.pushed,
             language=r.language, topics=r.topics, default_branch="main", has_wiki=r.wiki)
    g["owner"]["login"] = g["owner"]["username"] = r.ns
    if r.fork and with_parent:
        g["parent"] = gitea_repo(cfg, r.parent(cfg), False)
    return g


def bitbucket_repo(cfg, r):
    b = copy.deepcopy(TEMPLATE)
    uuid = "{%08x-0000-4000-8000-%012x}" % (r.id & 0xffffffff, r.id)
    b.update(uuid=uuid, full_name=r.full, name=r.name, slug=r.name, is_private=r.private,
             updated_on=r.pushed, language=r.language, has_wiki=r.wiki)
    https = r.url.replace("://", "://%s@" % cfg.get("token_user", "alice"), 1) \
        if r.url.startswith("https://") else r.url
    b["links"]["clone"] = [{"name": "https", "href": https}, {"name": "ssh", "href": r.ssh}]
    b["workspace"]["slug"] = b["owner"]["username"] = r.ns
    if r.fork:
        b["parent"] = {"type": "repository", "full_name": r.parent(cfg).full,
                       "name": r.name, "uuid": "{parent}"}
    return b


def dc_repo(cfg, r, with_parent=True):
    b = copy.deepcopy(TEMPLATE)
    b.update(slug=r.name, id=r.id, name=r.name, public=not r.private, archived=r.archived)
    b["project"].update(key=r.ns, name=r.ns, public=not r.private,
                        type="PERSONAL" if r.ns.startswith("~") else "NORMAL")
    # the project key is lower case in clone links
    url, ssh = (u.replace("/%s/" % r.ns, "/%s/" % r.ns.lower(), 1) for u in (r.url, r.ssh))
    http = url.replace("://", "://%s@" % cfg.get("token_user", "alice"), 1) \
        if url.startswith("http") else url
    b["links"]["clone"] = [{"href": ssh, "name": "ssh"}, {"href": http, "name": "http"}]
    if r.fork and with_parent:
        b["origin"] = dc_repo(cfg, r.parent(cfg), False)
    return b


def azure_repo(cfg, r, with_parent=True):
    a = copy.deepcopy(TEMPLATE)
    org, _, project = r.ns.partition("/")
    if r.ns == "upstream-owner":  # a fork's parent: a project of the same organization
        org, project = cfg.get("azure_org", "acme"), "upstream-owner"
    guid = "%08x-0000-4000-8000-%012x" % (r.id & 0xffffffff, r.id)
    base = cfg.get("clone_base", "/nonexistent")
    path = f"{org}/{project}/_git/{r.name}"
    url = r.url if r.url_given else f"{base}/{path}"
    if url.startswith("http") and not r.url_given:
        url = url.replace("://", "://%s@" % org, 1)  # as Azure gives it
    a.update(id=guid, name=r.name, remoteUrl=url, isDisabled=r.archived,
             sshUrl=r.ssh if r.ssh_given else f"{base}/v3/{org}/{project}/{r.name}",
             webUrl=f"{base}/{path}", url=f"{base}/{org}/_apis/git/repositories/{guid}")
    a["project"].update(id=guid, name=project, visibility="private" if r.private else "public")
    if r.fork and with_parent:
        p = azure_repo(cfg, r.parent(cfg), False)
        a["isFork"] = True
        a["parentRepository"] = {k: p[k] for k in ("id", "name", "url", "project", "remoteUrl", "sshUrl")}
    return a


# ------------------------------------------------------------------ the server

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self):
        line = {"method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()}}
        with lock, open(logfile, "a") as f:
            f.write(json.dumps(line) + "\n")

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        hdrs = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if forge == "gitlab":
            hdrs.update({"RateLimit-Limit": "2000", "RateLimit-Remaining": "1999",
                         "RateLimit-Reset": str(int(time.time()) + 60)})
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def error(self, status, message):
        key = {"gitlab": "message", "gitea": "message"}.get(forge)
        body = {key: message} if key else {"type": "error", "error": {"message": message}}
        if forge == "bitbucket-dc":
            body = {"errors": [{"context": None, "message": message, "exceptionName": None}]}
        self.send(status, json.dumps(body).encode())

    def fault(self, cfg, path):
        for k, fl in enumerate(cfg.get("faults", [])):
            if "path" in fl and fl["path"] != path:
                continue
            key = "%d %s" % (k, json.dumps(fl, sort_keys=True))
            with lock:
                used = faults_used.get(key, 0)
                if used >= fl.get("times", 1):
                    continue
                faults_used[key] = used + 1
            return fl
        return None

    def authed(self, cfg):
        """True, False (no credentials), or None (refused: answered 401)"""
        token = cfg.get("token", "")
        if forge == "gitlab":
            got = self.headers.get("PRIVATE-TOKEN")
            auth = self.headers.get("Authorization")
            if got is None and auth and auth.startswith("Bearer "):
                got = auth[7:]
            ok = got == token
        else:
            auth = self.headers.get("Authorization")
            got = auth
            if auth is None:
                ok = False
            elif forge == "gitea":
                ok = auth in ("token " + token, "Bearer " + token)
            elif forge == "azure":
                # a PAT is the password of Basic auth, whatever the user name
                try:
                    pair = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
                except ValueError:
                    pair = ""
                ok = pair.partition(":")[2] == token
            else:
                basic = "Basic " + base64.b64encode(
                    f"{cfg.get('token_user', 'alice')}:{token}".encode()).decode()
                ok = auth in ("Bearer " + token, basic)
        if got is None:
            return False
        if not ok:
            self.error(401, "401 Unauthorized")
            return None
        return True

    def do_GET(self):
        self.record()
        cfg = load_config()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        authed = self.authed(cfg)
        if authed is None:
            return
        fl = self.fault(cfg, url.path)
        if fl and "status" in fl:
            headers = {}
            if "retry_after" in fl:
                headers["Retry-After"] = str(fl["retry_after"])
            if fl.get("ratelimit"):
                headers.update({"RateLimit-Remaining": "0",
                                "RateLimit-Reset": str(int(time.time()) + fl.get("reset_in", 1))})
            return self.send(fl["status"], json.dumps({"message": "fault"}).encode(), headers)
        root = cfg.get("root_path", "")
        if not url.path.startswith(root + "/"):
            return self.error(404, "not found")
        got = {"gitlab": self.gitlab, "gitea": self.gitea, "bitbucket": self.bitbucket,
               "bitbucket-dc": self.bitbucket_dc, "azure": self.azure}[forge](
            cfg, url.path[len(root):], query, authed)
        if got is None:
            return
        items, single = got
        if single is not None:
            return self.reply(json.dumps(single, indent=1).encode(), {}, fl)
        if not authed:
            items = [r for r in items if not r.private]
        return self.page(cfg, items, url.path, query, fl)

    # ---- routes: (repositories, None), (None, one object), or None (answered)

    def gitlab(self, cfg, path, q, authed):
        parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
        if parts[:2] != ["api", "v4"]:
            return self.error(404, "404 Not Found")
        parts = parts[2:]
        if len(parts) == 3 and parts[0] == "groups" and parts[2] == "projects":
            items = repos_in(cfg, parts[1], q.get("include_subgroups") == "true")
            if items is None or account(cfg, parts[1]).get("kind", "group") != "group":
                return self.error(404, "404 Group Not Found")
        elif len(parts) == 3 and parts[0] == "users" and parts[2] in ("projects", "starred_projects"):
            if account(cfg, parts[1]) is None:
                return self.error(404, "404 User Not Found")
            items = repos_in(cfg, parts[1], False) if parts[2] == "projects" else \
                [r for r in map(lambda f: find_repo(cfg, f), cfg.get("starred", [])) if r]
        elif parts == ["projects"]:
            if not authed:
                return self.error(401, "401 Unauthorized")
            if q.get("starred") == "true":
                items = [r for r in map(lambda f: find_repo(cfg, f), cfg.get("starred", [])) if r]
            else:
                items = []
                for ns in cfg.get("member_of", []):
                    items += repos_in(cfg, ns, True) or []
        else:
            return self.error(404, "404 Not Found")
        lang = q.get("with_programming_language")
        if lang:
            items = [r for r in items if r.language.lower() == lang.lower()]
        return items, None

    def gitea(self, cfg, path, q, authed):
        parts = [p for p in path.split("/") if p]
        if parts[:2] != ["api", "v1"]:
            return self.error(404, "not found")
        parts = parts[2:]
        if len(parts) == 3 and parts[0] in ("orgs", "users") and parts[2] == "repos":
            items = repos_in(cfg, parts[1], False)
            if items is None:
                return self.error(404, "user does not exist")
        elif parts in (["user", "starred"], ["user", "repos"]) or \
                (len(parts) == 3 and parts[0] == "users" and parts[2] == "starred"):
            if parts[0] == "user" and not authed:
                return self.error(401, "token is required")
            if parts[-1] == "starred":
                items = [r for r in map(lambda f: find_repo(cfg, f), cfg.get("starred", [])) if r]
            else:
                items = []
                for ns in [cfg.get("token_user", "alice")] + cfg.get("member_of", []):
                    items += repos_in(cfg, ns, False) or []
        else:
            return self.error(404, "not found")
        return items, None

    def bitbucket(self, cfg, path, q, authed):
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["2.0"] or parts[1:2] != ["repositories"]:
            return self.error(404, "Resource not found")
        parts = parts[2:]
        if not parts:
            if not authed:
                return self.error(401, "Unauthorized")
            items = []
            for ns in cfg.get("member_of", []):
                items += repos_in(cfg, ns, False) or []
            return items, None
        if len(parts) == 1:
            items = repos_in(cfg, parts[0], False)
            if items is None:
                return self.error(404, "No workspace with identifier '%s'." % parts[0])
            return items, None
        if len(parts) == 2:
            full = "/".join(parts)
            if parts[0] == "upstream-owner":
                base = Repo(cfg, "x", {"names": [parts[1]]}, 0)
                return None, bitbucket_repo(cfg, base.parent(cfg))
            r = find_repo(cfg, full)
            if r is None:
                return self.error(404, "Repository not found")
            return None, bitbucket_repo(cfg, r)
        return self.error(404, "Resource not found")

    def bitbucket_dc(self, cfg, path, q, authed):
        parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
        if parts[:3] != ["rest", "api", "1.0"]:
            return self.error(404, "not found")
        parts = parts[3:]
        if len(parts) == 3 and parts[0] in ("projects", "users") and parts[2] == "repos":
            ns = parts[1] if parts[0] == "projects" else "~" + parts[1]
            items = repos_in(cfg, ns, False)
            if items is None:
                return self.error(404, "Project %s does not exist." % ns)
        elif len(parts) == 4 and parts[0] == "projects" and parts[2] == "repos":
            r = find_repo(cfg, parts[1] + "/" + parts[3])
            if r is None:
                return self.error(404, "Repository %s/%s does not exist." % (parts[1], parts[3]))
            return None, dc_repo(cfg, r)
        elif parts == ["repos"]:
            if not authed:
                return self.error(401, "Authentication failed. Please check your credentials and try again.")
            items = []
            for ns in cfg.get("member_of", []):
                items += repos_in(cfg, ns, False) or []
        else:
            return self.error(404, "not found")
        return items, None

    def azure(self, cfg, path, q, authed):
        parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
        if parts[-3:] != ["_apis", "git", "repositories"] or len(parts) not in (4, 5):
            return self.error(404, "not found")
        if "api-version" not in q:
            return self.error(400, "No api-version was supplied for the GET request.")
        acct = account(cfg, parts[0])
        if acct is None:
            return self.error(404, "organization %s not found" % parts[0])
        if len(parts) == 5:
            items = repos_in(cfg, parts[0] + "/" + parts[1], False)
            if items is None:
                return self.error(404, "TF200016: The project %s does not exist." % parts[1])
        else:
            items = [r for r in walk(cfg, parts[0], acct, []) if "/" in r.ns]
        return items, None

    # ---- pages

    def shape(self, cfg, r):
        return {"gitlab": gitlab_project, "gitea": gitea_repo,
                "bitbucket": lambda c, x: bitbucket_repo(c, x),
                "bitbucket-dc": dc_repo, "azure": azure_repo}[forge](cfg, r)

    def base(self, cfg):
        return cfg.get("link_base") or "http://" + self.headers.get("Host", "127.0.0.1")

    def link(self, cfg, path, q, **change):
        q = dict(q)
        q.update({k: str(v) for k, v in change.items()})
        return f"{self.base(cfg)}{path}?{urllib.parse.urlencode(q)}"

    def dc_page(self, cfg, items, fl):
        """start and limit; the next page is a number, not a link"""
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        per = max(min(int(q.get("limit", 25)), cfg.get("dc_limit", 1000)), 1)
        start = int(q.get("start", 0))
        chunk = [self.shape(cfg, r) for r in items[start:start + per]]
        doc = {"size": len(chunk), "limit": per, "isLastPage": start + per >= len(items),
               "start": start, "values": chunk}
        if not doc["isLastPage"]:
            doc["nextPageStart"] = start + per
        if fl and fl.get("next") == "self":
            doc.update(isLastPage=False, nextPageStart=start)
        if fl and fl.get("next") == "negative":
            doc.update(isLastPage=False, nextPageStart=-1)
        return self.reply(self.body(doc), {}, fl)

    def page(self, cfg, items, path, q, fl):
        if forge == "bitbucket-dc":
            return self.dc_page(cfg, items, fl)
        if forge == "azure":
            doc = {"count": len(items), "value": [self.shape(cfg, r) for r in items]}
            return self.reply(self.body(doc), {}, fl)
        headers = {}
        if forge == "gitlab" and q.get("pagination") == "keyset":
            per = min(int(q.get("per_page", 20)), 100)
            items = sorted(items, key=lambda r: r.id)
            after = int(q.get("id_after", 0))
            rest = [r for r in items if r.id > after]
            chunk = rest[:per]
            if len(rest) > per:
                headers["Link"] = '<%s>; rel="next"' % self.link(cfg, path, q, id_after=chunk[-1].id)
            if fl and fl.get("next") == "self":
                headers["Link"] = '<%s>; rel="next"' % (self.base(cfg) + self.path)
            return self.reply(self.body([self.shape(cfg, r) for r in chunk]), headers, fl)
        size_key, default, cap = {"gitlab": ("per_page", 20, 100),
                                  "gitea": ("limit", 30, cfg.get("page_limit", 50)),
                                  "bitbucket": ("pagelen", 10, 100)}[forge]
        per = max(min(int(q.get(size_key, default)), cap), 1)
        page = int(q.get("page", 1))
        pages = max((len(items) + per - 1) // per, 1)
        chunk = [self.shape(cfg, r) for r in items[(page - 1) * per: page * per]]
        next_url = self.link(cfg, path, q, page=page + 1, **{size_key: per}) if page < pages else None
        if fl and "next" in fl:
            # "self": a hostile listing whose next page is the page itself
            next_url = self.base(cfg) + self.path if fl["next"] == "self" else fl["next"]
        if forge == "bitbucket":
            doc = {"size": len(items), "page": page, "pagelen": per, "values": chunk}
            if next_url:
                doc["next"] = next_url
            return self.reply(self.body(doc), headers, fl)
        links = []
        if next_url:
            links.append('<%s>; rel="next"' % next_url)
        links.append('<%s>; rel="last"' % self.link(cfg, path, q, page=pages, **{size_key: per}))
        headers["Link"] = ", ".join(links)
        if forge == "gitlab":
            headers.update({"X-Page": str(page), "X-Per-Page": str(per), "X-Total": str(len(items)),
                            "X-Next-Page": str(page + 1) if page < pages else ""})
        else:
            headers["X-Total-Count"] = str(len(items))
        return self.reply(self.body(chunk), headers, fl)

    def body(self, obj):
        return json.dumps(obj, indent=1).encode()

    def reply(self, body, headers, fl):
        if forge not in ("gitea", "bitbucket-dc", "azure"):
            etag = 'W/"%s"' % hashlib.sha1(body).hexdigest()
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", {"ETag": etag})
        if fl and fl.get("huge"):
            body = b"[" + b" " * ((fl["huge"] << 20) - 2) + b"]"
        if fl and fl.get("body") == "malformed":
            body = b'[{"id": 1, "path": '
        elif fl and fl.get("body") == "truncated":
            self.send(200, b"", {**headers, "Content-Length": str(len(body))})
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, body, headers)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
