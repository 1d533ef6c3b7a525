#!/usr/bin/env python3
"""A server that accepts connections and never answers, for grove's
timeout tests. 127.0.0.1 only; it exits by itself after LIFETIME seconds.

usage: stall.py PORTFILE [LIFETIME]
PORTFILE.conns holds how many connections it has accepted.
"""
import os
import socket
import sys
import time

portfile = sys.argv[1]
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
s.settimeout(0.5)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
held = []
end = time.time() + lifetime
while time.time() < end:
    try:
        conn, _ = s.accept()
        held.append(conn)
        with open(portfile + ".conns.tmp", "w") as f:
            f.write(str(len(held)))
        os.rename(portfile + ".conns.tmp", portfile + ".conns")
    except socket.timeout:
        pass
