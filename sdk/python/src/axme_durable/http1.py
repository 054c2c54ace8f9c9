"""HTTP/1.1 POSTs over asyncio streams, with keep-alive connections of the client's own.

The client's requests are small JSON POSTs to one URL, many of them on a worker's hot path
(a claim, a step, a completion). Through httpx each one cost ~2.1 ms of CPU on a loopback
round trip (measured against an Axme server on a 2-core machine: anyio, httpcore, h11 and
httpx's models per request), here ~0.14 ms, so a worker's step waits on the server rather
than on its own client. httpx stays the transport when this module would not do what httpx
does (``usable_for``): the caller passed its own ``http_client``, a proxy is configured, the
URL carries credentials or characters beyond ASCII. This module speaks HTTP/1.1 to the URL's
own host only, as the TypeScript client's node:http sender does.

Connections are used one request at a time. An idle one is reused within ``IDLE_SECONDS``
(before a server's or proxy's keep-alive timeout), unless the server has closed it or sent
anything since; a request is never sent twice, so a connection that fails mid-request fails
that request.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
import sys
import time
import weakref
from collections.abc import Awaitable
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies

T = TypeVar("T")

IDLE_SECONDS = 4.0
"""Idle connections older than this are closed rather than reused (Node's server closes them after 5 s)."""

MAX_IDLE = 32
"""Idle connections kept per client; more are closed as their requests end."""

MAX_CONNECTIONS = 100
"""Requests one client has in flight per event loop (httpx's default pool size); more wait their turn."""

MAX_HEADER_BYTES = 64 * 1024
"""A response whose status line and headers (or a chunk's size line) are longer than this is refused."""

USER_AGENT = "axme-durable-python"

_STATUS = re.compile(r"HTTP/1\.([01]) ([0-9]{3})(?: .*)?")
_DIGITS = re.compile(r"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNSAFE_VALUE = frozenset("\r\n\0")


class HttpError(Exception):
    """The request failed on the way (connect, send, receive, a malformed answer, a timeout)."""


class Response:
    """What a GraphQL request answered: its status, headers (lower-case names) and body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


def usable_for(url: str) -> bool:
    """Whether this module can send to `url` as httpx would: http(s), ASCII, no credentials
    (httpx turns them into Basic auth), and no proxy configured (the environment's, or the
    system's on Windows and macOS, which httpx follows)."""
    if not url.isascii() or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return False
    proxies = getproxies()
    return not any(proxies.get(k) for k in ("http", "https", "all"))


def ssl_context() -> ssl.SSLContext:
    """Verification as httpx does it: SSL_CERT_FILE / SSL_CERT_DIR when set, else certifi's bundle."""
    cafile = os.environ.get("SSL_CERT_FILE")
    capath = os.environ.get("SSL_CERT_DIR")
    if not cafile and not capath:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile or None, capath=capath or None)


async def within(seconds: float | None, aw: Awaitable[T]) -> T:
    """`aw` with a deadline. asyncio.timeout where there is one (3.11): wait_for there could
    swallow a cancellation that arrives as the answer does."""
    if seconds is None:
        return await aw
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await aw
    return await asyncio.wait_for(aw, seconds)


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
            # anything a server sent on an idle connection (a 408 before it closes it) is
            # not the answer to the next request
            and not _buffered(self.reader)
            and not self.writer.transport.is_closing()
        )

    def close(self) -> None:
        if not self.loop.is_closed():
            if self.loop is _running_loop():
                self.writer.close()
            else:
                self.loop.call_soon_threadsafe(self.writer.close)
            return
        # its loop has ended without closing it: close the socket itself (a Python socket
        # closes once), and mark the transport closed so that it and its writer do not
        # warn when collected (asyncio's selector transports keep both in these attributes)
        transport: Any = self.writer.transport
        sock = getattr(transport, "_sock", None)
        if sock is not None:
            sock.close()
            transport._sock = None
            transport._closing = True


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _buffered(reader: asyncio.StreamReader) -> int:
    return len(getattr(reader, "_buffer", b""))


class Http1Client:
    """POSTs to one URL (http or https) over keep-alive connections; ``aclose()`` ends them."""

    def __init__(self, url: str, *, connect_timeout: float = 10.0) -> None:
        if not usable_for(url):
            raise ValueError(f"not a URL this transport sends to (http(s), ASCII, no credentials, no proxy): {url!r}")
        parts = urlsplit(url)
        assert parts.hostname is not None
        self.url = url
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._ssl = ssl_context() if parts.scheme == "https" else None
        self._connect_timeout = connect_timeout
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._head = f"POST {target} HTTP/1.1\r\nhost: {parts.netloc}\r\nuser-agent: {USER_AGENT}\r\n"
        self._idle: list[_Connection] = []
        self._closed = False
        # an asyncio.Semaphore belongs to the loop it first waits in
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def post(self, body: bytes, headers: dict[str, str], timeout: float | None) -> Response:
        """Sends one POST and reads its whole answer within ``timeout`` seconds (None: no limit).
        Raises HttpError when it fails on the way, RuntimeError once the client is closed."""
        if self._closed:
            raise RuntimeError("the client is closed")
        request = self._request(body, headers)
        try:
            return await within(timeout, self._exchange(request))
        except (TimeoutError, asyncio.TimeoutError) as err:  # one class from 3.11
            raise HttpError(f"no answer within {timeout:g} s") from err

    async def _exchange(self, request: bytes) -> Response:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(MAX_CONNECTIONS)
        async with slots:
            return await self._exchange_on_a_connection(request)

    async def _exchange_on_a_connection(self, request: bytes) -> Response:
        conn = await self._connection()
        try:
            conn.writer.write(request)
            response, keep = await _read_response(conn.reader)
        except BaseException:
            # cancelled, timed out or failed halfway: what is left on the wire is unknown
            conn.close()
            raise
        self._sweep()
        if keep and not self._closed and len(self._idle) < MAX_IDLE and not _buffered(conn.reader):
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
        return response

    def _sweep(self) -> None:
        """Closes idle connections past their time, so they do not wait in CLOSE_WAIT to be reached."""
        now = time.monotonic()
        keep = [c for c in self._idle if now - c.idle_since < IDLE_SECONDS]
        if len(keep) < len(self._idle):
            for c in self._idle:
                if now - c.idle_since >= IDLE_SECONDS:
                    c.close()
            self._idle = keep

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if conn.reusable(now):
                return conn
            conn.close()
        try:
            reader, writer = await within(
                self._connect_timeout,
                asyncio.open_connection(self._host, self._port, ssl=self._ssl, limit=MAX_HEADER_BYTES),
            )
        except (TimeoutError, asyncio.TimeoutError) as err:
            raise HttpError(f"could not connect within {self._connect_timeout:g} s") from err
        except OSError as err:  # ssl.SSLError is one
            raise HttpError(f"{type(err).__name__} {err}".rstrip()) from err
        return _Connection(reader, writer)

    def _request(self, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [self._head]
        for name, value in headers.items():
            if not _TOKEN.fullmatch(name) or name.lower() in ("host", "content-length", "user-agent"):
                raise ValueError(f"header name {name!r} is not one this client may send")
            if _UNSAFE_VALUE.intersection(value):
                raise ValueError(f"header {name!r} holds a line break or NUL")
            lines.append(f"{name}: {value}\r\n")
        lines.append(f"content-length: {len(body)}\r\n\r\n")
        return "".join(lines).encode("latin-1") + body

    def close(self) -> None:
        """Closes the idle connections; one in use closes when its request ends."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    async def aclose(self) -> None:
        self.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    """The response and whether its connection may carry another request. 1xx answers are skipped."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
            matched = _STATUS.fullmatch(status_line)
            if not matched:
                raise HttpError(f"not an HTTP/1.x answer: {status_line[:80]!r}")
            headers: dict[str, str] = {}
            for line in header_lines:
                name, sep, value = line.partition(":")
                if not sep or not _TOKEN.fullmatch(name):
                    raise HttpError(f"a malformed header line: {line[:80]!r}")
                key = name.lower()
                headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
            status = int(matched.group(2))
            if not 100 <= status < 200:
                break
        keep = matched.group(1) == "1" and "close" not in headers.get("connection", "").lower()
        if status in (204, 304):
            content = b""  # never a body, whatever the headers say
        elif "transfer-encoding" in headers:
            if headers["transfer-encoding"].lower() != "chunked":
                raise HttpError(f"a transfer-encoding this client does not read: {headers['transfer-encoding'][:40]!r}")
            content = await _read_chunked(reader)
            keep = keep and "content-length" not in headers  # both framings: do not trust what follows
        elif "content-length" in headers:
            length = headers["content-length"]
            if not _DIGITS.fullmatch(length):
                raise HttpError(f"a malformed content-length: {length[:40]!r}")
            content = await reader.readexactly(int(length))
        else:
            content = await reader.read()  # the body runs until the server closes
            keep = False
    except asyncio.IncompleteReadError as err:
        raise HttpError("the server closed the connection before answering in full") from err
    except asyncio.LimitOverrunError as err:
        raise HttpError(f"an answer's head or chunk line over {MAX_HEADER_BYTES} bytes") from err
    except OSError as err:  # ssl.SSLError is one
        raise HttpError(f"{type(err).__name__} {err}".rstrip()) from err
    return Response(status, headers, content), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        line = (await reader.readuntil(b"\r\n"))[:-2]
        size_text = line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise HttpError(f"a malformed chunk size: {size_text[:40]!r}")
        size = int(size_text, 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, to the blank line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise HttpError("a chunk not followed by CRLF")
