"""Durable waits in the worker runtime, against a real server: each wait ends the run and
frees the worker, and the handler run again after the wake gets the decision, the signal,
the children or the time, while its finished steps return their stored results."""

from __future__ import annotations

from typing import Any

from conftest import StartWorker, pending_approval, until

from axme_durable import (
    AxmeClient,
    IntentRun,
    IntentStatus,
    NonRetryableError,
    WaitingFor,
)


async def test_request_approval_ends_the_run_and_the_rerun_returns_the_decision(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"draft": 0, "send": 0, "runs": 0}

    async def handle(run: IntentRun) -> dict[str, Any]:
        calls["runs"] += 1

        def draft() -> str:
            calls["draft"] += 1
            return f"draft {calls['draft']}"

        text = await run.step("draft", draft)
        decision = await run.request_approval("Send it?", description=text, assignees=["alice"])
        if not decision.approved:
            return {"sent": False, "comment": decision.comment}

        def send() -> int:
            calls["send"] += 1
            return calls["send"]

        sent = await run.step("send", send)
        return {
            "sent": sent,
            "draft": text,
            "comment": decision.comment,
            "data": decision.data,
            "by": decision.resolved_by,
            "title": decision.approval.title if decision.approval else None,
        }

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)
    approval_id = await pending_approval(client, intent.id)
    waiting = await client.get(intent.id)
    assert waiting is not None
    assert (waiting.status, waiting.waiting_for, waiting.lease) == (IntentStatus.WAITING, WaitingFor.APPROVAL, None)

    resolved = await client.approve(approval_id, comment="ship it", data={"tone": "ok"}, resolved_by="alice")
    assert (resolved.outcome, resolved.resolved_by) == ("approve", "alice")
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {
        "sent": 1,
        "draft": "draft 1",
        "comment": "ship it",
        "data": {"tone": "ok"},
        "by": "alice",
        "title": "Send it?",
    }
    assert calls == {"draft": 1, "send": 0 + 1, "runs": 2}


async def test_a_rejection_is_a_decision_too(client: AxmeClient, intent_type: str, start_worker: StartWorker) -> None:
    async def handle(run: IntentRun) -> dict[str, Any]:
        decision = await run.request_approval("Pay?", options=["approve", "reject"])
        return {"approved": decision.approved, "outcome": decision.outcome, "comment": decision.comment}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)
    await client.reject(await pending_approval(client, intent.id), comment="too much")
    done = await client.result(intent.id, timeout=30)
    assert done.output == {"approved": False, "outcome": "reject", "comment": "too much"}


async def test_wait_for_signal_returns_the_payload_including_one_sent_before_the_wait(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    async def handle(run: IntentRun) -> dict[str, Any]:
        first = await run.wait_for_signal("go")
        second = await run.wait_for_signal("go", timeout_seconds=60)
        late = await run.wait_for_signal("never", timeout_seconds=1)
        return {
            "first": first.payload,
            "second": second.payload,
            "sent_by": second.sent_by,
            "late": [late.timed_out, late.payload],
        }

    intent = await client.submit(intent_type)
    await client.signal(intent.id, "go", {"n": 1})  # before any worker waits for it
    start_worker(handle, types=[intent_type])

    async def waiting_for_the_second() -> bool:
        now = await client.get(intent.id)
        checkpoint: Any = now.checkpoint if now is not None else None
        return now is not None and now.status is IntentStatus.WAITING and len(checkpoint["waits"]) == 2

    await until(waiting_for_the_second, "the second wait")
    await client.signal(intent.id, "go", {"n": 2})
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {"first": {"n": 1}, "second": {"n": 2}, "sent_by": None, "late": [True, None]}


async def test_wait_for_children_returns_every_childs_outcome(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    child_type = intent_type + ".child"
    submitted: list[str] = []

    async def parent(run: IntentRun) -> dict[str, Any]:
        for n in (1, 2):
            child = await run.child(f"part-{n}", child_type, {"n": n})  # the same child on every run
            submitted.append(child.id)
        result = await run.wait_for_children()
        return {
            "all_completed": result.all_completed,
            "children": sorted((c.status, c.output, c.error.code if c.error else None) for c in result.children),
        }

    async def child(run: IntentRun) -> int:
        if run.input["n"] == 2:
            raise NonRetryableError("no", code="NOPE")
        return int(run.input["n"]) * 10

    start_worker(parent, types=[intent_type])
    start_worker(child, types=[child_type])
    intent = await client.submit(intent_type)
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {"all_completed": False, "children": [["COMPLETED", 10, None], ["FAILED", None, "NOPE"]]}
    assert len(set(submitted)) == 2  # the re-run got the same two children back


async def test_sleep_frees_the_worker_and_resumes_after_the_time(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"before": 0, "runs": 0}

    async def handle(run: IntentRun) -> str:
        calls["runs"] += 1

        async def before() -> str:
            calls["before"] += 1
            return "done before"

        await run.step("before", before)
        await run.sleep(1)
        return "woke"

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)
    done = await client.result(intent.id, timeout=30)
    assert (done.status, done.output) == (IntentStatus.COMPLETED, "woke")
    assert calls == {"before": 1, "runs": 2}
    checkpoint: Any = done.checkpoint
    [record] = checkpoint["waits"].values()
    assert record["kind"] == "sleep"
    assert record["done"] is True


async def test_a_wait_key_reused_for_another_kind_of_wait_fails_without_retrying(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    async def handle(run: IntentRun) -> None:
        if run.state is None:
            await run.checkpoint("first run")
            await run.wait_for_signal("go", key="gate")
        await run.sleep(60, key="gate")  # the second run gives the key to another kind of wait

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)

    async def waiting() -> bool:
        now = await client.get(intent.id)
        return now is not None and now.status is IntentStatus.WAITING

    await until(waiting, "the signal wait")
    await client.signal(intent.id, "go")
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.FAILED
    assert done.error is not None
    assert done.error.retryable is False
    assert "call waits in the same order" in done.error.message
