"""A worker's session with the server (issue 18): registered when the worker starts,
heartbeated by its own asyncio task (a slow handler never delays it), stopped when the
worker stops. The server releases the session's leases at once when it ends, so a killed
worker's intents are picked up in seconds instead of after their lease.

Identity: a restarted worker announcing the identity of its previous session ends that
session at once, and its leases go back before it claims. With no identity (no
``identity=``, no ``AXME_WORKER_IDENTITY``) each session is its own identity: replicas
can never evict each other, and a killed worker's leases go back when its session is
LOST, ``session_seconds`` (server default 10 s) after its last heartbeat. Give each
replica its own stable identity (pod name, ``host:slot``) for the instant handover."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .generated import RegisterWorkerInput, WorkerIdInput

if TYPE_CHECKING:
    from .client import AxmeClient

log = logging.getLogger("axme_durable")

SDK_NAME = "axme_durable"


def env_identity() -> str | None:
    return os.environ.get("AXME_WORKER_IDENTITY") or None


class SessionKeeper:
    """Registers the session (retrying until it succeeds or stops), heartbeats it, and
    re-registers after a loss; a session replaced by another process with the same
    identity stops the worker (``on_replaced``) instead of fighting over the identity."""

    def __init__(
        self,
        client: AxmeClient,
        *,
        identity: str | None,
        name: str,
        types: Sequence[str],
        concurrency: int,
        session_seconds: int | None,
        on_error: Callable[[BaseException], None],
        on_replaced: Callable[[], None],
    ) -> None:
        self.client = client
        self.id: str | None = None
        self._identity = identity
        self._name = name
        self._types = list(types)
        self._concurrency = concurrency
        self._session_seconds = session_seconds
        self._on_error = on_error
        self._on_replaced = on_replaced
        self._stopped = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Registers, then heartbeats in the background. Returns after the first attempt: when
        it failed (the server is away, or too old to know sessions) it keeps trying in the
        background, and the worker claims without a session meanwhile (leases then expire)."""
        if self._stopped:
            return
        interval = await self._register(once=True)
        loop = asyncio.get_running_loop()
        if interval is not None:
            self._task = loop.create_task(self._beat(interval), name="axme worker session")
        elif not self._stopped:
            self._task = loop.create_task(self._register_then_beat(), name="axme worker session")

    async def _register_then_beat(self) -> None:
        interval = await self._register()
        if interval is not None:
            await self._beat(interval)

    async def _register(self, once: bool = False) -> float | None:
        from . import __version__

        inp = RegisterWorkerInput.model_validate(
            {
                "identity": self._identity,
                "name": self._name,
                "host": socket.gethostname(),
                "sdk": SDK_NAME,
                "sdkVersion": __version__,
                "types": self._types,
                "concurrency": self._concurrency,
                "sessionSeconds": self._session_seconds,
            }
        )
        backoff = 0.2
        while not self._stopped:
            try:
                s = (await self.client.gql.register_worker(inp)).register_worker
            except Exception as err:
                self._on_error(err)
                if once:
                    return None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            self.id = s.id
            return float(s.heartbeat_seconds)
        return None

    async def _beat(self, interval: float) -> None:
        while not self._stopped:
            await asyncio.sleep(interval)
            sid = self.id
            if sid is None:
                return
            try:
                answer = (await self.client.gql.heartbeat_worker(WorkerIdInput(id=sid))).heartbeat_worker
            except Exception as err:
                # one missed beat is not fatal: the session lasts session_seconds
                self._on_error(err)
                interval = 1.0
                continue
            interval = float(answer.heartbeat_seconds)
            if answer.valid:
                continue
            self.id = None
            if answer.worker.end_reason == "REPLACED":
                log.warning(
                    "axme worker: another worker registered with identity %s; this one stops claiming "
                    "(give each replica its own identity)",
                    answer.worker.identity,
                )
                self._stopped = True
                self._on_replaced()
                return
            log.warning(
                "axme worker: session %s was %s (%s): the server released its leases; registering again",
                sid,
                answer.status.value,
                answer.worker.end_reason or "ended",
            )
            registered = await self._register()
            if registered is None:
                return
            interval = registered

    async def stop(self) -> None:
        """Stops heartbeats and ends the session: the leases it still holds go back at once."""
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        sid, self.id = self.id, None
        if sid is not None:
            try:
                await self.client.gql.stop_worker(WorkerIdInput(id=sid))
            except Exception as err:
                self._on_error(err)
