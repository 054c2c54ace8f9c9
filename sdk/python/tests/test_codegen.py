"""The checked-in generated client matches schema.graphql, the operation documents and
codegen/base_client.py (as the TypeScript client's test/codegen.test.ts does for it)."""

from __future__ import annotations

import sys
from pathlib import Path

SDK = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SDK / "tools"))

import codegen  # noqa: E402


def test_the_generated_client_is_up_to_date(tmp_path: Path) -> None:
    fresh = codegen.generate(tmp_path)
    diffs = codegen.stale(fresh)
    assert not diffs, (
        "sdk/python/src/axme_durable/generated is stale; run: sh scripts/python.sh sdk/python/tools/codegen.py\n"
        + "".join(diffs)[:5000]
    )


def test_the_check_notices_a_stale_file(tmp_path: Path) -> None:
    fresh = codegen.generate(tmp_path / "fresh")
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for name, text in codegen.files(fresh).items():
        (tampered / name).parent.mkdir(parents=True, exist_ok=True)
        (tampered / name).write_text(text.replace("claimIntents", "claimIntent") if name == "client.py" else text)
    [diff] = codegen.stale(fresh, tampered)
    assert "client.py" in diff
