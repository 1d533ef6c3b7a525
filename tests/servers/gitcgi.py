"""git http-backend as a CGI program, shared by grove's smart HTTP test
servers (http_backend.py, faulty_git.py, sourcehut_api.py)."""
import os
import subprocess


def read_body(handler):
    """The request body, chunked or with a Content-Length."""
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


def run(handler, root, body, user=None):
    """Runs git http-backend for the request: (status, headers, body)."""
    path, _, query = handler.path.partition("?")
    env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
               PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=handler.command,
               CONTENT_TYPE=handler.headers.get("Content-Type", ""),
               CONTENT_LENGTH=str(len(body)), REMOTE_ADDR="127.0.0.1")
    if user:
        env["REMOTE_USER"] = user
    if handler.headers.get("Content-Encoding"):
        env["HTTP_CONTENT_ENCODING"] = handler.headers["Content-Encoding"]
    if handler.headers.get("Git-Protocol"):
        env["GIT_PROTOCOL"] = handler.headers["Git-Protocol"]
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


def serve(handler, root, body, user=None):
    """Runs git http-backend for the request and sends its answer whole."""
    status, headers, rest = run(handler, root, body, user)
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(rest)))
    handler.end_headers()
    handler.wfile.write(rest)
