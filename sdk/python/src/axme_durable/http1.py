"""HTTP/1.1 POSTs over asyncio streams, with keep-alive connections of the client's own.

The client's requests are small JSON POSTs to one URL, many of them on a worker's hot path
(a claim, a step, a completion). Through httpx each one cost ~2.1 ms of CPU on a loopback
round trip (measured against an Axme server on a 2-core machine: anyio, httpcore, h11 and
httpx's models per request), here ~0.14 ms, so a worker's step waits on the server rather
than on its own client. httpx stays the transport when the caller passes its own
``http_client``, or a proxy is set in the environment (httpx follows it): this module
speaks HTTP/1.1 to the URL's own host only, as the TypeScript client's node:http sender does.

Connections are used one request at a time. An idle one is reused within ``IDLE_SECONDS``
(before a server's or proxy's keep-alive timeout), unless the server has closed it; a
request is never sent twice, so a connection that fails mid-request fails that request.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

IDLE_SECONDS = 4.0
"""Idle connections older than this are closed rather than reused (Node's server closes them after 5 s)."""

MAX_IDLE = 32
"""Idle connections kept per client; more are closed as their requests end."""

MAX_HEADER_BYTES = 64 * 1024
"""A response whose status line and headers are longer than this is refused (a server gone wrong)."""

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class HttpError(Exception):
    """The request failed on the way (connect, send, receive, a malformed answer, a timeout)."""


class Response:
    """What a GraphQL request answered: its status and its body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)


def proxy_in_environment() -> bool:
    """Whether a proxy variable is set (any case): httpx then sends through it, this module cannot."""
    return any(os.environ.get(name) or os.environ.get(name.lower()) for name in PROXY_VARIABLES)


def ssl_context() -> ssl.SSLContext:
    """Verification as httpx does it: SSL_CERT_FILE / SSL_CERT_DIR when set, else certifi's bundle."""
    cafile = os.environ.get("SSL_CERT_FILE")
    capath = os.environ.get("SSL_CERT_DIR")
    if not cafile and not capath:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile or None, capath=capath or None)


class _Connection:
    __slots__ = ("idle_since", "loop", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0
        # streams belong to the loop that opened them; a client used from another loop (a
        # test's, the sync layer's) opens connections there
        self.loop = asyncio.get_running_loop()

    def reusable(self, now: float) -> bool:
        return (
            now - self.idle_since < IDLE_SECONDS
            and self.loop is asyncio.get_running_loop()
            and not self.reader.at_eof()
            and not self.writer.transport.is_closing()
        )

    def close(self) -> None:
        # a connection of a loop that has ended is closed with it
        if not self.loop.is_closed():
            self.writer.close()


class Http1Client:
    """POSTs to one URL (http or https) over keep-alive connections; ``aclose()`` ends them."""

    def __init__(self, url: str, *, connect_timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._ssl = ssl_context() if parts.scheme == "https" else None
        self._connect_timeout = connect_timeout
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._head = f"POST {target} HTTP/1.1\r\nhost: {parts.netloc.rpartition('@')[2]}\r\n"
        self._idle: list[_Connection] = []
        self._closed = False

    async def post(self, body: bytes, headers: dict[str, str], timeout: float | None) -> Response:
        """Sends one POST and reads its whole answer within ``timeout`` seconds (None: no limit)."""
        request = self._request(body, headers)
        try:
            return await asyncio.wait_for(self._exchange(request), timeout)
        except asyncio.TimeoutError as err:
            raise HttpError(f"no answer within {timeout:g} s") from err

    async def _exchange(self, request: bytes) -> Response:
        conn = await self._connection()
        try:
            conn.writer.write(request)
            response, keep = await _read_response(conn.reader)
        except BaseException:
            # cancelled, timed out or failed halfway: what is left on the wire is unknown
            conn.close()
            raise
        if keep and not self._closed and len(self._idle) < MAX_IDLE:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
        return response

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if conn.reusable(now):
                return conn
            conn.close()
        if self._closed:
            raise HttpError("the client is closed")
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self._host, self._port, ssl=self._ssl, limit=MAX_HEADER_BYTES),
                self._connect_timeout,
            )
        except asyncio.TimeoutError as err:
            raise HttpError(f"could not connect within {self._connect_timeout:g} s") from err
        except OSError as err:
            raise HttpError(f"{type(err).__name__} {err}".rstrip()) from err
        return _Connection(reader, writer)

    def _request(self, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [self._head]
        for name, value in headers.items():
            if _UNSAFE.intersection(name) or _UNSAFE.intersection(value):
                raise ValueError(f"header {name!r} holds a line break or NUL")
            lines.append(f"{name}: {value}\r\n")
        lines.append(f"content-length: {len(body)}\r\n\r\n")
        return "".join(lines).encode("latin-1") + body

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


_UNSAFE = frozenset("\r\n\0")


async def _read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    """The response and whether its connection may carry another request. 1xx answers are skipped."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
            version, _, rest = status_line.partition(" ")
            code = rest[:3]
            if not version.startswith("HTTP/1.") or not code.isdigit():
                raise HttpError(f"not an HTTP/1.x answer: {status_line[:80]!r}")
            headers: dict[str, str] = {}
            for line in header_lines:
                name, sep, value = line.partition(":")
                if not sep:
                    raise HttpError(f"a malformed header line: {line[:80]!r}")
                key = name.strip().lower()
                headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
            status = int(code)
            if 100 <= status < 200:
                continue
            break
        keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            content = await _read_chunked(reader)
        elif "content-length" in headers:
            length = headers["content-length"]
            if not length.isdigit():
                raise HttpError(f"a malformed content-length: {length[:40]!r}")
            content = await reader.readexactly(int(length))
        elif status in (204, 304):
            content = b""
        else:
            content = await reader.read()  # the body runs until the server closes
            keep = False
    except asyncio.IncompleteReadError as err:
        raise HttpError("the server closed the connection before answering in full") from err
    except asyncio.LimitOverrunError as err:
        raise HttpError(f"an answer's head or chunk line over {MAX_HEADER_BYTES} bytes") from err
    except (OSError, ssl.SSLError) as err:
        raise HttpError(f"{type(err).__name__} {err}".rstrip()) from err
    return Response(status, headers, content), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        line = (await reader.readuntil(b"\r\n"))[:-2]
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as err:
            raise HttpError(f"a malformed chunk size: {size_text[:40]!r}") from err
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, to the blank line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise HttpError("a chunk not followed by CRLF")
