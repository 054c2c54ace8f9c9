"""The worker runtime: claims as many intents as it has free slots in one long poll, runs
the handler on each as its own asyncio task, heartbeats while it runs, cancels the task
when the lease is lost or the intent is cancelled, and completes or fails the intent with
what the handler did (completions that finish together go in one request, and so do the
steps its runs record together: ``AxmeClient.record_step``)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic_core import to_jsonable_python

from .completions import Completions
from .errors import BudgetExceededError, ConflictError, LeaseLostError, NonRetryableError, RetryAfterError
from .generated import FailIntentInput, HeartbeatIntentInput
from .run import IntentRun, Suspended
from .session import SessionKeeper, env_identity

if TYPE_CHECKING:
    from .client import AxmeClient, Lease

__all__ = ["MAX_CLAIM", "Handler", "Worker"]

log = logging.getLogger("axme_durable")
W = TypeVar("W", bound="Worker")

Handler = Callable[[IntentRun], Awaitable[Any]]
"""``async def handle(run: IntentRun) -> Any``: what it returns (JSON) completes the intent."""

MAX_CLAIM = 1000
"""The most intents one claimIntents request may ask for."""


def _default_on_error(err: BaseException, intent_id: str | None) -> None:
    where = f" (intent {intent_id})" if intent_id else ""
    log.error("axme worker%s: %s", where, err, exc_info=err)


class Worker:
    """Handles intents of ``types`` with ``handler`` until ``stop()``.

    Made by ``client.worker(...)``. Inside a running event loop it claims at once;
    otherwise ``start()``, ``await run()`` or ``async with worker:`` starts it."""

    def __init__(
        self,
        client: AxmeClient,
        handler: Handler,
        *,
        types: Sequence[str],
        concurrency: int = 1,
        lease_seconds: int = 60,
        agent: str | None = None,
        wait_seconds: int = 20,
        heartbeat_seconds: float | None = None,
        on_error: Callable[[BaseException, str | None], None] | None = None,
        identity: str | None = None,
        session_seconds: int | None = None,
        session: bool = True,
    ) -> None:
        if isinstance(types, str) or not types:
            raise ValueError("types must be a non-empty list of intent types")
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
            raise ValueError(f"concurrency must be a whole number of at least 1, not {concurrency!r}")
        self.client = client
        self.handler = handler
        self.types = list(types)
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.agent = agent or f"{socket.gethostname()}:{os.getpid()}"
        self.wait_seconds = wait_seconds
        self.heartbeat_seconds = heartbeat_seconds if heartbeat_seconds is not None else lease_seconds / 3
        self.on_error = on_error or _default_on_error
        self.completions = Completions(client)
        self._running: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._wake: asyncio.Event | None = None  # set by stop(); made in start(), inside the loop
        self._main: asyncio.Task[None] | None = None
        self._claim: asyncio.Task[list[Lease]] | None = None
        # the worker session (session.py): its leases go back at once when the process dies
        self.session: SessionKeeper | None = (
            SessionKeeper(
                client,
                identity=identity or env_identity(),
                name=self.agent,
                types=self.types,
                concurrency=concurrency,
                session_seconds=session_seconds,
                on_error=lambda err: self.on_error(err, None),
                on_replaced=self._stop_soon,
            )
            if session
            else None
        )

    def __call__(self, run: IntentRun) -> Awaitable[Any]:
        """The handler itself, so a decorated function can still be called directly (in tests)."""
        return self.handler(run)

    @property
    def running(self) -> int:
        """Handlers running now."""
        return len(self._running)

    def start(self) -> None:
        """Starts claiming (idempotent). Needs a running event loop."""
        if self._main is None:
            self._wake = asyncio.Event()
            if self._stopping:
                self._wake.set()
            self._main = asyncio.get_running_loop().create_task(self._claim_loop(), name=f"axme worker {self.types}")

    async def stop(self) -> None:
        """Stops claiming, lets running handlers finish, and returns when they have."""
        self._stop_soon()
        if self._main is not None:
            await asyncio.shield(self._main)

    async def wait(self) -> None:
        """Returns once the worker has stopped and every handler has returned."""
        self.start()
        assert self._main is not None
        await asyncio.shield(self._main)

    async def run(self, *, stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM)) -> None:
        """Claims until one of ``stop_signals`` arrives (SIGINT, SIGTERM), then drains: the
        handlers in hand finish and their intents complete. For scripts: ``asyncio.run(worker.run())``."""
        self.start()
        assert self._main is not None
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        if threading.current_thread() is threading.main_thread():
            for sig in stop_signals:
                try:
                    loop.add_signal_handler(sig, self._stop_soon)
                    installed.append(sig)
                except (NotImplementedError, RuntimeError):  # not on this platform or loop
                    pass
        try:
            await self._main
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    async def __aenter__(self: W) -> W:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _stop_soon(self) -> None:
        if not self._stopping:
            log.info("axme worker: stopping; finishing the %d intent(s) in hand", len(self._running))
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        if self._claim is not None and not self._claim.done():
            self._claim.cancel()

    async def _pause(self, seconds: float) -> None:
        """Sleeps, but not past a stop()."""
        assert self._wake is not None
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _claim_loop(self) -> None:
        # its step records and completions go over a socket held open while it runs
        self.client.gql.hold_writes()
        try:
            if self.session is not None:
                await self.session.start()
            try:
                await self._claim_while_running()
            finally:
                if self.session is not None:
                    await asyncio.shield(self.session.stop())
        finally:
            self.client.gql.release_writes()

    async def _claim_while_running(self) -> None:
        """One claim in flight at a time, for as many intents as there are free slots."""
        backoff = 0.1
        try:
            while not self._stopping:
                free = self.concurrency - len(self._running)
                if free <= 0:
                    await asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)
                    continue
                claim = asyncio.get_running_loop().create_task(
                    self.client.claim_many(
                        self.types,
                        limit=min(free, MAX_CLAIM),
                        agent=self.agent,
                        lease_seconds=self.lease_seconds,
                        wait_seconds=self.wait_seconds,
                        worker_id=self.session.id if self.session is not None else None,
                    )
                )
                self._claim = claim
                try:
                    await asyncio.wait({claim})
                except asyncio.CancelledError:
                    claim.cancel()
                    raise
                if claim.cancelled():
                    continue  # stop() cancelled the long poll
                err = claim.exception()
                if err is not None:
                    if self._stopping:
                        break
                    self.on_error(err, None)
                    await self._pause(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                backoff = 0.1
                if self._stopping:
                    # answered after stop(): nothing was started, so the leases go back unspent
                    await asyncio.gather(*(self._release(lease) for lease in claim.result()))
                    break
                for lease in claim.result():
                    task = asyncio.get_running_loop().create_task(
                        self._run(lease), name=f"axme intent {lease.intent.id}"
                    )
                    self._running.add(task)
                    task.add_done_callback(self._running.discard)
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
        except asyncio.CancelledError:
            # the worker itself was cancelled (not stopped): so are its handlers
            for task in self._running:
                task.cancel()
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            raise

    async def _release(self, lease: Lease) -> None:
        try:
            await self.client.release(lease.intent.id, lease.token)
        except Exception as err:
            self.on_error(err, lease.intent.id)

    async def _call_handler(self, run: IntentRun) -> tuple[Any, dict[str, Any] | None]:
        output = await self.handler(run)
        last_step = await run.finish()
        return to_jsonable_python(output), last_step

    async def _heartbeat(self, run: IntentRun) -> None:
        inp = HeartbeatIntentInput.model_validate(
            {"id": run.id, "leaseToken": run.lease_token, "leaseSeconds": self.lease_seconds}
        )
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.client.gql.heartbeat_intent(inp)
            except (LeaseLostError, ConflictError, BudgetExceededError) as err:
                run._mark_lost(err)
                return
            except Exception as err:
                self.on_error(err, run.id)

    async def _run(self, lease: Lease) -> None:
        loop = asyncio.get_running_loop()
        handler_task: asyncio.Task[Any] | None = None
        heartbeat: asyncio.Task[None] | None = None

        def on_lost(err: BaseException) -> None:
            # the lease is gone (expired, superseded) or the intent was finished elsewhere
            log.info("axme worker: intent %s: %s; cancelling its handler", lease.intent.id, err)
            if handler_task is not None and handler_task is not asyncio.current_task() and not handler_task.done():
                handler_task.cancel()
            elif handler_task is not None and not handler_task.done():
                loop.call_soon(handler_task.cancel)

        def on_suspend(_: Suspended) -> None:
            # a durable wait released the lease: no more heartbeats; neither complete nor fail
            if heartbeat is not None:
                heartbeat.cancel()

        run = IntentRun(self.client, lease, on_lost=on_lost, on_suspend=on_suspend)
        handler_task = loop.create_task(self._call_handler(run), name=f"axme handler {lease.intent.id}")
        heartbeat = loop.create_task(self._heartbeat(run), name=f"axme heartbeat {lease.intent.id}")
        try:
            try:
                await asyncio.wait({handler_task})
            except asyncio.CancelledError:
                handler_task.cancel()
                await asyncio.wait({handler_task})
                raise
            if run.suspended is not None or run.lost is not None:
                if not handler_task.cancelled():
                    handler_task.exception()  # retrieved: its Suspended or LeaseLost is expected
                return
            if handler_task.cancelled():
                await self._fail(run, RuntimeError("the handler's task was cancelled"))
                return
            err = handler_task.exception()
            if err is not None:
                log.error(
                    "axme worker: handler failed (intent %s, type %s, attempt %d): %s",
                    run.id,
                    run.type,
                    run.attempt,
                    err,
                    exc_info=err,
                )
                await self._fail(run, err)
                return
            output, last_step = handler_task.result()
            await self.completions.complete(run.id, run.lease_token, output, last_step)
        except asyncio.CancelledError:
            raise
        except Exception as err:
            self.on_error(err, run.id)
        finally:
            heartbeat.cancel()

    async def _fail(self, run: IntentRun, err: BaseException) -> None:
        # what the handler streamed before it raised is kept for whoever reads the failure
        try:
            await run.flush()
        except Exception:
            pass
        code = getattr(err, "code", None)
        details = getattr(err, "details", None)
        if details is None:
            details = {"exception": type(err).__name__, "traceback": "".join(traceback.format_exception(err))[-4000:]}
        inp = FailIntentInput.model_validate(
            {
                "id": run.id,
                "leaseToken": run.lease_token,
                "error": {
                    "message": str(err) or type(err).__name__,
                    "code": str(code) if code is not None else type(err).__name__,
                    "retryable": not isinstance(err, NonRetryableError),
                    "details": to_jsonable_python(details, fallback=str),
                },
                "retryAfterSeconds": err.seconds if isinstance(err, RetryAfterError) else None,
            }
        )
        await self.client.gql.fail_intent(inp)
