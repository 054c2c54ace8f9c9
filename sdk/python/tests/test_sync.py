"""The blocking client, for scripts: plain functions, no event loop in sight."""

from __future__ import annotations

import threading

import pytest
from conftest import Server

from axme_durable import IntentStatus, NotFoundError, SyncAxmeClient


def test_submit_and_result_block_until_the_intent_is_finished(server: Server, intent_type: str) -> None:
    with SyncAxmeClient(server.url) as axme:
        intent = axme.submit(intent_type, {"question": "Why is the sky blue?"})
        assert axme.get(intent.id) is not None

        def agent() -> None:
            # another script, by hand: claim it and complete it
            with SyncAxmeClient(server.url) as other:
                [lease] = other.claim_many([intent_type], limit=1, wait_seconds=5)
                other.complete_many([(lease.intent.id, lease.token, {"answer": "Rayleigh scattering"})])

        t = threading.Thread(target=agent)
        t.start()
        done = axme.result(intent.id, timeout=30)
        t.join()
        assert (done.status, done.output) == (IntentStatus.COMPLETED, {"answer": "Rayleigh scattering"})
        assert [e.kind.value for e in axme.events(intent.id)] == ["SUBMITTED", "CLAIMED", "COMPLETED"]
        with pytest.raises(NotFoundError):
            axme.cancel("0192c0de-0000-7000-8000-000000000000")


def test_execute_blocks_until_the_submitted_intent_is_finished(server: Server, intent_type: str) -> None:
    def agent() -> None:
        with SyncAxmeClient(server.url) as other:
            [lease] = other.claim_many([intent_type], limit=1, wait_seconds=10)
            other.complete_many([(lease.intent.id, lease.token, "done")])

    t = threading.Thread(target=agent)
    t.start()
    with SyncAxmeClient(server.url) as axme:
        done = axme.execute(intent_type, {"n": 1}, timeout=30)
    t.join()
    assert (done.status, done.output) == (IntentStatus.COMPLETED, "done")


def test_a_closed_client_says_so(server: Server) -> None:
    axme = SyncAxmeClient(server.url)
    axme.close()
    axme.close()  # twice is fine
    with pytest.raises(RuntimeError, match="closed"):
        axme.get("x")
