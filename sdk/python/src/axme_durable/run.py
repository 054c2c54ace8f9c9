"""One attempt of one intent inside a worker: the handler's view of it. Each durable step
is recorded once in its own record (``AxmeClient.record_step``), and waits and the handler's state
live in the intent's checkpoint, so a retry, a crash or a resume on another machine
picks up where this attempt left off.

The checkpoint layout is the TypeScript SDK's: ``{"steps": {name: {"value": ...}},
"waits": {key: {...}}, "state": ...}``, where ``steps`` holds results as SDKs before
step records wrote them: they are replayed, never added to."""

from __future__ import annotations

import asyncio
import copy
import inspect
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pydantic_core import to_jsonable_python

from .client import model
from .errors import BudgetExceededError, ConflictError, LeaseLostError, NonRetryableError
from .generated import (
    ApprovalRequestInput,
    ApprovalTimeoutAction,
    CheckpointIntentInput,
    RecordStepInput,
    ReportProgressInput,
    RequestApprovalInput,
    SleepIntentInput,
    WaitForChildrenInput,
    WaitForSignalInput,
)
from .streams import StreamWriter
from .usage import UsageOption, usage_for
from .waits import ApprovalDecision, ChildrenResult, SignalResult, WaitKind, outcome_of

if TYPE_CHECKING:
    from .client import AxmeClient, Intent, Lease

__all__ = ["IntentRun", "Suspended"]

T = TypeVar("T")


class Suspended(BaseException):
    """Raised by a durable wait once the intent is WAITING and its lease released: the run
    ends without completing or failing, and the handler runs again from the top when the
    wait is over.

    It derives from BaseException, like ``asyncio.CancelledError``, so that ``except
    Exception`` in a handler does not swallow it; if you catch it anyway, re-raise it."""

    def __init__(self, kind: WaitKind) -> None:
        super().__init__(f"the intent is waiting ({kind}); the handler runs again when the wait is over")
        self.kind = kind


def _read_checkpoint(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict) and isinstance(raw.get("steps"), dict):
        waits = raw.get("waits")
        return {
            "steps": dict(raw["steps"]),
            "waits": dict(waits) if isinstance(waits, dict) else {},
            "state": raw.get("state"),
        }
    # a checkpoint written by plain API calls is the handler's state
    return {"steps": {}, "waits": {}, "state": raw}


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))


class IntentRun:
    """Passed to the worker's handler: the intent, its input, durable steps and waits."""

    def __init__(
        self,
        client: AxmeClient,
        lease: Lease,
        *,
        on_lost: Callable[[BaseException], None] = lambda err: None,
        on_suspend: Callable[[Suspended], None] = lambda s: None,
    ) -> None:
        self.client = client
        self.intent: Intent = lease.intent
        self.lease_token: str = lease.token
        self._cp = _read_checkpoint(lease.intent.checkpoint)
        self._steps_this_run: set[str] = set()
        # steps with a recorded result (the claim's stepNames): replayed, outputs read as reached
        self._recorded: set[str] = set(getattr(lease.intent, "step_names", None) or [])
        self._last_wake = lease.intent.last_wake
        self._seq = lease.intent.last_seq
        self._wait_calls = 0
        self._streams: dict[str, StreamWriter] = {}
        self._writes = asyncio.Lock()
        self._write_error: Exception | None = None
        # a successful step marked ``last``, not yet sent: it goes with the completion, or before any later write
        self._held: dict[str, Any] | None = None
        self._on_lost = on_lost
        self._on_suspend = on_suspend
        self.lost: BaseException | None = None
        """Set once the lease is lost or the intent was finished elsewhere (cancelled, say)."""
        self.suspended: Suspended | None = None
        """Set once a durable wait released the lease: the worker neither completes nor fails the run."""

    @property
    def id(self) -> str:
        return self.intent.id

    @property
    def type(self) -> str:
        return self.intent.type_

    @property
    def input(self) -> Any:
        """The intent's JSON input."""
        return self.intent.input

    @property
    def attempt(self) -> int:
        """Which attempt this is (1 on the first claim; a wake continues the same attempt)."""
        return self.intent.attempt

    @property
    def state(self) -> Any:
        """The state last saved with ``checkpoint()``, from this or an earlier attempt."""
        return self._cp["state"]

    # ---- steps and state --------------------------------------------------------------

    @overload
    async def step(
        self,
        name: str,
        fn: Callable[[], Coroutine[Any, Any, T]],
        *,
        usage: UsageOption | None = None,
        last: bool = False,
    ) -> T: ...

    @overload
    async def step(
        self, name: str, fn: Callable[[], Awaitable[T]], *, usage: UsageOption | None = None, last: bool = False
    ) -> T: ...

    @overload
    async def step(
        self, name: str, fn: Callable[[], T], *, usage: UsageOption | None = None, last: bool = False
    ) -> T: ...

    async def step(
        self, name: str, fn: Callable[[], Any], *, usage: UsageOption | None = None, last: bool = False
    ) -> Any:
        """Runs ``fn`` (sync or async) once per intent and records its result on its own
        (``recordStep``): every later run of this intent (a retry, a resume after a wait,
        another machine after a crash) returns the recorded result without calling ``fn``.
        ``fn`` may be anything: an LLM call, sampling, a payment. Names must be unique
        within the intent. A step that raises records its error (STEP_FAILED) and the
        exception goes on to the handler.

        The result is stored as JSON (pydantic's ``to_jsonable_python``: models and
        dataclasses become dicts, tuples lists, datetimes strings), and that JSON form is
        what ``step`` returns, the first time as on every later run.

        ``usage`` records the LLM usage of the result with it: ``"openai"`` reads an
        OpenAI-compatible response's ``usage`` and ``model`` (``usage_of``); a function
        of the result returns a dict or a list of dicts (``provider``, ``model``,
        ``inputTokens``, ``outputTokens``, ``cachedTokens``, ``costUsd``).

        ``last=True``: the handler returns right after this step, so its record goes with
        the completion, in one request and one commit instead of two. Until then it is not
        durable: a crash before the completion runs the step again, and code after it must
        not act on its result outside the run. A later step, checkpoint, wait, child or
        ``flush()`` records it first."""
        # a step's name is its identity across runs; numbering repeats by call order
        # would give a step another's result when a run takes another branch
        if name in self._steps_this_run:
            raise NonRetryableError(
                f'step "{name}" already ran in this run: give each step its own name (for example f"search:{{i}}")',
                code="DUPLICATE_STEP",
            )
        self._steps_this_run.add(name)
        steps: dict[str, Any] = self._cp["steps"]
        if name in steps:
            stored = steps[name]
            return stored.get("value") if isinstance(stored, dict) else None
        if name in self._recorded:
            return await self._recorded_output(name)
        # a step marked last was not: it is durable before this one runs
        await self._send_held()
        self._raise_if_lost()
        started = time.monotonic()
        try:
            value = fn()
            if inspect.isawaitable(value):
                value = await value
        except Exception as err:
            if self.lost is None:
                code = getattr(err, "code", None)
                error = {
                    "message": (str(err) or type(err).__name__)[:10_000],
                    "code": str(code if code is not None else type(err).__name__)[:200],
                }
                try:
                    await self._record(name, started, error=error)
                except Exception:
                    pass  # the step's own error is the one the handler gets
            raise
        calls = usage_for(usage, value)
        value = to_jsonable_python(value)
        if last:
            await self._send_held()
            self._held = {"name": name, "output": value, "durationMs": _elapsed_ms(started), "usage": calls or None}
            return value
        await self._record(name, started, output=value, usage=calls)
        return value

    async def _send_held(self) -> None:
        """Records the step held back by ``last``: something durable follows it after all."""
        held, self._held = self._held, None
        if held is not None:
            await self._record(
                held["name"], 0, output=held["output"], usage=held["usage"], duration_ms=held["durationMs"]
            )

    async def finish(self) -> dict[str, Any] | None:
        """For the worker once the handler returned: waits for every write and stream append,
        and hands over the step held back by ``last``, which the completion carries."""
        held, self._held = self._held, None
        try:
            await self.flush()
        except BaseException:
            self._held = held
            raise
        return held

    async def _recorded_output(self, name: str) -> Any:
        """A recorded step's output, read when the step is replayed (the claim carries only names)."""
        d = await self.client.gql.step_output(self.id, name)
        for rec in d.intent.steps if d.intent else []:
            if rec.status.value == "COMPLETED":
                return rec.output
        raise NonRetryableError(f'step "{name}" was recorded but its result is gone')

    async def _record(
        self,
        name: str,
        started: float,
        *,
        output: Any = None,
        error: dict[str, Any] | None = None,
        usage: list[dict[str, Any]] | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """One step record, in turn with checkpoint writes, so the log keeps their order."""
        if duration_ms is None:
            duration_ms = _elapsed_ms(started)
        await self._send_held()
        async with self._writes:
            if self._write_error is not None:
                raise self._write_error
            inp = RecordStepInput.model_validate(
                {
                    "id": self.id,
                    "leaseToken": self.lease_token,
                    "name": name,
                    "durationMs": duration_ms,
                    "output": output,
                    "error": error,
                    "usage": usage or None,
                }
            )
            try:
                # through the client's step batcher: the steps its runs record together go in one
                # request, and what is raised here is this step's own error (a lost lease, a crossed
                # budget), which marks only this run lost
                step = await self._call(self.client.record_step(inp))
            except Exception as err:
                self._write_error = err
                raise
            self._seq = max(self._seq, step.seq)

    async def checkpoint(self, state: Any) -> None:
        """Replaces the handler's saved state (``run.state`` on later runs)."""
        self._cp["state"] = to_jsonable_python(state)
        await self._save()

    async def progress(self, data: Any) -> None:
        """Live progress for watchers (``changes()``, ``axme watch``); not stored as an event.
        Replaces the previous value."""
        self._raise_if_lost()
        inp = ReportProgressInput.model_validate({"id": self.id, "leaseToken": self.lease_token, "progress": data})
        await self._call(self.client.gql.report_progress(inp))

    def stream(self, name: str, *, flush_seconds: float = 0.05, flush_chars: int = 64 * 1024) -> StreamWriter:
        """The named output stream of this intent: ``await run.stream("answer").write(token)``
        buffers and appends in batches under this run's lease; readers follow it live with
        ``client.stream(id, name)`` and resume after a disconnect with nothing lost. Flushed
        before the run completes, fails or waits. The same writer for the same name."""
        writer = self._streams.get(name)
        if writer is None:
            writer = StreamWriter(
                self.client.gql,
                self._call,
                self.id,
                self.lease_token,
                name,
                flush_seconds=flush_seconds,
                flush_chars=flush_chars,
            )
            self._streams[name] = writer
        return writer

    async def child(self, key: str, type: str, input: Any = None, **options: Any) -> Intent:
        """Submits a child intent once per ``key`` (its idempotency key is derived from this
        intent's id), so a re-run does not submit it again. Wait for children with
        ``wait_for_children()``. ``options`` are ``client.submit``'s."""
        await self._send_held()
        return await self.client.submit(type, input, parent_id=self.id, idempotency_key=f"{self.id}/{key}", **options)

    async def flush(self) -> None:
        """Waits for every checkpoint write and stream append so far; raises the first that failed."""
        await self._send_held()
        async with self._writes:
            pass
        if self._write_error is not None:
            raise self._write_error
        for writer in list(self._streams.values()):
            await writer.flush()

    # ---- durable waits ----------------------------------------------------------------

    async def request_approval(
        self,
        title: str,
        *,
        description: str | None = None,
        type: str | None = None,
        options: Sequence[str] | None = None,
        assignees: Sequence[str] | None = None,
        form_schema: Any = None,
        require_comment: bool | None = None,
        timeout_seconds: int | None = None,
        on_timeout: ApprovalTimeoutAction | str | None = None,
        escalate_to: Sequence[str] | None = None,
        key: str | None = None,
    ) -> ApprovalDecision:
        """Asks a human and returns the decision. The first time, the intent becomes WAITING
        and this run ends (the worker is free); when someone resolves the approval, the
        handler runs again, its finished steps return stored results, and this call returns
        the decision (``timed_out`` when ``on_timeout`` REJECT applied)."""
        approval = model(
            ApprovalRequestInput,
            title=title,
            description=description,
            type_=type,
            options=list(options) if options is not None else None,
            assignees=list(assignees) if assignees is not None else None,
            form_schema=form_schema,
            require_comment=require_comment,
            timeout_seconds=timeout_seconds,
            on_timeout=on_timeout,
            escalate_to=list(escalate_to) if escalate_to is not None else None,
        )

        async def begin(checkpoint: Any, rec: dict[str, Any]) -> None:
            inp = RequestApprovalInput.model_validate(
                {"id": self.id, "leaseToken": self.lease_token, "approval": approval, "checkpoint": checkpoint}
            )
            await self._call(self.client.gql.request_approval(inp))

        result = await self._durable_wait("approval", key, {}, begin)
        return ApprovalDecision.model_validate(result)

    async def wait_for_signal(
        self, name: str, *, timeout_seconds: int | None = None, key: str | None = None
    ) -> SignalResult:
        """The payload of the next signal ``name`` (one sent before the wait counts too), or
        ``timed_out`` after ``timeout_seconds``."""

        async def begin(checkpoint: Any, rec: dict[str, Any]) -> None:
            inp = WaitForSignalInput.model_validate(
                {
                    "id": self.id,
                    "leaseToken": self.lease_token,
                    "name": name,
                    "timeoutSeconds": timeout_seconds,
                    "checkpoint": checkpoint,
                }
            )
            await self._call(self.client.gql.wait_for_signal(inp))

        result = await self._durable_wait("signal", key, {"name": name}, begin)
        return SignalResult.model_validate(result)

    async def wait_for_children(self, *, key: str | None = None) -> ChildrenResult:
        """Every child's status and output once all of them are COMPLETED, FAILED or CANCELLED."""

        async def begin(checkpoint: Any, rec: dict[str, Any]) -> None:
            inp = WaitForChildrenInput.model_validate(
                {"id": self.id, "leaseToken": self.lease_token, "checkpoint": checkpoint}
            )
            await self._call(self.client.gql.wait_for_children(inp))

        result = await self._durable_wait("children", key, {}, begin)
        return ChildrenResult.model_validate(result)

    async def sleep(self, until: datetime | float, *, key: str | None = None) -> None:
        """Sleeps until a time (or for ``until`` seconds) without holding a worker. The wake
        time is fixed on the first call; later runs do not move it."""
        when = until if isinstance(until, datetime) else datetime.now(timezone.utc) + timedelta(seconds=until)

        async def begin(checkpoint: Any, rec: dict[str, Any]) -> None:
            inp = SleepIntentInput.model_validate(
                {"id": self.id, "leaseToken": self.lease_token, "until": rec["until"], "checkpoint": checkpoint}
            )
            await self._call(self.client.gql.sleep_intent(inp))

        await self._durable_wait("sleep", key, {"until": _iso(when)}, begin)

    async def _durable_wait(
        self,
        kind: WaitKind,
        explicit_key: str | None,
        fresh: dict[str, Any],
        begin: Callable[[Any, dict[str, Any]], Awaitable[None]],
    ) -> Any:
        if explicit_key is None:
            self._wait_calls += 1
            key = f"{kind}#{self._wait_calls}"
        else:
            key = explicit_key
        waits: dict[str, Any] = self._cp["waits"]
        rec = waits.get(key)
        if isinstance(rec, dict) and rec.get("kind") != kind:
            raise NonRetryableError(
                f'wait "{key}" was a {rec.get("kind")} wait in an earlier run and is a {kind} wait now: '
                "call waits in the same order on every run, or give them keys"
            )
        if isinstance(rec, dict) and rec.get("done"):
            return rec.get("result")
        if isinstance(rec, dict) and self._last_wake is not None and self._last_wake.seq > int(rec.get("sinceSeq", 0)):
            result = await outcome_of(self.client, self.id, rec, self._last_wake)
            if result is not None:
                waits[key] = {**rec, "done": True, "result": result}
                await self._save()
                return result
        # the first time, or the wait ended without a wake for it (an operator retried): wait (again)
        self._raise_if_lost()
        await self.flush()
        nxt: dict[str, Any] = {"kind": kind, "sinceSeq": self._seq, **fresh}
        if isinstance(rec, dict) and rec.get("until"):
            nxt["until"] = rec["until"]
        waits[key] = nxt
        try:
            await begin(copy.deepcopy(self._cp), nxt)
        except BaseException:
            if isinstance(rec, dict):
                waits[key] = rec
            else:
                del waits[key]
            raise
        self.suspended = Suspended(kind)
        self._on_suspend(self.suspended)
        raise self.suspended

    # ---- plumbing ---------------------------------------------------------------------

    def _raise_if_lost(self) -> None:
        if self.lost is not None:
            raise self.lost

    def _mark_lost(self, err: BaseException) -> None:
        if self.lost is None:
            self.lost = err
            self._on_lost(err)

    async def _call(self, op: Awaitable[T]) -> T:
        """An operation under this run's lease: a lost lease, a finished intent or a crossed budget
        (the engine stopped the intent) marks the run lost, which cancels the handler."""
        try:
            return await op
        except (LeaseLostError, ConflictError, BudgetExceededError) as err:
            self._mark_lost(err)
            raise

    async def _save(self) -> None:
        # one write at a time, each with the whole checkpoint as it is then, so steps run
        # in parallel (asyncio.gather) cannot overwrite each other
        await self._send_held()
        async with self._writes:
            if self._write_error is not None:
                raise self._write_error
            inp = CheckpointIntentInput.model_validate(
                {"id": self.id, "leaseToken": self.lease_token, "checkpoint": copy.deepcopy(self._cp)}
            )
            try:
                d = await self._call(self.client.gql.checkpoint_intent(inp))
            except Exception as err:
                self._write_error = err
                raise
            self._seq = max(self._seq, d.checkpoint_intent.last_seq)
