"""A real Axme server for the tests: `src/main.ts` started once per session on a free port
(the embedded backend in memory; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set,
in a fresh schema and Redis prefix of its own that are dropped afterwards)."""

from __future__ import annotations

import asyncio
import collections
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from axme_durable import AxmeClient, Handler, IntentRun, Worker

ROOT = Path(__file__).resolve().parents[3]
URL_LINE = re.compile(r"serving GraphQL at (http://127\.0\.0\.1:\d+/graphql)")


@dataclass
class Server:
    url: str
    backend: str
    process: subprocess.Popen[str]
    log: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))

    def output(self) -> str:
        return "\n".join(self.log)


def _psql(database_url: str, sql: str) -> None:
    if shutil.which("psql") is None:
        raise RuntimeError("DATABASE_URL is set but psql is not installed (the tests make their own schema with it)")
    subprocess.run(["psql", database_url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    env = dict(os.environ)
    env.update(
        PORT="0",
        HOST="127.0.0.1",
        AXME_AUTH="off",
        AXME_LOG_FORMAT="json",
        AXME_LOG_LEVEL="info",
        AXME_SWEEP_MS="100",
        AXME_CLAIM_POLL_MS="50",
        AXME_SUBSCRIPTION_POLL_MS="50",
        AXME_SHUTDOWN_TIMEOUT_MS="1000",
        # prices for tests/test_usage.py: USD per million tokens
        AXME_PRICES='{"gpt-py": {"input": 2, "output": 8}}',
    )
    name = f"axme_py_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = env.get("DATABASE_URL")
    if database_url:
        _psql(database_url, f"create schema {name}")
        env["AXME_DB_SCHEMA"] = name
    else:
        env["AXME_DATA_DIR"] = "memory"
    if env.get("REDIS_URL"):
        env["AXME_REDIS_PREFIX"] = name
    backend = ("PostgreSQL" if database_url else "embedded PGlite") + (" + Redis" if env.get("REDIS_URL") else "")

    proc = subprocess.Popen(
        ["sh", "scripts/node.sh", "src/main.ts"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log: collections.deque[str] = collections.deque(maxlen=200)
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        # keeps reading so the server never blocks on a full pipe
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line.rstrip())
            m = URL_LINE.search(line)
            if m and not found:
                found.append(m.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, name="axme-server-log", daemon=True).start()
    try:
        # the first run of scripts/node.sh may install the pinned Node first
        ready.wait(300)
        if not found:
            raise RuntimeError("the Axme server did not start:\n" + "\n".join(log))
        srv = Server(url=found[0], backend=backend, process=proc, log=log)
        yield srv
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if database_url:
            _psql(database_url, f"drop schema if exists {name} cascade")


def pytest_report_header(config: pytest.Config) -> str:
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "embedded PGlite"
    return f"axme server backend: {backend}{' + Redis' if os.environ.get('REDIS_URL') else ''}"


@pytest.fixture
async def client(server: Server) -> AsyncIterator[AxmeClient]:
    async with AxmeClient(server.url) as c:
        yield c


@pytest.fixture
def intent_type(request: pytest.FixtureRequest) -> str:
    """An intent type no other test uses, so workers only see their own test's intents."""
    return f"py.{request.node.name[:40]}.{uuid.uuid4().hex[:8]}"


StartWorker = Callable[..., Worker]


@pytest.fixture
async def start_worker(client: AxmeClient) -> AsyncIterator[StartWorker]:
    """Starts a worker on the test's client (short long polls, errors collected); stops it after the test."""
    workers: list[Worker] = []
    errors: list[BaseException] = []

    def start(handler: Handler, **options: Any) -> Worker:
        options.setdefault("wait_seconds", 1)
        options.setdefault("on_error", lambda err, _id: errors.append(err))
        w = client.worker(handler, **options)
        workers.append(w)
        return w

    yield start
    await asyncio.gather(*(w.stop() for w in workers))


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30.0) -> None:
    """Polls ``check`` until it is true; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def pending_approval(client: AxmeClient, intent_id: str) -> str:
    found: list[str] = []

    async def check() -> bool:
        page = await client.approvals(intent_id=intent_id, status=["PENDING"])
        found[:] = [a.id for a in page.nodes]
        return bool(found)

    await until(check, f"a pending approval on {intent_id}")
    return found[0]


__all__ = ["ROOT", "IntentRun", "Server", "StartWorker", "pending_approval", "until"]
