#!/usr/bin/env python3
"""A git:// server that attacks its client, for grove's hostile-server tests
(issue 16). It reads the client's request line and answers with the mode
chosen on the command line, on 127.0.0.1 only:

  endless     a ref advertisement that never ends: valid pkt-lines, one tag
              each, as fast as the client reads them
  trickle     a valid ref advertisement, one byte a second
  slowdrip    an endless advertisement at RATE bytes a second (default 400:
              more than 1 KiB in any 3 seconds, so only a deadline stops it)

usage: hostile_git.py MODE PORTFILE [RATE]
       hostile_git.py MODE --stdio [ARGS...]   (once, on standard input and
                                output: an ssh for GIT_SSH_COMMAND; ARGS, ssh's,
                                are ignored)
"""
import os
import socket
import sys
import threading
import time

mode, portfile = sys.argv[1:3]
rate = float(sys.argv[3]) if len(sys.argv) > 3 and portfile != "--stdio" else 400
ZERO = "0" * 40
HEAD = "1" * 40


def pkt(s):
    data = s.encode()
    return b"%04x" % (len(data) + 4) + data


def advertisement():
    """pkt-lines of a ref advertisement, then tags without end"""
    yield pkt(HEAD + " HEAD\0multi_ack side-band-64k ofs-delta\n")
    yield pkt(HEAD + " refs/heads/main\n")
    n = 0
    while True:
        yield pkt("%s refs/tags/t%09d\n" % (ZERO, n))
        n += 1
        if mode == "trickle" and n > 3:
            yield b"0000"
            return


class Stdio:
    """standard input and output with a socket's calls"""

    def recv(self, n):
        return b""  # over ssh the command line is the request

    def sendall(self, data):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def close(self):
        pass


def serve(conn):
    try:
        conn.recv(4096)  # the request line: git-upload-pack /path\0host=...\0
        if mode == "endless":
            buf = b""
            for p in advertisement():
                buf += p
                if len(buf) >= 65536:
                    conn.sendall(buf)
                    buf = b""
        elif mode == "trickle":
            for p in advertisement():
                for b in p:
                    conn.sendall(bytes([b]))
                    time.sleep(1)
        elif mode == "slowdrip":
            chunk = max(int(rate / 10), 1)
            buf = b""
            for p in advertisement():
                buf += p
                while len(buf) >= chunk:
                    conn.sendall(buf[:chunk])
                    buf = buf[chunk:]
                    time.sleep(0.1)
    except OSError:
        pass
    finally:
        conn.close()


if portfile == "--stdio":
    serve(Stdio())
    sys.exit(0)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
