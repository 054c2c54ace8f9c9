"""Schedules from Python against the real server: create with a time zone, read the
preview, pause, resume, fire now and delete; bad input raises BadUserInputError."""

from __future__ import annotations

import uuid

import pytest
from conftest import Server

from axme_durable import AxmeClient, BadUserInputError, IntentStatus, ScheduleOverlapPolicy, SyncAxmeClient


async def test_schedule_lifecycle(client: AxmeClient, intent_type: str) -> None:
    name = f"py-{uuid.uuid4().hex[:8]}"
    s = await client.create_schedule(
        name, intent_type, {"k": 1}, cron="0 9 * * *", timezone="Asia/Tokyo", overlap="BUFFER_ONE"
    )
    assert (s.name, s.timezone, s.overlap, s.intent.type_) == (
        name,
        "Asia/Tokyo",
        ScheduleOverlapPolicy.BUFFER_ONE,
        intent_type,
    )
    assert s.next_fire_at is not None
    assert (s.next_fire_at.hour, s.next_fire_at.minute) == (0, 0)  # 09:00 in Tokyo is 00:00 UTC

    got = await client.schedule(name=name, next=3)
    assert got is not None
    assert len(got.next_fires) == 3

    assert (await client.pause_schedule(s.id, "maintenance")).paused
    assert not (await client.resume_schedule(s.id)).paused
    intent = await client.trigger_schedule(s.id)
    assert intent.status is IntentStatus.PENDING
    assert intent.labels == [f"schedule:{name}"]
    assert [n.name for n in (await client.schedules(type=intent_type)).nodes] == [name]
    assert await client.delete_schedule(s.id)
    assert await client.schedule(s.id) is None


async def test_bad_cron_and_zone_raise_bad_user_input(client: AxmeClient, intent_type: str) -> None:
    with pytest.raises(BadUserInputError, match="invalid cron expression"):
        await client.create_schedule(f"py-{uuid.uuid4().hex[:8]}", intent_type, cron="0 9 * *")
    with pytest.raises(BadUserInputError, match="unknown time zone"):
        await client.create_schedule(
            f"py-{uuid.uuid4().hex[:8]}", intent_type, cron="0 9 * * *", timezone="Nowhere/Land"
        )


def test_the_blocking_client_has_the_schedule_calls(server: Server, intent_type: str) -> None:
    with SyncAxmeClient(server.url) as axme:
        s = axme.create_schedule(f"py-{uuid.uuid4().hex[:8]}", intent_type, interval_seconds=3600, paused=True)
        assert s.paused
        assert not axme.resume_schedule(s.id).paused
        assert axme.trigger_schedule(s.id).type_ == intent_type
        assert axme.delete_schedule(s.id)
