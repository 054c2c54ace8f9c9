"""The client's own HTTP/1.1 transport (axme_durable/http1.py), over real sockets: against
the Axme server, and against scripted servers for what a real one rarely does (chunked
bodies, closing idle connections, going silent, dying mid-answer)."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import ssl
import subprocess
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from conftest import Server

from axme_durable import AxmeClient, NetworkError, http1
from axme_durable.http1 import Http1Client

# one request as the scripted server saw it, and the writer to answer it on
Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]

OK_BODY = json.dumps({"data": {"__typename": "Query"}}).encode()


def ok(extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(OK_BODY)}\r\n{extra}\r\n".encode()
        + OK_BODY
    )


class Scripted:
    """A TCP server that reads whole requests and answers each with `handler`, counting connections and requests."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                await self.handler(head, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def scripted(handler: Handler) -> AsyncIterator[tuple[Scripted, str]]:
    s = Scripted(handler)
    server = await asyncio.start_server(s.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield s, f"http://127.0.0.1:{port}/graphql"
    finally:
        for w in s.writers:
            w.close()
        server.close()
        await server.wait_closed()


async def answer_ok(_head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(ok())
    await writer.drain()


async def post(client: Http1Client, timeout: float | None = 5.0) -> http1.Response:
    return await client.post(b'{"query":"{ __typename }"}', {"content-type": "application/json"}, timeout)


async def test_the_default_client_talks_to_the_server_over_its_own_transport(server: Server) -> None:
    async with AxmeClient(server.url) as c:
        assert c.gql._http1 is not None
        intent = await c.submit("http1.roundtrip", {"n": 1})
        assert (await c.get(intent.id)) is not None
        # sequential requests share one keep-alive connection
        assert len(c.gql._http1._idle) == 1


async def test_a_callers_httpx_client_or_a_proxy_in_the_environment_keep_httpx(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with AxmeClient(server.url, http_client=httpx.AsyncClient()) as c:
        assert c.gql._http1 is None
        await c.submit("http1.httpx", {})
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    async with AxmeClient(server.url) as c:
        assert c.gql._http1 is None
    monkeypatch.delenv("https_proxy")
    # credentials in the URL (httpx sends them as Basic auth), or a name beyond ASCII
    for url in (server.url.replace("http://", "http://user:pw@"), "http://bücher.example/graphql"):
        async with AxmeClient(url) as c:
            assert c.gql._http1 is None
    async with AxmeClient(server.url) as c:
        assert c.gql._http1 is not None
        c.gql.http_client = httpx.AsyncClient()  # setting one sends every request through it
        assert c.gql._http1 is None
        await c.submit("http1.httpx", {})


async def test_connections_are_kept_alive_and_each_carries_one_request_at_a_time() -> None:
    async def slow_ok(head: bytes, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.05)
        await answer_ok(head, writer)

    async with scripted(slow_ok) as (s, url):
        client = Http1Client(url)
        for _ in range(5):
            assert (await post(client)).json() == {"data": {"__typename": "Query"}}
        assert s.connections == 1
        await asyncio.gather(*(post(client) for _ in range(4)))
        assert s.connections == 4  # three more for the ones running beside the first
        await asyncio.gather(*(post(client) for _ in range(4)))
        assert s.connections == 4  # all four reused
        await client.aclose()


async def test_a_chunked_answer_is_read_whole() -> None:
    async def chunked(_head: bytes, writer: asyncio.StreamWriter) -> None:
        body = b'{"data": {"parts": "' + b"x" * 5000 + b'"}}'
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for i in range(0, len(body), 1000):
            part = body[i : i + 1000]
            writer.write(f"{len(part):x};ext=1\r\n".encode() + part + b"\r\n")
        writer.write(b"0\r\ntrailer: yes\r\n\r\n")
        await writer.drain()

    async with scripted(chunked) as (s, url):
        client = Http1Client(url)
        assert (await post(client)).json()["data"]["parts"] == "x" * 5000
        await post(client)
        assert s.connections == 1
        await client.aclose()


async def test_connection_close_and_a_body_to_the_end_are_not_reused() -> None:
    async def closing(head: bytes, writer: asyncio.StreamWriter) -> None:
        if len(s.requests) == 1:
            writer.write(ok("connection: close\r\n"))
        else:
            writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + OK_BODY)  # no length: the body runs to the close
            await writer.drain()
            writer.close()
            return
        await writer.drain()

    async with scripted(closing) as (s, url):
        client = Http1Client(url)
        await post(client)
        assert (await post(client)).json()["data"] == {"__typename": "Query"}
        await post(client)
        assert s.connections == 3
        await client.aclose()


async def test_a_connection_the_server_closed_while_idle_is_not_used_again() -> None:
    async def ok_then_close(head: bytes, writer: asyncio.StreamWriter) -> None:
        await answer_ok(head, writer)
        writer.close()  # as a server's keep-alive timeout does, after the answer

    async with scripted(ok_then_close) as (s, url):
        client = Http1Client(url)
        await post(client)
        await asyncio.sleep(0.05)
        await post(client)
        assert s.connections == 2
        assert len(s.requests) == 2
        await client.aclose()


async def test_an_idle_connection_is_reused_only_within_the_idle_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http1, "IDLE_SECONDS", 0.05)
    async with scripted(answer_ok) as (s, url):
        client = Http1Client(url)
        await post(client)
        await post(client)
        assert s.connections == 1
        await asyncio.sleep(0.1)
        await post(client)
        assert s.connections == 2
        await client.aclose()


async def test_a_silent_server_times_out_and_a_request_is_never_sent_twice() -> None:
    async def silent(_head: bytes, _writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    async with scripted(silent) as (s, url):
        async with AxmeClient(url, timeout=0.3) as c:
            with pytest.raises(NetworkError, match=r"no answer within 0\.3 s"):
                await c.get("01a231c6-084d-7e2c-94ed-6784dbd15949")
        assert len(s.requests) == 1


async def test_an_answer_cut_off_midway_is_a_network_error_and_is_not_retried() -> None:
    async def dies(_head: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"data"')
        await writer.drain()
        writer.close()

    async with scripted(dies) as (s, url):
        async with AxmeClient(url) as c:
            with pytest.raises(NetworkError, match="closed the connection before answering in full"):
                await c.get("01a231c6-084d-7e2c-94ed-6784dbd15949")
        assert len(s.requests) == 1


async def test_garbage_instead_of_http_is_a_network_error() -> None:
    async def garbage(_head: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        await writer.drain()

    async with scripted(garbage) as (_s, url), AxmeClient(url) as c:
        with pytest.raises(NetworkError, match=r"not an HTTP/1\.x answer"):
            await c.get("01a231c6-084d-7e2c-94ed-6784dbd15949")


async def test_a_cancelled_request_drops_its_connection_and_the_next_one_works() -> None:
    async def slow_once(head: bytes, writer: asyncio.StreamWriter) -> None:
        if len(s.requests) == 1:
            await asyncio.sleep(3600)
        await answer_ok(head, writer)

    async with scripted(slow_once) as (s, url):
        client = Http1Client(url)
        task = asyncio.create_task(post(client, timeout=None))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert client._idle == []
        assert (await post(client)).status_code == 200
        assert s.connections == 2
        await client.aclose()


async def test_an_informational_answer_before_the_final_one_is_skipped() -> None:
    async def continue_first(_head: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + ok())
        await writer.drain()

    async with scripted(continue_first) as (_s, url):
        client = Http1Client(url)
        assert (await post(client)).status_code == 200
        await client.aclose()


async def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    async with scripted(answer_ok) as (s, url):
        client = Http1Client(url)
        with pytest.raises(ValueError, match="line break"):
            await client.post(b"{}", {"authorization": "Bearer x\r\nx-injected: 1"}, 5.0)
        assert s.requests == []
        await client.aclose()


def test_a_client_used_from_two_event_loops_opens_connections_in_each() -> None:
    async def serve_twice() -> None:
        async with scripted(answer_ok) as (s, url):
            client = Http1Client(url)
            # each asyncio.run is a loop of its own, as a sync caller's or a test's
            await asyncio.get_running_loop().run_in_executor(None, asyncio.run, post(client))
            await asyncio.get_running_loop().run_in_executor(None, asyncio.run, post(client))
            assert s.connections == 2
            await client.aclose()

    gc.collect()  # what earlier tests left to the collector warns now, not below
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(serve_twice())
        gc.collect()
    # the connection left behind by the first loop was closed, not leaked to the collector
    assert not [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@asynccontextmanager
async def tls_server(cert: Path, key: Path) -> AsyncIterator[str]:
    """A scripted server behind TLS."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    s = Scripted(answer_ok)
    server = await asyncio.start_server(s.serve, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    finally:
        for w in s.writers:
            w.close()
        server.close()
        await server.wait_closed()


async def test_https_verifies_the_server_against_ssl_cert_file_or_certifi(
    self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed
    async with tls_server(cert, key) as url:
        # certifi's bundle does not hold a self-signed certificate: refused, as httpx refuses it
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        async with AxmeClient(url) as c:
            with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
                await c.get("01a231c6-084d-7e2c-94ed-6784dbd15949")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        client = Http1Client(url)
        assert (await post(client)).json() == {"data": {"__typename": "Query"}}
        await client.aclose()


async def test_an_answer_a_server_sent_on_an_idle_connection_is_not_taken_for_the_next() -> None:
    async def ok_then_408(head: bytes, writer: asyncio.StreamWriter) -> None:
        await answer_ok(head, writer)
        if len(s.requests) == 1:
            await asyncio.sleep(0.02)
            # as a server whose request timeout ends an idle connection says so
            writer.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()

    async with scripted(ok_then_408) as (s, url):
        client = Http1Client(url)
        await post(client)
        await asyncio.sleep(0.1)
        assert (await post(client)).status_code == 200
        assert s.connections == 2
        await client.aclose()


async def test_a_closed_client_refuses_requests_as_a_mistake_not_a_network_failure(server: Server) -> None:
    c = AxmeClient(server.url)
    await c.submit("http1.closed", {})
    await c.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await c.submit("http1.closed", {})


async def test_no_content_has_no_body_whatever_its_headers_say() -> None:
    async def no_content(_head: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n")
        await writer.drain()

    async with scripted(no_content) as (_s, url):
        client = Http1Client(url)
        answer = await post(client, timeout=2.0)
        assert (answer.status_code, answer.content) == (204, b"")
        await client.aclose()


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: ²\r\n\r\n".encode(),
        b"HTTP/1.1 200 OK\r\nbad header : x\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
    ],
)
async def test_a_malformed_answer_is_a_network_error(answer: bytes) -> None:
    async def malformed(_head: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    async with scripted(malformed) as (_s, url), AxmeClient(url, timeout=2.0) as c:
        with pytest.raises(NetworkError, match=r"malformed|not an HTTP/1|transfer-encoding"):
            await c.get("01a231c6-084d-7e2c-94ed-6784dbd15949")


async def test_at_most_max_connections_requests_are_in_flight_and_the_rest_wait_their_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http1, "MAX_CONNECTIONS", 5)
    in_flight, most = 0, 0

    async def counted(head: bytes, writer: asyncio.StreamWriter) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        await answer_ok(head, writer)

    async with scripted(counted) as (s, url):
        client = Http1Client(url)
        answers = await asyncio.gather(*(post(client) for _ in range(20)))
        assert [a.status_code for a in answers] == [200] * 20
        assert most == 5
        assert s.connections == 5
        await client.aclose()
