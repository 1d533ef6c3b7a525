#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that delays every chunk, both ways, by a fixed
time: a link with latency for grove's network bench, on a kernel without
netem (issue 20). Order is kept; throughput is not limited.

usage: delay_proxy.py TARGET_PORT DELAY_MS PORTFILE [PEAKFILE]
Listens on a free port of 127.0.0.1 (written to PORTFILE) and forwards
each connection to 127.0.0.1:TARGET_PORT, holding every chunk DELAY_MS
milliseconds (one way) before passing it on. A round trip through it costs
2 x DELAY_MS more than without it. With PEAKFILE, the most connections
open at once is kept there.
"""
import asyncio
import os
import sys

target_port, delay_ms, portfile = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
peakfile = sys.argv[4] if len(sys.argv) > 4 else None
delay = delay_ms / 1000.0
open_now = peak = 0


def count(step):
    global open_now, peak
    open_now += step
    if peakfile and open_now > peak:
        peak = open_now
        with open(peakfile, "w") as f:
            f.write(f"{peak}\n")


async def pump(reader, writer, on_eof=None):
    """Reads chunks as they come and writes each one delay after it came."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        while True:
            try:
                data = await reader.read(65536)
            except (ConnectionError, OSError):
                data = b""
            if not data and on_eof:
                on_eof()
            await queue.put((loop.time() + delay, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, OSError):
        pass


async def handle(client_reader, client_writer):
    count(1)
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        count(-1)
        return
    # a connection counts until its client closes it, not until the
    # delayed close reaches the server
    await asyncio.gather(pump(client_reader, server_writer, lambda: count(-1)),
                         pump(server_reader, client_writer))
    for w in (client_writer, server_writer):
        w.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(portfile + ".tmp", portfile)
    async with server:
        await server.serve_forever()


asyncio.run(main())
