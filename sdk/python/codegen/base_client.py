"""The transport under the generated client (ariadne-codegen copies this file into
``axme_durable/generated/base_client.py``; edit it here and regenerate).

Queries and mutations go over HTTP: through ``axme_durable.http1`` (keep-alive HTTP/1.1 on
asyncio streams, ~15x less CPU per request than httpx), or through httpx when the caller
passes an ``http_client`` or a proxy is set in the environment; subscriptions over WebSocket with the
``graphql-transport-ws`` protocol (the one graphql-ws speaks), and the operations a caller sends
with ``over_socket=True`` (a worker's step records and completions) over the same shared socket
while writes are held (``hold_writes``: a running worker) and requests would go through http1. Every GraphQL error is
raised as the ``axme_durable.errors`` class for its ``extensions.code``, and every
transport failure as ``NetworkError``.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any, Protocol

import httpx
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from axme_durable.errors import NetworkError
from axme_durable.generated.base_model import UNSET
from axme_durable.http1 import Http1Client, HttpError, usable_for
from axme_durable.ws_shared import SharedSocket, SocketUnavailable, result_data

SOCKET_WRITE_MAX_CHARS = 64 * 1024
"""Writes longer than this (characters of JSON) go over HTTP: the server closes a socket that
sends a message over 1 MiB, failing every operation on it (64 Ki characters are at most 192 KiB)."""

SOCKET_RETRY_SECONDS = 30.0
"""After no socket could be opened, writes go over HTTP this long before trying one again,
twice as long after each failure in a row, up to ``SOCKET_RETRY_MAX_SECONDS``."""

SOCKET_RETRY_MAX_SECONDS = 600.0


class HttpResponse(Protocol):
    """What a request answered, from either transport (an ``httpx.Response`` is one)."""

    @property
    def status_code(self) -> int: ...

    def json(self) -> Any: ...


class _SocketResult:
    """A result that came over the socket, read as an HTTP answer is."""

    status_code = 200

    def __init__(self, body: Any) -> None:
        self._body = body

    def json(self) -> Any:
        return self._body


class AxmeBaseClient:
    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        ws_url: str = "",
        ws_headers: dict[str, str] | None = None,
        ws_connection_init_payload: dict[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self._http_client = http_client
        # the caller's httpx client, a proxy, or a URL only httpx handles keep every request on httpx
        self._http1 = Http1Client(url) if http_client is None and usable_for(url) else None
        self.ws_url = ws_url or (url.replace("http", "ws", 1) if url.startswith("http") else url)
        self.ws_headers = dict(ws_headers or {})
        self.ws_connection_init_payload = ws_connection_init_payload
        # every subscription of this client on one socket
        self._shared = SharedSocket(self.ws_url, self.ws_headers, ws_connection_init_payload)
        # execute(..., over_socket=True) sends over that socket (the worker's hot writes);
        # only where requests go over http1: a caller's httpx client or a proxy keeps them on httpx
        self.writes_over_socket = True
        self.write_holds = 0
        self._socket_holds = 0
        self._socket_down_until = 0.0
        self._socket_retry = SOCKET_RETRY_SECONDS

    async def __aenter__(self) -> AxmeBaseClient:
        return self

    async def __aexit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        await self.aclose()

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The httpx client: the caller's, or one made on first use for requests with options
        only httpx takes. Requests go through it only when it was passed or set."""
        if self._http_client is None:
            self._http_client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout, connect=10.0))
        return self._http_client

    @http_client.setter
    def http_client(self, client: httpx.AsyncClient) -> None:
        """From now on every request goes through `client`."""
        self._http_client = client
        if self._http1 is not None:
            self._http1.close()
            self._http1 = None

    async def aclose(self) -> None:
        await self._shared.aclose()
        if self._http1 is not None:
            await self._http1.aclose()
        if self._http_client is not None:
            await self._http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> HttpResponse:
        """Posts one operation. ``timeout=`` (seconds for the whole request, for a long poll)
        is taken by both transports; any other keyword sends the request through httpx, which takes it."""
        body = {"query": query, "operationName": operation_name, "variables": self._serializable(variables)}
        headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **self.headers,
        }
        over_socket = kwargs.pop("over_socket", False)
        timeout = kwargs.get("timeout", self.timeout)
        plain = (
            self._http1 is not None and kwargs.keys() <= {"timeout"} and isinstance(timeout, (int, float, type(None)))
        )
        if over_socket and plain and self.write_holds > 0 and self.writes_over_socket:
            sent = await self._over_socket(body, timeout)
            if sent is not None:
                return sent
        if plain:
            assert self._http1 is not None
            try:
                return await self._http1.post(json.dumps(body).encode(), headers, timeout)
            except HttpError as err:
                raise NetworkError(f"cannot reach {self.url}: {err}") from err
        try:
            return await self.http_client.post(self.url, content=json.dumps(body), headers=headers, **kwargs)
        except httpx.TransportError as err:
            raise NetworkError(f"cannot reach {self.url}: {type(err).__name__} {err}".rstrip()) from err

    async def _over_socket(self, body: dict[str, Any], timeout: float | None) -> HttpResponse | None:
        """One operation over the shared socket; None when it was not sent (too large for a
        socket message, or no socket could be opened: HTTP carries writes for a while then)."""
        if time.monotonic() < self._socket_down_until:
            return None
        # serialised once: the socket sends this text as the operation's payload
        payload = json.dumps({k: v for k, v in body.items() if v is not None})
        if len(payload) > SOCKET_WRITE_MAX_CHARS:
            return None
        try:
            result = _SocketResult(await self._shared.execute(payload, timeout))
        except SocketUnavailable as err:
            if err.connect_failed:
                # each failure in a row waits twice as long before the socket is tried again
                self._socket_down_until = time.monotonic() + self._socket_retry
                self._socket_retry = min(self._socket_retry * 2, SOCKET_RETRY_MAX_SECONDS)
            return None
        self._socket_retry = SOCKET_RETRY_SECONDS
        return result

    def hold_writes(self) -> None:
        """From now until ``release_writes()``, operations sent with ``over_socket=True`` go over
        the shared socket, which stays open however long idle (a running worker holds it).
        Nothing is held where writes go over HTTP anyway."""
        self.write_holds += 1
        if self.writes_over_socket and self._http1 is not None:
            self._shared.hold()
            self._socket_holds += 1

    def release_writes(self) -> None:
        self.write_holds -= 1
        # as many releases of the socket as holds of it, whatever changed in between
        if self._socket_holds > self.write_holds:
            self._socket_holds -= 1
            self._shared.release()

    def get_data(self, response: HttpResponse) -> dict[str, Any]:
        """The operation's data, or the first error as its exception class."""
        try:
            body = response.json()
        except ValueError as err:
            raise NetworkError(f"{self.url} answered {response.status_code} without a GraphQL body") from err
        if not isinstance(body, dict):
            raise NetworkError(f"{self.url} answered {response.status_code} without a GraphQL body")
        data = result_data(body, self.url)
        if data is None:
            raise NetworkError(f"{self.url} answered {response.status_code} without data")
        return data

    async def execute_ws(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Each result's data, until the server completes the subscription.

        Subscriptions share the client's one socket (``axme_durable.ws_shared``); with
        other keywords (they go to ``websockets.connect``) this one gets a socket of its own.
        ``on_connected`` (a callable, optional) is called once the server acknowledged
        the connection. Errors in a result or an ``error`` message raise their class;
        a socket that cannot connect or closes raises ``NetworkError``."""
        on_connected: Callable[[], None] | None = kwargs.pop("on_connected", None)
        payload: dict[str, Any] = {"query": query, "operationName": operation_name}
        if variables:
            payload["variables"] = self._serializable(variables)
        # keywords for websockets.connect: a socket of this subscription's own, closed with it
        own = SharedSocket(self.ws_url, self.ws_headers, self.ws_connection_init_payload, **kwargs) if kwargs else None
        try:
            async with aclosing((own or self._shared).subscribe(payload, on_connected)) as results:
                async for result in results:
                    got = result_data(result, self.ws_url)
                    if got is not None:
                        yield got
        finally:
            if own is not None:
                await own.aclose()

    def _serializable(self, variables: dict[str, Any] | None) -> dict[str, Any]:
        if not variables:
            return {}
        return {key: _plain(value) for key, value in variables.items() if value is not UNSET}


def _plain(value: Any) -> Any:
    """Input models as the JSON the server expects: camelCase names, fields never set left out."""
    if isinstance(value, BaseModel):
        return to_jsonable_python(value.model_dump(by_alias=True, exclude_unset=True))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return to_jsonable_python(value)
