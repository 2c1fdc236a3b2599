"""Bench sse helpers that run in their own processes: a lean SSE reader and a trivial SSE server.

`python -m civicdesk.bench._sse_client read HOST PORT` reads stream paths (one a line) from stdin
up to an empty line, opens them all (raw asyncio protocols, uvloop when installed: no HTTP
client library between the socket and the clock), prints `ready` when every stream has sent its
`retry:` hint, and then a line `got NUMBER COUNT` each time every stream has seen the "called"
event of ticket NUMBER. On `stop` (stdin) it prints one JSON line: {number: [arrival times]}
(time.time(), the clock the driving process shares on this machine), and exits.

`python -m civicdesk.bench._sse_client trivial PORT` is the yardstick for the reader: an SSE
server that does nothing but hold streams and, on each `POST /call/NUMBER`, write one "called"
frame to every stream; it shows how fast the reader is when the server costs nothing.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import defaultdict

CALLED = re.compile(rb'event: called\r?\ndata: \{"kind":"called","ticket":\{"number":"([A-Z0-9]+)"')


def _loop_factory():
    try:
        import uvloop

        return uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop is a dependency
        return asyncio.new_event_loop


def run_loop(coro):
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:  # asyncio.run has none on 3.11
        return runner.run(coro)


def _raise_files_limit() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Reader:
    def __init__(self, streams: int) -> None:
        self.streams = streams
        self.ready = 0
        self.all_ready = asyncio.Event()
        self.arrivals: dict[str, list[float]] = defaultdict(list)

    def arrived(self, number: str, at: float) -> None:
        times = self.arrivals[number]
        times.append(at)
        if len(times) == self.streams:
            sys.stdout.write(f"got {number} {len(times)}\n")
            sys.stdout.flush()


class StreamProtocol(asyncio.Protocol):
    def __init__(self, reader: Reader, request: bytes) -> None:
        self.reader = reader
        self.request = request
        self.tail = b""
        self.ready = False
        self.opened = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        at = time.time()
        buffer = self.tail + data if self.tail else data
        end = buffer.rfind(b"\n\n")
        if end < 0:
            self.tail = buffer
            return
        complete, self.tail = buffer[: end + 2], buffer[end + 2 :]
        if not self.ready and b"retry:" in complete:
            self.ready = True
            if not self.opened.done():
                self.opened.set_result(True)
        if b"event: called" in complete:
            for match in CALLED.finditer(complete):
                self.reader.arrived(match.group(1).decode(), at)

    def connection_lost(self, exc) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"stream closed before it opened: {exc}"))


async def _read(host: str, port: int, paths: list[str]) -> None:
    loop = asyncio.get_running_loop()
    reader = Reader(len(paths))
    protocols = []
    for start in range(0, len(paths), 200):  # in batches: the server's listen queue is finite
        batch = []
        for path in paths[start : start + 200]:
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
            _transport, protocol = await loop.create_connection(
                lambda request=request: StreamProtocol(reader, request), host, port
            )
            batch.append(protocol)
        await asyncio.wait_for(asyncio.gather(*(p.opened for p in batch)), 120)
        protocols.extend(batch)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while (line := await stdin.readline()) and line.strip() != b"stop":
        pass
    for protocol in protocols:
        protocol.transport.close()
    sys.stdout.write(json.dumps(reader.arrivals) + "\n")
    sys.stdout.flush()


def read_main(host: str, port: int) -> None:
    _raise_files_limit()
    paths = []
    for line in sys.stdin:
        if not line.strip():
            break
        paths.append(line.strip())
    run_loop(_read(host, port, paths))


# --- the yardstick: an SSE server that costs nothing ---------------------------------------------
class TrivialServer(asyncio.Protocol):
    streams: set = set()
    event_id = 0

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if b"\r\n\r\n" not in self.buffer:
            return
        head = self.buffer.split(b"\r\n", 1)[0].decode()
        method, path, _version = head.split(" ", 2)
        if method == "POST" and path.startswith("/call/"):
            number = path.rsplit("/", 1)[1]
            TrivialServer.event_id += 1
            data = json.dumps(
                {"kind": "called", "ticket": {"number": number}}, separators=(",", ":")
            )
            frame = f"id: {self.event_id}\nevent: called\ndata: {data}\n\n".encode()
            chunk = b"%x\r\n%s\r\n" % (len(frame), frame)
            for stream in list(self.streams):
                stream.write(chunk)
            body = b'{"ok":true}'
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            self.buffer = b""
            return
        self.transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (13, b"retry: 3000\n\n")
        )
        self.streams.add(self.transport)

    def connection_lost(self, exc) -> None:
        self.streams.discard(self.transport)


async def _trivial(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(TrivialServer, "127.0.0.1", port, backlog=4096)
    sys.stdout.write("listening\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


def main() -> None:
    if sys.argv[1] == "read":
        read_main(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "trivial":
        _raise_files_limit()
        run_loop(_trivial(int(sys.argv[2])))


if __name__ == "__main__":
    main()
